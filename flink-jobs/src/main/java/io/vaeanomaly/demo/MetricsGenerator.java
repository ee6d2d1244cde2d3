package io.vaeanomaly.demo;

import io.vaeanomaly.demo.FeatureCatalog.Spec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Deterministic generator of realistic multivariate host metrics with labelled anomalies, for
 * the demo and for end-to-end evaluations.
 *
 * <p>Each host has a daily cycle ({@link GeneratorConfig#ticksPerDay()} events per host per day),
 * autocorrelated noise and groups of metrics driven by shared hidden load, memory, disk and
 * temperature processes (e.g. cpu, load average, requests, network and latency all follow the
 * load). After the warm-up, about {@link GeneratorConfig#anomalyRate()} of the events carry an
 * injected anomaly ({@link AnomalyKind}): spikes, level shifts, broken correlations and stuck
 * metrics, each sized to be clearly outside the host's normal behaviour.
 *
 * <p>The stream is infinite and a pure function of the config: the same config always yields
 * the same events, and normal values do not change with the anomaly settings (anomalies are an
 * overlay drawn from separate random streams). Not thread-safe.
 */
public final class MetricsGenerator implements Iterator<MetricEvent> {
    private static final String[] ROLES = {"web", "api", "db", "cache", "worker"};
    /** Ticks simulated per host to estimate its normal range (at least three days). */
    private static final int MIN_PROFILE_TICKS = 3000;

    private final GeneratorConfig config;
    private final List<Spec> specs;
    private final List<String> featureNames;
    private final List<String> hostNames;
    private final HostProcess[] processes;
    private final AnomalyInjector[] injectors;
    private long eventIndex;

    /** A generator for {@code config}. */
    public MetricsGenerator(GeneratorConfig config) {
        this.config = config;
        this.specs = FeatureCatalog.first(config.features());
        List<String> names = new ArrayList<>();
        specs.forEach(s -> names.add(s.name()));
        this.featureNames = Collections.unmodifiableList(names);
        List<String> hosts = new ArrayList<>();
        for (int h = 0; h < config.hosts(); h++) {
            hosts.add(String.format("%s-%02d", ROLES[h % ROLES.length], h / ROLES.length + 1));
        }
        this.hostNames = Collections.unmodifiableList(hosts);
        this.processes = new HostProcess[config.hosts()];
        this.injectors = new AnomalyInjector[config.hosts()];
        int profileTicks = Math.max(MIN_PROFILE_TICKS, 3 * config.ticksPerDay());
        for (int h = 0; h < config.hosts(); h++) {
            long personality = mix(config.seed(), h, 1);
            processes[h] = new HostProcess(
                    specs, config.ticksPerDay(), personality, mix(config.seed(), h, 2));
            // The twin has the same personality and independent noise.
            HostProcess twin = new HostProcess(
                    specs, config.ticksPerDay(), personality, mix(config.seed(), h, 4));
            NormalProfile profile = NormalProfile.estimate(twin, specs.size(), profileTicks);
            injectors[h] = new AnomalyInjector(specs, processes[h], profile,
                    mix(config.seed(), h, 3), config.anomalyRate());
        }
    }

    /** A generator with {@link GeneratorConfig#defaults()}. */
    public MetricsGenerator() {
        this(GeneratorConfig.defaults());
    }

    /** The config this generator was built with. */
    public GeneratorConfig config() {
        return config;
    }

    /** Metric names in emission order (the key order of every event's metrics map). */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Host names, e.g. {@code web-01, api-01, db-01, cache-01}; event i is from host i % n. */
    public List<String> hostNames() {
        return hostNames;
    }

    /** Number of events returned so far. */
    public long eventsGenerated() {
        return eventIndex;
    }

    /** Always true: the stream is infinite. */
    @Override
    public boolean hasNext() {
        return true;
    }

    /** The next event (hosts in round robin). */
    @Override
    public MetricEvent next() {
        int h = (int) (eventIndex % config.hosts());
        HostProcess host = processes[h];
        host.step();
        double[] values = new double[specs.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = host.normalValue(i);
        }
        List<String> affected = new ArrayList<>(3);
        AnomalyKind kind = injectors[h].apply(
                values, eventIndex >= config.warmupEvents(), affected);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            metrics.put(featureNames.get(i), round3(values[i]));
        }
        long ts = config.timestampOfTick(host.tick());
        eventIndex++;
        return new MetricEvent(hostNames.get(h), ts, metrics, kind, affected);
    }

    /** The next {@code n} events. */
    public List<MetricEvent> take(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        List<MetricEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** An infinite sequential stream over the remaining events; limit it. */
    public Stream<MetricEvent> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(
                this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** JSON form of {@code event} (see {@link MetricEvent#toJson()}). */
    public static String toJson(MetricEvent event) {
        return event.toJson();
    }

    /** Metrics carry three decimals, like real exporters; keeps JSON round trips exact. */
    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** SplitMix64-style mixing so that nearby seeds and hosts give unrelated streams. */
    static long mix(long seed, int host, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + host * 0xBF58476D1CE4E5B9L
                + stream * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package io.vaeanomaly.demo;

/**
 * Immutable settings of {@link MetricsGenerator}, validated at construction.
 *
 * <p>Hosts emit in round robin: event {@code i} belongs to host {@code i % hosts} at tick
 * {@code i / hosts}. A simulated day has {@code ticksPerDay} ticks and maps to 24 h of event time,
 * so a tick lasts {@code 86_400_000 / ticksPerDay} ms of event time.
 *
 * @param hosts number of hosts (1..100)
 * @param features metrics per host (8..40), the first entries of the feature catalog
 * @param seed seed of all randomness; equal configs give equal streams
 * @param ticksPerDay length of the daily cycle in events per host (>= 20)
 * @param anomalyRate expected fraction of events labelled anomalous after warm-up (0..0.2)
 * @param warmupEvents no anomalies among the first this many events (>= 0)
 * @param startMillis event time of tick 0 (epoch ms, >= 0)
 */
public record GeneratorConfig(
        int hosts,
        int features,
        long seed,
        int ticksPerDay,
        double anomalyRate,
        long warmupEvents,
        long startMillis) {
    /** Milliseconds in the simulated day. */
    public static final long DAY_MILLIS = 86_400_000L;
    /** 2025-01-01T00:00:00Z, the default start so that default streams are reproducible. */
    public static final long DEFAULT_START_MILLIS = 1_735_689_600_000L;

    /** Validates every field; messages name the bad field. */
    public GeneratorConfig {
        if (hosts < 1 || hosts > 100) {
            throw new IllegalArgumentException("hosts must be in 1..100, got " + hosts);
        }
        if (features < 8 || features > FeatureCatalog.size()) {
            throw new IllegalArgumentException("features must be in 8.." + FeatureCatalog.size()
                    + ", got " + features);
        }
        if (ticksPerDay < 20) {
            throw new IllegalArgumentException("ticksPerDay must be >= 20, got " + ticksPerDay);
        }
        if (!(anomalyRate >= 0 && anomalyRate <= 0.2)) {
            throw new IllegalArgumentException("anomalyRate must be in 0..0.2, got " + anomalyRate);
        }
        if (warmupEvents < 0) {
            throw new IllegalArgumentException("warmupEvents must be >= 0, got " + warmupEvents);
        }
        if (startMillis < 0) {
            throw new IllegalArgumentException("startMillis must be >= 0, got " + startMillis);
        }
    }

    /**
     * Defaults: 4 hosts, 24 features, seed 42, 720 ticks per day (2 min of event time per tick),
     * 1 % anomalies, warm-up of one simulated day of events, start 2025-01-01.
     */
    public static GeneratorConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hosts = hosts;
        b.features = features;
        b.seed = seed;
        b.ticksPerDay = ticksPerDay;
        b.anomalyRate = anomalyRate;
        b.warmupEvents = warmupEvents;
        b.startMillis = startMillis;
        return b;
    }

    /** Event time of {@code tick}: exact day boundaries even when the day does not divide. */
    public long timestampOfTick(long tick) {
        return startMillis + Math.multiplyExact(tick, DAY_MILLIS) / ticksPerDay;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int hosts = 4;
        private int features = 24;
        private long seed = 42;
        private int ticksPerDay = 720;
        private double anomalyRate = 0.01;
        private long warmupEvents = -1;
        private long startMillis = DEFAULT_START_MILLIS;

        private Builder() {}

        public Builder hosts(int v) {
            hosts = v;
            return this;
        }

        public Builder features(int v) {
            features = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder ticksPerDay(int v) {
            ticksPerDay = v;
            return this;
        }

        public Builder anomalyRate(double v) {
            anomalyRate = v;
            return this;
        }

        /** Events without anomalies at the start; default (or negative): one simulated day. */
        public Builder warmupEvents(long v) {
            warmupEvents = v;
            return this;
        }

        public Builder startMillis(long v) {
            startMillis = v;
            return this;
        }

        /** Validates and builds. */
        public GeneratorConfig build() {
            long warmup = warmupEvents >= 0 ? warmupEvents : (long) hosts * ticksPerDay;
            return new GeneratorConfig(
                    hosts, features, seed, ticksPerDay, anomalyRate, warmup, startMillis);
        }
    }
}

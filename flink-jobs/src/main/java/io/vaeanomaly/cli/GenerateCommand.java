package io.vaeanomaly.cli;

import io.vaeanomaly.demo.GeneratorConfig;
import io.vaeanomaly.demo.MetricEvent;
import io.vaeanomaly.demo.MetricsGenerator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate}: produces synthetic host metrics with labelled anomalies (JSON, key = host)
 * to a Kafka topic at a fixed rate, e.g. for the docker-compose deployment.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Produce synthetic host metrics with injected, labelled anomalies to Kafka.",
            "Value: {\"host\",\"ts\",\"metrics\":{...},\"injected_anomaly\":null|kind}; key: host.",
            "Prints a one-line JSON summary when done (or on Ctrl-C)."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--topic", required = true, description = "Topic to write to.")
    String topic;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "EVENTS_PER_S",
            description = "Events per second over all hosts; 0 = as fast as possible "
                    + "(default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--events", defaultValue = "0", paramLabel = "N",
            description = "Stop after N events; 0 = run until interrupted (default).")
    long events;

    @Option(names = "--hosts", defaultValue = "4", description = "Hosts (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--features", defaultValue = "24",
            description = "Metrics per host, 8..40 (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ticks-per-day", defaultValue = "720",
            description = "Events per host per simulated day (default: ${DEFAULT-VALUE}).")
    int ticksPerDay;

    @Option(names = "--anomaly-rate", defaultValue = "0.01",
            description = "Fraction of anomalous events after warm-up (default: ${DEFAULT-VALUE}).")
    double anomalyRate;

    @Option(names = "--warmup-events", defaultValue = "-1",
            description = "Events without anomalies at the start; -1 = one simulated day "
                    + "(hosts x ticks-per-day).")
    long warmupEvents;

    @Option(names = "--start-ms", paramLabel = "EPOCH_MS",
            description = "Event time of the first tick (default: now).")
    Long startMillis;

    @Override
    public Integer call() throws Exception {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new UsageException("--rate must be >= 0, got " + rate);
        }
        if (events < 0) {
            throw new UsageException("--events must be >= 0, got " + events);
        }
        GeneratorConfig config;
        try {
            config = GeneratorConfig.builder()
                    .hosts(hosts).features(features).seed(seed).ticksPerDay(ticksPerDay)
                    .anomalyRate(anomalyRate).warmupEvents(warmupEvents)
                    .startMillis(startMillis != null ? startMillis : System.currentTimeMillis())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        MetricsGenerator generator = new MetricsGenerator(config);
        AtomicReference<Exception> sendError = new AtomicReference<>();
        long sent = 0;
        long anomalies = 0;
        long t0 = System.nanoTime();
        Thread shutdownSummary = null;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps());
             ProgressBar progress = events > 0 ? new ProgressBar("generate", events) : null) {
            Counters counters = new Counters();
            shutdownSummary = new Thread(() -> printSummary(counters, t0), "generate-summary");
            Runtime.getRuntime().addShutdownHook(shutdownSummary);
            while (events == 0 || sent < events) {
                if (sendError.get() != null) {
                    throw sendError.get();
                }
                pace(sent, t0);
                MetricEvent e = generator.next();
                producer.send(new ProducerRecord<>(topic, null, e.timestampMs(), e.host(),
                        e.toJson()), (md, ex) -> {
                            if (ex != null) {
                                sendError.compareAndSet(null, ex);
                            }
                        });
                sent++;
                if (e.isAnomaly()) {
                    anomalies++;
                }
                counters.sent = sent;
                counters.anomalies = anomalies;
                if (progress != null) {
                    progress.set(sent);
                }
            }
            producer.flush();
            if (sendError.get() != null) {
                throw sendError.get();
            }
        } finally {
            if (shutdownSummary != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownSummary);
                } catch (IllegalStateException ignored) {
                    // JVM is shutting down; the hook prints the summary.
                }
            }
        }
        Counters done = new Counters();
        done.sent = sent;
        done.anomalies = anomalies;
        printSummary(done, t0);
        return 0;
    }

    /** Volatile counters read by the Ctrl-C summary hook. */
    private static final class Counters {
        volatile long sent;
        volatile long anomalies;
    }

    private void printSummary(Counters c, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = JsonSummary.ordered();
        m.put("topic", topic);
        m.put("events", c.sent);
        m.put("anomalies", c.anomalies);
        m.put("seconds", JsonSummary.round(secs, 3));
        m.put("events_per_s", JsonSummary.round(c.sent / Math.max(secs, 1e-9), 1));
        JsonSummary.print(System.out, m);
    }

    /** Sleeps until event {@code sent} is due, so the long-run rate matches --rate. */
    private void pace(long sent, long t0) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long dueNanos = t0 + (long) (sent * 1e9 / rate);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vae-anomaly-generate");
        // Fail instead of hanging forever when the broker is unreachable.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return p;
    }
}

package io.vaeanomaly.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import io.vaeanomaly.config.Durations;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.job.AnomalyDetectionJob;
import io.vaeanomaly.job.LocalFlink;
import io.vaeanomaly.kafka.ChildJvms;
import io.vaeanomaly.kafka.EmbeddedKafkaBroker;
import io.vaeanomaly.kafka.StringClients;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Soak benchmark: the job at a steady rate for a long time with retraining on, against a real
 * Kafka broker (embedded, KRaft, loopback) and on a local MiniCluster. Every interval it
 * records throughput in and out, end-to-end latency (event time stamped at production, to the
 * output record's arrival at a read_committed consumer), the lowest heap after GC (the whole
 * JVM: job, producer and consumer; the broker is a child process), the latest checkpoint's
 * duration and size, the champion's version and the job's restarts; at the end it drains and
 * checks that nothing was lost. Progress goes to stderr, the time series to {@code --out} (CSV),
 * the summary to stdout ({@code --json}: one line).
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Soak benchmark: the job at a steady rate with retraining on, real Kafka broker,"
                    + " local MiniCluster; throughput, latency, heap, checkpoints over time."
        })
public final class SoakCommand implements Callable<Integer> {
    static final String INPUT = "soak-events";
    static final String SCORES = "soak-scores";
    static final String ANOMALIES = "soak-anomalies";
    static final String DEAD_LETTERS = "soak-dead-letters";
    static final String MODEL_EVENTS = "soak-model-events";
    private static final int HOSTS = 16;
    private static final int MAX_LATENCY_MS = 600_000;
    private static final Duration DRAIN_MAX = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--duration", defaultValue = "10m", paramLabel = "DURATION",
            description = "How long events are produced (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--rate", defaultValue = "3000",
            description = "Events per second produced (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--features", defaultValue = "8",
            description = "Features per event (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--parallelism", defaultValue = "1",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--retrain-every", defaultValue = "100000",
            description = "Events between retrainings (default: ${DEFAULT-VALUE}).")
    long retrainEvery;

    @Option(names = "--epochs", defaultValue = "20",
            description = "Training epochs per model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--checkpoint-interval", defaultValue = "10s",
            description = "Flink checkpoint interval (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--delivery", defaultValue = "exactly-once",
            description = "Kafka sink guarantee: exactly-once or at-least-once"
                    + " (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--interval", defaultValue = "10s",
            description = "Sampling interval (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--steady-after", defaultValue = "60s",
            description = "Events produced before this leave the overall latency percentiles"
                    + " (warm-up: the first model trains while events wait);"
                    + " default: ${DEFAULT-VALUE}.")
    String steadyAfter;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the time series as CSV to FILE.")
    Path out;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Duration runFor = parse("--duration", duration);
        Duration every = parse("--interval", interval);
        parse("--checkpoint-interval", checkpointInterval);
        Duration steady = parse("--steady-after", steadyAfter);
        if (rate < 1 || features < 1 || parallelism < 1 || retrainEvery < 0 || epochs < 1) {
            throw new UsageException("--rate, --features, --parallelism, --epochs must be >= 1"
                    + " and --retrain-every >= 0");
        }
        if (!delivery.equals("exactly-once") && !delivery.equals("at-least-once")) {
            throw new UsageException("--delivery must be exactly-once or at-least-once, got "
                    + delivery);
        }
        Run run = new Run(runFor, every, steady);
        Thread hook = new Thread(run::shutdown, "soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> summary;
        try {
            summary = run.execute();
        } finally {
            run.shutdown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down anyway
            }
        }
        PrintStream stdout = System.out;
        if (json) {
            JsonSummary.print(stdout, summary);
        } else {
            summary.forEach((k, v) -> stdout.println(k + ": " + v));
        }
        return ((Number) summary.get("events_lost")).longValue() == 0
                && ((Number) summary.get("restarts")).longValue() == 0 ? 0 : 1;
    }

    private static Duration parse(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
    }

    /** One sampling interval. */
    record Sample(double atS, long produced, long scored, double inPerS, double outPerS,
            double p50Ms, double p99Ms, long heapAfterGcMb, long checkpoints,
            long checkpointMs, long checkpointBytes, long modelVersion, long restarts) {}

    private final class Run {
        final Duration runFor;
        final Duration every;
        final Duration steady;
        /** Wall-clock ms from which events count in the overall latency percentiles. */
        volatile long steadyFromMs = Long.MAX_VALUE;
        final AtomicLong produced = new AtomicLong();
        final AtomicLong scored = new AtomicLong();
        /** Events on the scores topic without a score (with the reason; none expected). */
        final AtomicLong unscored = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();
        final AtomicLong modelVersion = new AtomicLong();
        final AtomicBoolean stopProducer = new AtomicBoolean();
        final AtomicBoolean stopConsumer = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Latencies in ms: this interval's (reset per sample) and all (1 ms buckets). */
        final Object latencyLock = new Object();
        final List<Long> intervalLatencies = new ArrayList<>();
        final long[] histogram = new long[MAX_LATENCY_MS + 1];
        final HttpClient http = HttpClient.newHttpClient();
        final HeapAfterGc heap = new HeapAfterGc();
        EmbeddedKafkaBroker broker;
        /** The local cluster's settings and work directory (checkpoints included). */
        LocalFlink flink;
        JobClient job;
        int restPort;
        boolean shutDown;

        Run(Duration runFor, Duration every, Duration steady) {
            this.runFor = runFor;
            this.every = every;
            this.steady = steady;
        }

        Map<String, Object> execute() throws Exception {
            System.err.println("soak: starting an embedded Kafka broker ...");
            heap.install();
            synchronized (this) {
                broker = EmbeddedKafkaBroker.builder().maxHeapMb(1024).start();
            }
            broker.createTopic(INPUT, Math.max(2, parallelism));
            for (String t : List.of(SCORES, ANOMALIES, DEAD_LETTERS, MODEL_EVENTS)) {
                broker.createTopic(t, 1);
            }
            JobConfig config = JobConfigLoader.fromOverrides(overrides());
            // Flink's settings, as run -p N -D would give them; the REST port is known, for
            // the checkpoint statistics and restarts.
            Configuration conf = new Configuration();
            conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL,
                    Durations.parse(checkpointInterval));
            restPort = ChildJvms.freeLoopbackPorts(1)[0];
            conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
            conf.set(RestOptions.PORT, restPort);
            LocalFlink local = LocalFlink.create(conf);
            synchronized (this) {
                flink = local;
            }
            StreamExecutionEnvironment env = local.environment(false);
            AnomalyDetectionJob.buildKafkaPipeline(env, config);
            JobClient client = env.executeAsync("vae-anomaly-soak");
            synchronized (this) {
                job = client;
            }
            Thread consumer = new Thread(this::consume, "soak-consumer");
            consumer.start();
            Thread producer = new Thread(this::produce, "soak-producer");
            long t0 = System.nanoTime();
            steadyFromMs = System.currentTimeMillis() + steady.toMillis();
            producer.start();
            System.err.printf(Locale.ROOT, "soak: %d events/s of %d features for %d s,"
                            + " parallelism %d, %s; columns: t(s) in/s out/s p50 p99(ms)"
                            + " heap-after-GC-floor(MB) checkpoints last-cp(ms) last-cp(KB) model"
                            + " restarts%n", rate, features, runFor.toSeconds(), parallelism,
                    delivery);
            List<Sample> samples = new ArrayList<>();
            long lastProduced = 0;
            long lastScored = 0;
            long lastT = t0;
            while (producer.isAlive()) {
                producer.join(every.toMillis());
                checkFailure();
                long now = System.nanoTime();
                Sample s = sample((now - t0) / 1e9, (now - lastT) / 1e9, lastProduced,
                        lastScored);
                samples.add(s);
                lastProduced = s.produced();
                lastScored = s.scored();
                lastT = now;
                System.err.printf(Locale.ROOT, "soak: %6.0f %7.0f %7.0f %6.0f %7.0f %5d %4d %6d"
                                + " %8d %3d %2d%n", s.atS(), s.inPerS(), s.outPerS(), s.p50Ms(),
                        s.p99Ms(), s.heapAfterGcMb(), s.checkpoints(), s.checkpointMs(),
                        s.checkpointBytes() / 1024, s.modelVersion(), s.restarts());
            }
            double producedForS = (System.nanoTime() - t0) / 1e9;
            long deadline = System.nanoTime() + DRAIN_MAX.toNanos();
            while (scored.get() + unscored.get() + deadLettered.get() < produced.get()
                    && System.nanoTime() < deadline) {
                checkFailure();
                Thread.sleep(200);
            }
            double drainS = (System.nanoTime() - t0) / 1e9 - producedForS;
            Sample last = sample((System.nanoTime() - t0) / 1e9, 1, lastProduced, lastScored);
            stopConsumer.set(true);
            consumer.join(10_000);
            if (out != null) {
                writeCsv(samples);
            }
            return summary(samples, last, producedForS, drainS);
        }

        private String[] overrides() {
            String names = IntStream.range(0, features).mapToObj(i -> "f" + i)
                    .collect(Collectors.joining(","));
            return new String[] {
                "kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "kafka.input-topic=" + INPUT,
                "kafka.output-topic=" + ANOMALIES,
                "kafka.scores-topic=" + SCORES,
                "kafka.dead-letter-topic=" + DEAD_LETTERS,
                "kafka.model-events-topic=" + MODEL_EVENTS,
                "kafka.group-id=soak",
                "kafka.transactional-id-prefix=soak-" + System.currentTimeMillis(),
                "kafka.starting-offsets=earliest",
                "kafka.delivery-guarantee=" + delivery,
                "input.key-field=host",
                "input.event-time-field=ts",
                "input.feature-fields=[" + names + "]",
                "model.scope=global",
                "training.retrain-every-events=" + retrainEvery,
                "training.epochs=" + epochs,
            };
        }

        /** Events on two latent factors plus noise, stamped with the wall clock. */
        private void produce() {
            Properties p = StringClients.producer(broker.bootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            Random random = new Random(7);
            double[][] loadings = new double[features][2];
            for (double[] l : loadings) {
                l[0] = random.nextGaussian();
                l[1] = random.nextGaussian();
            }
            long total = runFor.toSeconds() * rate;
            long start = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                StringBuilder sb = new StringBuilder(32 + 16 * features);
                for (long n = 0; n < total && !stopProducer.get(); n++) {
                    long due = start + n * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    double z1 = random.nextGaussian();
                    double z2 = random.nextGaussian();
                    String host = "h-" + (n % HOSTS);
                    sb.setLength(0);
                    sb.append("{\"host\":\"").append(host).append("\",\"ts\":")
                            .append(System.currentTimeMillis());
                    for (int j = 0; j < features; j++) {
                        double v = loadings[j][0] * z1 + loadings[j][1] * z2
                                + 0.05 * random.nextGaussian();
                        sb.append(",\"f").append(j).append("\":")
                                .append(String.format(Locale.ROOT, "%.5f", v));
                    }
                    sb.append('}');
                    producer.send(new ProducerRecord<>(INPUT, host, sb.toString()),
                            (meta, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    produced.incrementAndGet();
                                }
                            });
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        private void consume() {
            Properties p = StringClients.consumer(broker.bootstrapServers(),
                    delivery.equals("exactly-once") ? IsolationLevel.READ_COMMITTED
                            : IsolationLevel.READ_UNCOMMITTED);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                List<TopicPartition> tps = List.of(new TopicPartition(SCORES, 0),
                        new TopicPartition(DEAD_LETTERS, 0), new TopicPartition(MODEL_EVENTS, 0));
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (!stopConsumer.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        long now = System.currentTimeMillis();
                        if (r.topic().equals(SCORES)) {
                            JsonNode n = JSON.readTree(r.value());
                            long eventMs = Instant.parse(n.get("event_time").asText())
                                    .toEpochMilli();
                            latency(now - eventMs, eventMs >= steadyFromMs);
                            if (n.path("scored").asBoolean(true)) {
                                scored.incrementAndGet();
                            } else {
                                unscored.incrementAndGet();
                            }
                        } else if (r.topic().equals(DEAD_LETTERS)) {
                            deadLettered.incrementAndGet();
                        } else {
                            JsonNode n = JSON.readTree(r.value());
                            if (!n.path("outcome").asText().equals("rejected")) {
                                modelVersion.accumulateAndGet(n.path("model_version").asLong(),
                                        Math::max);
                            }
                        }
                    }
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }

        private void latency(long ms, boolean steadyState) {
            int bucket = (int) Math.max(0, Math.min(MAX_LATENCY_MS, ms));
            synchronized (latencyLock) {
                if (steadyState) {
                    histogram[bucket]++;
                }
                intervalLatencies.add(ms);
            }
        }

        private Sample sample(double atS, double dtS, long lastProduced, long lastScored) {
            long[] lat;
            synchronized (latencyLock) {
                lat = intervalLatencies.stream().mapToLong(Long::longValue).toArray();
                intervalLatencies.clear();
            }
            Arrays.sort(lat);
            JsonNode cps = rest("/jobs/" + job.getJobID() + "/checkpoints");
            JsonNode latest = cps == null ? null : cps.path("latest").path("completed");
            long nowProduced = produced.get();
            long nowScored = scored.get();
            return new Sample(atS, nowProduced, nowScored, (nowProduced - lastProduced) / dtS,
                    (nowScored - lastScored) / dtS, percentile(lat, 0.5), percentile(lat, 0.99),
                    heap.takeFloorMb(),
                    cps == null ? -1 : cps.path("counts").path("completed").asLong(),
                    latest == null || latest.isMissingNode() || latest.isNull() ? -1
                            : latest.path("end_to_end_duration").asLong(),
                    latest == null || latest.isMissingNode() || latest.isNull() ? -1
                            : latest.path("state_size").asLong(),
                    modelVersion.get(), restarts());
        }

        private long restarts() {
            JsonNode m = rest("/jobs/" + job.getJobID() + "/metrics?get=numRestarts");
            return m != null && m.isArray() && m.size() > 0 ? m.get(0).path("value").asLong()
                    : -1;
        }

        private JsonNode rest(String path) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + restPort + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            } catch (Exception e) {
                return null;
            }
        }

        private Map<String, Object> summary(List<Sample> samples, Sample last, double producedS,
                double drainS) {
            Map<String, Object> s = JsonSummary.ordered();
            long producedN = produced.get();
            long scoredN = scored.get();
            long deadN = deadLettered.get();
            s.put("duration_s", JsonSummary.round(producedS, 1));
            s.put("rate_target", rate);
            s.put("features", features);
            s.put("parallelism", parallelism);
            s.put("delivery", delivery);
            s.put("events_produced", producedN);
            s.put("events_scored", scoredN);
            s.put("events_unscored", unscored.get());
            s.put("dead_lettered", deadN);
            s.put("events_lost", producedN - scoredN - unscored.get() - deadN);
            s.put("drain_s", JsonSummary.round(drainS, 1));
            // The per-interval extremes leave out the intervals that began during the warm-up:
            // while the first model trains, nothing comes out and latencies have no value.
            double warmUpS = steady.toSeconds() + every.toMillis() / 1000.0;
            List<Sample> later = samples.stream().filter(x -> x.atS() >= warmUpS).toList();
            s.put("out_per_s_mean", JsonSummary.round(scoredN / producedS, 0));
            s.put("out_per_s_min_interval", JsonSummary.round(later.stream()
                    .mapToDouble(Sample::outPerS).min().orElse(Double.NaN), 0));
            s.put("latency_steady_after_s", steady.toSeconds());
            s.put("p50_ms", percentileOfHistogram(0.5));
            s.put("p99_ms", percentileOfHistogram(0.99));
            s.put("p99_ms_max_interval", JsonSummary.round(later.stream()
                    .mapToDouble(Sample::p99Ms).filter(Double::isFinite).max()
                    .orElse(Double.NaN), 0));
            s.put("heap_after_gc_mb_first", samples.isEmpty() ? null
                    : samples.get(0).heapAfterGcMb());
            s.put("heap_after_gc_mb_last", last.heapAfterGcMb());
            s.put("heap_after_gc_mb_max", samples.stream().mapToLong(Sample::heapAfterGcMb)
                    .max().orElse(-1));
            s.put("checkpoints", last.checkpoints());
            s.put("checkpoint_ms_max", samples.stream().mapToLong(Sample::checkpointMs)
                    .max().orElse(-1));
            s.put("checkpoint_ms_last", last.checkpointMs());
            s.put("checkpoint_bytes_max", samples.stream().mapToLong(Sample::checkpointBytes)
                    .max().orElse(-1));
            s.put("checkpoint_bytes_last", last.checkpointBytes());
            s.put("model_version", modelVersion.get());
            s.put("restarts", last.restarts());
            return s;
        }

        private long percentileOfHistogram(double q) {
            long total;
            synchronized (latencyLock) {
                total = Arrays.stream(histogram).sum();
                long rank = (long) Math.ceil(q * total);
                long seen = 0;
                for (int i = 0; i < histogram.length; i++) {
                    seen += histogram[i];
                    if (seen >= rank && total > 0) {
                        return i;
                    }
                }
            }
            return -1;
        }

        private void writeCsv(List<Sample> samples) throws java.io.IOException {
            List<String> lines = new ArrayList<>();
            lines.add("t_s,produced,scored,in_per_s,out_per_s,p50_ms,p99_ms,heap_after_gc_mb,"
                    + "checkpoints,checkpoint_ms,checkpoint_bytes,model_version,restarts");
            for (Sample s : samples) {
                lines.add(String.format(Locale.ROOT, "%.1f,%d,%d,%.0f,%.0f,%.0f,%.0f,%d,%d,%d,%d,"
                                + "%d,%d", s.atS(), s.produced(), s.scored(), s.inPerS(),
                        s.outPerS(), s.p50Ms(), s.p99Ms(), s.heapAfterGcMb(), s.checkpoints(),
                        s.checkpointMs(), s.checkpointBytes(), s.modelVersion(), s.restarts()));
            }
            Files.write(out, lines);
        }

        private void checkFailure() {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("soak failed: " + t, t);
            }
        }

        synchronized void shutdown() {
            if (shutDown) {
                return;
            }
            shutDown = true;
            heap.uninstall();
            stopProducer.set(true);
            stopConsumer.set(true);
            if (job != null) {
                try {
                    job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // already finished or failed
                }
            }
            if (broker != null) {
                broker.close();
            }
            if (flink != null) {
                flink.close();
            }
        }
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    /**
     * Heap in use right after each garbage collection, from the JVM's GC notifications (no GC
     * is forced): {@link #takeFloorMb()} gives the lowest value since the previous call, the
     * floor that grows if memory leaks.
     */
    static final class HeapAfterGc implements NotificationListener {
        private final java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans()
                .stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        private long floorBytes = Long.MAX_VALUE;
        private long lastBytes = -1;

        void install() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(this, null, null);
                }
            }
        }

        void uninstall() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    try {
                        emitter.removeNotificationListener(this);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // not installed on this collector
                    }
                }
            }
        }

        @Override
        public synchronized void handleNotification(Notification n, Object handback) {
            if (!n.getType().equals(
                    GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = 0;
            for (Map.Entry<String, MemoryUsage> e
                    : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    used += e.getValue().getUsed();
                }
            }
            lastBytes = used;
            floorBytes = Math.min(floorBytes, used);
        }

        /** Lowest heap after GC since the last call (the last value if no GC ran), in MB. */
        synchronized long takeFloorMb() {
            long mb = (floorBytes == Long.MAX_VALUE ? lastBytes : floorBytes);
            floorBytes = Long.MAX_VALUE;
            return mb < 0 ? -1 : mb >> 20;
        }
    }
}

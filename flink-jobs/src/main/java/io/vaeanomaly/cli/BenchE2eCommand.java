package io.vaeanomaly.cli;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.Durations;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.job.AnomalyDetectionJob;
import io.vaeanomaly.job.FlinkJobMain;
import io.vaeanomaly.job.LocalFlink;
import io.vaeanomaly.kafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-e2e}: end-to-end throughput and latency of the streaming job, measured the way a
 * user would run it: a real Kafka broker ({@link EmbeddedKafkaBroker}, Kafka's defaults, a child
 * JVM) and the job on a local MiniCluster with the wiring of {@code run}
 * ({@link LocalFlink}, {@link AnomalyDetectionJob#buildKafkaPipeline}), global model, the scores
 * topic on (one output record per event).
 *
 * <p>Phases:
 *
 * <ol>
 *   <li><b>warm-up</b>: {@code training.warmup-events} events; waits for the first model and
 *       their scores;
 *   <li><b>throughput</b>: a burst of {@code --events} sent as fast as the producer goes;
 *       {@code events_per_s} is the burst's size over the time from its first send to the
 *       arrival of its last output record, in to out;
 *   <li><b>latency</b>: {@code --rate} events per second; {@code p50_ms}/{@code p99_ms} over
 *       the events produced during {@code --latency-seconds} (the first second left out); the
 *       job is configured ({@code training.retrain-every-events}) to start a retraining at the
 *       end of that time, and the producer keeps the rate until the retraining has finished and
 *       2 more seconds have passed: {@code p99_during_retrain_ms} is over the events produced
 *       while the trainer thread was busy.
 * </ol>
 *
 * <p>Latency of an event: the producer stamps its send time as the Kafka record's timestamp
 * (CreateTime); the job takes it as the event time, which every output record carries
 * ({@code event_time}); a consumer in this process reads the scores topic and subtracts it from
 * the time it received the record. Both clocks are this machine's, so the figure is "from
 * produce to the output record readable by a consumer", including the producer's and the job's
 * sink batching (linger 5 ms) and the micro-batches of the scorer (at most 20 ms). With
 * {@code --delivery exactly-once} the consumer reads committed records, which appear when the
 * checkpoint that covers them completes: the latency is then bounded by the checkpoint interval
 * rather than by the pipeline.
 *
 * <p>Everything runs on this machine and shares its cores: the broker, the producer and the
 * consumer take CPU from the job. The JSON says where the CPU went during the throughput phase
 * ({@code cpu_seconds}, by thread kind), with the load average before and after the run.
 */
@Command(
        name = "bench-e2e",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end benchmark of the streaming job: embedded Kafka broker, the job on a"
                    + " local MiniCluster; throughput in to out, latency from produce to output"
                    + " record, latency while a retraining runs."
        })
public final class BenchE2eCommand implements Callable<Integer> {
    static final String INPUT_TOPIC = "bench-events";
    static final String OUTPUT_TOPIC = "bench-anomalies";
    static final String SCORES_TOPIC = "bench-scores";
    static final String DEAD_LETTER_TOPIC = "bench-dead-letters";
    static final String MODEL_EVENTS_TOPIC = "bench-model-events";

    /** Events of the latency phase's first second, left out of its percentiles (transition). */
    static final long SETTLE_MS = 1000;
    /** How long the rate phase goes on after a retraining ended. */
    static final long AFTER_RETRAIN_MS = 2000;
    /** How long after the expected start of the retraining the rate phase gives up on it. */
    static final long RETRAIN_WAIT_MS = 120_000;

    @Option(names = "--events", defaultValue = "300000",
            description = "Events in the full-speed burst (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--jit-warmup-events", defaultValue = "150000",
            description = "Events sent at full speed before the measured burst, so that the"
                    + " JIT has compiled the hot code (default: ${DEFAULT-VALUE}).")
    long jitWarmup;

    @Option(names = "--rate", defaultValue = "10000",
            description = "Events per second of the fixed-rate phase (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--latency-seconds", defaultValue = "15",
            description = "Seconds at --rate before the retraining starts (default:"
                    + " ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--features", defaultValue = "38",
            description = "Numeric fields per event (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = {"-p", "--parallelism"}, defaultValue = "1",
            description = "Job parallelism; the input topic gets as many partitions"
                    + " (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--delivery", defaultValue = "at-least-once",
            description = "kafka.delivery-guarantee: at-least-once or exactly-once (default:"
                    + " ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one option of the benchmark's job configuration (see"
                    + " configs/job.yaml), e.g. --set model.score-samples=8 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "-D", paramLabel = "KEY=VALUE",
            description = "A Flink setting, e.g. -Dexecution.checkpointing.interval=2s"
                    + " (repeatable).")
    Map<String, String> flinkSettings = new LinkedHashMap<>();

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "DURATION",
            description = "Give up when a phase has not finished after this long (default:"
                    + " ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (events < 1000 || jitWarmup < 0 || rate < 1 || latencySeconds < 2 || features < 1
                || parallelism < 1) {
            throw new UsageException("--events must be >= 1000, --jit-warmup-events >= 0,"
                    + " --rate >= 1,"
                    + " --latency-seconds >= 2, --features and --parallelism >= 1");
        }
        if (!delivery.equals("at-least-once") && !delivery.equals("exactly-once")) {
            throw new UsageException(
                    "--delivery must be at-least-once or exactly-once, got " + delivery);
        }
        Duration phaseTimeout;
        try {
            phaseTimeout = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--timeout: " + e.getMessage(), e);
        }
        // The trainer counts every event after its first training; the retraining is due when
        // the fixed-rate phase has run for --latency-seconds.
        long retrainAt = jitWarmup + events + (long) Math.ceil(rate * latencySeconds);
        JobConfig probe;
        try {
            probe = jobConfig("127.0.0.1:9092", retrainAt); // validated before anything starts
        } catch (ConfigException e) {
            throw new UsageException("--set: " + e.getMessage(), e);
        }
        if (parallelism > 1) {
            err("bench-e2e: note: with parallelism > 1 every sampler subtask forwards its own"
                    + " warm-up, so the retraining starts earlier than --latency-seconds says");
        }
        double loadBefore = loadAverage();
        long t0 = System.nanoTime();
        Map<String, Object> summary;
        try (Run run = new Run(phaseTimeout, retrainAt, probe.training().warmupEvents())) {
            summary = run.execute();
        }
        summary.put("wall_seconds", JsonSummary.round((System.nanoTime() - t0) / 1e9, 1));
        summary.put("load_average_before", JsonSummary.round(loadBefore, 2));
        summary.put("load_average_after", JsonSummary.round(loadAverage(), 2));
        PrintStream out = System.out;
        printTable(out, summary);
        if (json) {
            JsonSummary.print(out, summary);
        }
        return 0;
    }

    /** The job's configuration: global model, scores and model events on, events from JSON. */
    JobConfig jobConfig(String bootstrap, long retrainEveryEvents) {
        List<String> all = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=" + bootstrap,
                "kafka.input-topic=" + INPUT_TOPIC,
                "kafka.output-topic=" + OUTPUT_TOPIC,
                "kafka.scores-topic=" + SCORES_TOPIC,
                "kafka.dead-letter-topic=" + DEAD_LETTER_TOPIC,
                "kafka.model-events-topic=" + MODEL_EVENTS_TOPIC,
                "kafka.group-id=vae-anomaly-bench-e2e",
                "kafka.transactional-id-prefix=bench-e2e-" + ProcessHandle.current().pid(),
                "kafka.starting-offsets=earliest",
                "kafka.delivery-guarantee=" + delivery,
                "input.format=json",
                "input.key-field=" + BenchEvents.KEY_FIELD,
                "model.scope=global",
                "training.retrain-every-events=" + retrainEveryEvents));
        all.addAll(overrides);
        return JobConfigLoader.fromOverrides(all.toArray(new String[0]));
    }

    private Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        flinkSettings.forEach(conf::setString);
        return conf;
    }

    /** Broker, job, producer, consumer and watchers of one benchmark run. */
    private final class Run implements AutoCloseable {
        final Duration phaseTimeout;
        final long retrainAt;
        final long warmupEvents;
        EmbeddedKafkaBroker broker;
        LocalFlink flink;
        JobClient job;
        OutputRecorder recorder;
        TrainingWatch watch;
        LoadProducer producer;
        CpuMeter cpu;
        double jitSecondsInBurst;

        Run(Duration phaseTimeout, long retrainAt, long warmupEvents) {
            this.phaseTimeout = phaseTimeout;
            this.retrainAt = retrainAt;
            this.warmupEvents = warmupEvents;
        }

        Map<String, Object> execute() throws Exception {
            err("bench-e2e: starting an embedded Kafka broker ...");
            // Kafka's default settings, in a JVM set up as Kafka's start script does.
            broker = EmbeddedKafkaBroker.builder().productionJvm(true).maxHeapMb(1024).start();
            broker.createTopic(INPUT_TOPIC, parallelism);
            for (String topic : List.of(OUTPUT_TOPIC, SCORES_TOPIC, DEAD_LETTER_TOPIC,
                    MODEL_EVENTS_TOPIC)) {
                broker.createTopic(topic, 1);
            }
            JobConfig config = jobConfig(broker.bootstrapServers(), retrainAt);
            flink = LocalFlink.create(flinkConfiguration());
            StreamExecutionEnvironment env = flink.environment(false);
            AnomalyDetectionJob.buildKafkaPipeline(env, config);
            long checkpointMs = env.getCheckpointInterval();
            job = env.executeAsync(FlinkJobMain.JOB_NAME + "-bench-e2e");
            recorder = new OutputRecorder(broker.bootstrapServers(), SCORES_TOPIC,
                    DEAD_LETTER_TOPIC, MODEL_EVENTS_TOPIC, delivery.equals("exactly-once"));
            recorder.start();
            watch = new TrainingWatch();
            watch.start();
            cpu = new CpuMeter(broker.pid());
            BenchEvents payloads = new BenchEvents(features, 42);
            producer = new LoadProducer(broker.bootstrapServers(), INPUT_TOPIC, payloads);
            err(String.format(Locale.ROOT, "bench-e2e: job %s: %d features (%.0f bytes per"
                            + " event), parallelism %d, %s, L=%d; checkpoint every %d ms",
                    job.getJobID(), features, payloads.meanValueBytes(), parallelism, delivery,
                    config.model().scoreSamples(), checkpointMs));

            // 1. Warm-up: the first model.
            err("bench-e2e: warm-up: " + warmupEvents + " events, waiting for the first"
                    + " model ...");
            producer.burst(warmupEvents);
            await("the first model and the warm-up's scores", () -> recorder.count()
                    >= warmupEvents && !recorder.modelEvents().isEmpty(), null, 0);

            // The JIT compiles the hot paths of the job and the clients (and the broker's, in
            // its JVM) in the first seconds at full speed: a burst that is not measured.
            err("bench-e2e: JIT warm-up: " + jitWarmup + " events at full speed (not"
                    + " measured)");
            long jitStartCount = recorder.count();
            producer.burst(jitWarmup);
            await("the JIT warm-up's output records",
                    () -> recorder.count() - jitStartCount >= jitWarmup,
                    () -> recorder.count() - jitStartCount, jitWarmup);

            // 2. Throughput: a burst at full speed.
            err("bench-e2e: throughput: " + events + " events at full speed ...");
            long burstStartMs = System.currentTimeMillis();
            long compiledMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            CpuMeter.Snapshot c0 = cpu.take();
            producer.burst(events);
            long producedMs = System.currentTimeMillis();
            await("the burst's output records", () -> recorder.countSince(burstStartMs) >= events,
                    () -> recorder.countSince(burstStartMs), events);
            CpuMeter.Snapshot c1 = cpu.take();
            jitSecondsInBurst = (ManagementFactory.getCompilationMXBean()
                    .getTotalCompilationTime() - compiledMs) / 1000.0;
            err("bench-e2e: throughput phase from " + burstStartMs + " to "
                    + System.currentTimeMillis() + " (epoch ms, for profiles)");
            long[][] burst = recorder.between(burstStartMs, Long.MAX_VALUE);

            // 3. Latency at a fixed rate, then while a retraining runs.
            err(String.format(Locale.ROOT, "bench-e2e: latency: %.0f events/s for %d s, then"
                    + " until a retraining has run ...", rate, latencySeconds));
            int modelEventsBefore = recorder.modelEvents().size();
            long rateStartMs = System.currentTimeMillis();
            long giveUpMs = rateStartMs + latencySeconds * 1000L + RETRAIN_WAIT_MS;
            long sentBefore = producer.sent();
            long sent = producer.rate(rate, () -> {
                List<OutputRecorder.ModelEvent> m = recorder.modelEvents();
                long now = System.currentTimeMillis();
                return now > giveUpMs || (m.size() > modelEventsBefore
                        && now > m.get(m.size() - 1).arrivedMs() + AFTER_RETRAIN_MS);
            });
            long rateEndMs = System.currentTimeMillis();
            await("the fixed-rate phase's output records",
                    () -> recorder.countSince(rateStartMs) >= sent,
                    () -> recorder.countSince(rateStartMs), sent);
            if (producer.sent() - sentBefore != sent) {
                throw new IllegalStateException("producer count mismatch");
            }
            recorder.check();
            return summarise(checkpointMs, config, payloads, burstStartMs, producedMs, burst,
                    cpu.between(c0, c1), rateStartMs, rateEndMs, sent);
        }

        private Map<String, Object> summarise(long checkpointMs, JobConfig config,
                BenchEvents payloads, long burstStartMs, long producedMs, long[][] burst,
                Map<String, Double> cpuSeconds, long rateStartMs, long rateEndMs, long sent) {
            Map<String, Object> s = JsonSummary.ordered();
            long lastOut = Arrays.stream(burst[1]).max().orElse(burstStartMs);
            double burstSeconds = Math.max(1, lastOut - burstStartMs) / 1000.0;
            double eventsPerS = events / burstSeconds;
            s.put("events_per_s", JsonSummary.round(eventsPerS, 0));
            // Latency: the fixed-rate events before the retraining, and during it.
            List<TrainingWatch.Window> windows = new ArrayList<>();
            for (TrainingWatch.Window w : watch.windows()) {
                if (w.endMs() >= rateStartMs && w.startMs() <= rateEndMs) {
                    windows.add(w);
                }
            }
            // A training too short for the watch to see (under 25 ms, or starved of CPU on a
            // loaded machine) still has its model event: its interval is the event's.
            for (OutputRecorder.ModelEvent m : recorder.modelEvents()) {
                long endMs = m.trainedAtMs();
                long startMs = endMs - Math.round(m.seconds() * 1000);
                if (endMs >= rateStartMs && startMs <= rateEndMs
                        && windows.stream().noneMatch(w -> w.endMs() >= startMs
                                && w.startMs() <= endMs)) {
                    windows.add(new TrainingWatch.Window(startMs, endMs));
                }
            }
            windows.sort(Comparator.comparingLong(TrainingWatch.Window::startMs));
            long steadyEnd = windows.isEmpty() ? rateEndMs : windows.get(0).startMs();
            long[] steady = latencies(recorder.between(rateStartMs + SETTLE_MS, steadyEnd));
            long[] during = new long[0];
            long[] after = new long[0];
            for (TrainingWatch.Window w : windows) {
                during = concat(during, latencies(recorder.between(w.startMs(), w.endMs() + 1)));
                after = concat(after, latencies(recorder.between(w.endMs() + 1,
                        w.endMs() + 1 + AFTER_RETRAIN_MS)));
            }
            s.put("p50_ms", percentile(steady, 0.50));
            s.put("p99_ms", percentile(steady, 0.99));
            s.put("p99_during_retrain_ms", percentile(during, 0.99));
            s.put("delivery", delivery);
            s.put("parallelism", parallelism);
            s.put("features", features);
            s.put("score_samples", config.model().scoreSamples());
            s.put("event_bytes", JsonSummary.round(payloads.meanValueBytes(), 0));
            s.put("events", events);
            s.put("producer_events_per_s",
                    JsonSummary.round(events / (Math.max(1, producedMs - burstStartMs) / 1000.0),
                            0));
            s.put("burst_seconds", JsonSummary.round(burstSeconds, 2));
            s.put("jit_warmup_events", jitWarmup);
            // Compiling during the measured burst (elapsed, over all compiler threads): near 0
            // when the warm-up sufficed.
            s.put("jit_seconds_in_burst", JsonSummary.round(jitSecondsInBurst, 2));
            s.put("rate", rate);
            s.put("rate_achieved", JsonSummary.round(
                    sent / (Math.max(1, rateEndMs - rateStartMs) / 1000.0), 0));
            s.put("latency_events", steady.length);
            s.put("p999_ms", percentile(steady, 0.999));
            s.put("max_ms", steady.length == 0 ? null : steady[steady.length - 1]);
            s.put("retrain_seconds", windows.isEmpty() ? null
                    : JsonSummary.round(windows.stream()
                            .mapToDouble(TrainingWatch.Window::seconds).sum(), 2));
            s.put("retrain_events", during.length);
            s.put("p50_during_retrain_ms", percentile(during, 0.50));
            s.put("p99_after_retrain_ms", percentile(after, 0.99));
            s.put("model_events", recorder.modelEvents().size());
            s.put("dead_letters", recorder.deadLetters());
            s.put("checkpoint_interval_ms", checkpointMs);
            // Where the CPU went during the throughput phase.
            Map<String, Object> cpuOut = new LinkedHashMap<>();
            cpuSeconds.forEach((k, v) -> cpuOut.put(k, JsonSummary.round(v, 2)));
            s.put("cpu_seconds", cpuOut);
            double scorer = cpuSeconds.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("task: scorer"))
                    .mapToDouble(Map.Entry::getValue).sum();
            double all = cpuSeconds.entrySet().stream()
                    .filter(e -> !e.getKey().equals("wall") && !e.getKey().endsWith("system"))
                    .mapToDouble(Map.Entry::getValue).sum();
            s.put("scorer_task_events_per_cpu_s",
                    scorer > 0 ? JsonSummary.round(events / scorer, 0) : null);
            s.put("machine_events_per_cpu_s", all > 0 ? JsonSummary.round(events / all, 0) : null);
            if (windows.isEmpty()) {
                err("bench-e2e: warning: no retraining ran during the fixed-rate phase");
            }
            if (rate > 0.8 * eventsPerS) {
                err(String.format(Locale.ROOT, "bench-e2e: warning: --rate %.0f is above 80%%"
                        + " of the measured throughput (%.0f events/s): the latencies include"
                        + " queueing; choose a lower --rate", rate, eventsPerS));
            }
            return s;
        }

        /**
         * Waits until {@code done}, failing when the job ends or the phase times out; with a
         * {@code progress} supplier, draws a progress bar to {@code total}.
         */
        private void await(String what, BooleanSupplier done, java.util.function.LongSupplier
                progress, long total) throws InterruptedException {
            long deadline = System.nanoTime() + phaseTimeout.toNanos();
            ProgressBar bar = progress == null ? null : new ProgressBar("  output", total);
            try {
                while (!done.getAsBoolean()) {
                    recorder.check();
                    if (job.getJobExecutionResult().isDone()) {
                        throw new IllegalStateException("the job ended while waiting for "
                                + what + ": " + jobEnd());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timed out after " + timeout
                                + " waiting for " + what);
                    }
                    if (bar != null) {
                        bar.set(progress.getAsLong());
                    }
                    Thread.sleep(50);
                }
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
        }

        private String jobEnd() {
            try {
                job.getJobExecutionResult().get(1, TimeUnit.SECONDS);
                return "finished";
            } catch (Exception e) {
                return String.valueOf(e.getCause() == null ? e : e.getCause());
            }
        }

        @Override
        public void close() throws Exception {
            if (producer != null) {
                producer.close();
            }
            if (watch != null) {
                watch.close();
            }
            if (recorder != null) {
                recorder.close();
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                    job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // cancelled, or already ended
                }
            }
            if (flink != null) {
                flink.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** Latency per record, sorted: arrival minus produce time. */
    private static long[] latencies(long[][] producedArrived) {
        long[] l = new long[producedArrived[0].length];
        for (int i = 0; i < l.length; i++) {
            l[i] = producedArrived[1][i] - producedArrived[0][i];
        }
        Arrays.sort(l);
        return l;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        Arrays.sort(c);
        return c;
    }

    /** The {@code q} quantile of sorted values (nearest rank), or null when there are none. */
    static Long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void printTable(PrintStream out, Map<String, Object> s) {
        out.printf(Locale.ROOT, "throughput:   %s events/s in to out (%s events, %s features,"
                        + " parallelism %s, %s)%n", s.get("events_per_s"), s.get("events"),
                s.get("features"), s.get("parallelism"), s.get("delivery"));
        out.printf(Locale.ROOT, "latency:      p50 %s ms, p99 %s ms at %s events/s (%s events)%n",
                s.get("p50_ms"), s.get("p99_ms"), s.get("rate"), s.get("latency_events"));
        out.printf(Locale.ROOT, "retraining:   p99 %s ms while it ran (%s s, %s events)%n",
                s.get("p99_during_retrain_ms"), s.get("retrain_seconds"),
                s.get("retrain_events"));
        out.printf(Locale.ROOT, "cpu seconds during the burst: %s%n", s.get("cpu_seconds"));
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void err(String line) {
        System.err.println(line);
        System.err.flush();
    }
}

package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.testdata.OutputSchemas;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobTopics;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.MiniClusters;
import io.vaeanomaly.testutils.Records;
import io.vaeanomaly.testutils.RunningJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real Kafka broker on a Flink MiniCluster: exactly-once Kafka sinks, read
 * back with read_committed. Every test uses fresh topics, group id and transactional ids.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class KafkaJobITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Armed by a test to make {@link FailOnce} throw once; static: the MiniCluster shares it. */
    private static final AtomicBoolean FAIL_ARMED = new AtomicBoolean();

    @TempDir Path tmp;
    @RegisterExtension final RunningJobs running = new RunningJobs();

    private static JobTopics topics(int inputPartitions) {
        return JobTopics.create(KAFKA, inputPartitions);
    }

    private JobConfig config(JobTopics t, String... extra) {
        List<String> o = new ArrayList<>(t.overrides(KAFKA));
        o.addAll(Arrays.asList(extra));
        return TestConfigs.small(o.toArray(new String[0]));
    }

    /** Flink's settings of a test job: a checkpoint every second, in the test's temp dir. */
    private Configuration flink(int parallelism) {
        return JobTopics.flink(parallelism, tmp.resolve("checkpoints"));
    }

    private static StreamExecutionEnvironment environment(Configuration flink) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(flink);
        return env;
    }

    private JobClient start(JobConfig config, Configuration flink) throws Exception {
        StreamExecutionEnvironment env = environment(flink);
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        JobClient client = env.executeAsync("kafka-it");
        running.add(client);
        return client;
    }

    private static ProducerRecord<String, String> event(String topic, String key, double[] x) {
        return new ProducerRecord<>(topic, key, StreamData.json(key, x));
    }

    private static List<ConsumerRecord<String, String>> committed(String topic) {
        return KAFKA.consumeAll(topic, WAIT, IsolationLevel.READ_COMMITTED);
    }

    /** Polls the committed records of {@code topic} until {@code done} holds for them. */
    private static List<ConsumerRecord<String, String>> awaitCommitted(
            String topic, Predicate<List<ConsumerRecord<String, String>>> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConsumerRecord<String, String>> records = committed(topic);
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " on " + topic
                        + "; have " + records.size() + " records: " + values(records));
            }
            Thread.sleep(500);
            records = committed(topic);
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }

    private static List<JsonNode> json(List<ConsumerRecord<String, String>> records) {
        return Records.json(records);
    }

    private static Predicate<List<ConsumerRecord<String, String>>> atLeast(int n) {
        return l -> l.size() >= n;
    }

    private static boolean hasOutcome(List<ConsumerRecord<String, String>> events, String o) {
        return json(events).stream().anyMatch(e -> e.get("outcome").asText().equals(o));
    }

    @Test
    void globalJobFlagsInjectedAnomaliesDeadLettersBadRecordsAndPromotesARetrainedModel()
            throws Exception {
        JobTopics t = topics(2);
        JobConfig config = config(t, "model.scope=global", "training.promotion-tolerance=2.0");
        StreamData data = new StreamData(31);
        List<ProducerRecord<String, String>> phase1 = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String host = "host-" + (i % 4);
            phase1.add(event(t.input(), host, data.normal()));
            if (i % 120 == 60) {
                phase1.add(new ProducerRecord<>(t.input(), host, StreamData.BAD_RECORDS[i / 120][0]));
            }
        }
        KAFKA.produce(phase1);
        JobClient job = start(config, flink(2));

        List<ConsumerRecord<String, String>> modelEvents = awaitCommitted(t.modelEvents(),
                l -> hasOutcome(l, "promoted"), "a promoted model");
        // The job keeps running after the bad records: later events are scored by the new model.
        List<ProducerRecord<String, String>> phase2 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            phase2.add(event(t.input(), "late-" + (i % 4), data.normal()));
        }
        for (int i = 0; i < 5; i++) {
            phase2.add(event(t.input(), "attack-" + i, StreamData.anomaly()));
        }
        KAFKA.produce(phase2);
        List<ConsumerRecord<String, String>> scores =
                awaitCommitted(t.scores(), atLeast(655), "655 scored events");
        List<ConsumerRecord<String, String>> dead =
                awaitCommitted(t.deadLetters(), atLeast(5), "5 dead letters");
        List<ConsumerRecord<String, String>> anomalies = committed(t.output());
        modelEvents = committed(t.modelEvents());

        assertThat(scores).hasSize(655);
        assertThat(json(dead)).extracting(d -> d.get("error_type").asText())
                .containsExactlyInAnyOrder(Arrays.stream(StreamData.BAD_RECORDS)
                        .map(b -> b[1]).toArray(String[]::new));
        assertThat(json(dead)).allSatisfy(d -> assertThat(d.get("reason").asText()).isNotBlank());
        assertThat(json(modelEvents).get(0).get("outcome").asText()).isEqualTo("initial");
        // Every run starts at version 1; the job id tells this run's models from another's.
        assertThat(json(modelEvents)).allSatisfy(e -> assertThat(e.get("job_id").asText())
                .isEqualTo(job.getJobID().toHexString()));

        List<JsonNode> late = json(scores).stream()
                .filter(s -> !s.get("key").asText().startsWith("host"))
                .collect(Collectors.toList());
        assertThat(late).hasSize(55)
                .allSatisfy(s -> assertThat(s.get("model_version").asLong()).isGreaterThan(1));
        assertThat(json(anomalies)).extracting(a -> a.get("key").asText())
                .contains("attack-0", "attack-1", "attack-2", "attack-3", "attack-4");
        long falseAlarms = json(anomalies).stream()
                .filter(a -> !a.get("key").asText().startsWith("attack")).count();
        assertThat(falseAlarms).as("normal events flagged of 650").isLessThan(33);
        assertThat(json(anomalies)).allSatisfy(
                a -> assertThat(a.get("is_anomaly").asBoolean()).isTrue());

        scores.forEach(r -> OutputSchemas.assertValid(OutputSchemas.ANOMALY, r.value()));
        anomalies.forEach(r -> OutputSchemas.assertValid(OutputSchemas.ANOMALY, r.value()));
        dead.forEach(r -> OutputSchemas.assertValid(OutputSchemas.DEAD_LETTER, r.value()));
        modelEvents.forEach(r -> OutputSchemas.assertValid(OutputSchemas.MODEL_EVENT, r.value()));
    }

    /** 200 normal events, 200 from a stuck sensor (all zeros), 100 normal, 3 anomalies. */
    private static List<ProducerRecord<String, String>> collapseScenario(String topic) {
        StreamData data = new StreamData(32);
        List<ProducerRecord<String, String>> in = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            in.add(event(topic, "m", data.normal()));
        }
        for (int i = 0; i < 200; i++) {
            in.add(event(topic, "m", new double[] {0, 0, 0, 0}));
        }
        for (int i = 0; i < 100; i++) {
            in.add(event(topic, "m", data.normal()));
        }
        for (int i = 0; i < 3; i++) {
            in.add(event(topic, "attack-" + i, StreamData.anomaly()));
        }
        return in;
    }

    @Test
    void deterministicModeRejectsACollapsedChallengerKeepsTheChampionAndReplaysIdentically()
            throws Exception {
        JobTopics first = topics(1);
        KAFKA.produce(collapseScenario(first.input()));
        String[] deterministic = {"model.scope=global", "training.deterministic=true", "training.async=false",
            "training.sample-strategy=sliding-window"};
        start(config(first, deterministic), flink(1));
        List<ConsumerRecord<String, String>> scores =
                awaitCommitted(first.scores(), atLeast(503), "503 scored events");
        List<ConsumerRecord<String, String>> modelEvents = committed(first.modelEvents());

        // Trainings at 200 events (first model) and 400 (on the stuck sensor's constant rows).
        List<JsonNode> events = json(modelEvents);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("outcome").asText()).isEqualTo("initial");
        JsonNode rejected = events.get(1);
        assertThat(rejected.get("outcome").asText()).isEqualTo("rejected");
        assertThat(rejected.get("diagnostics").get("verdict").asText()).isEqualTo("collapsed");
        assertThat(rejected.get("model_version").asLong()).isEqualTo(1);
        // Deterministic mode writes no job id: a replay must be byte-identical.
        assertThat(events).allSatisfy(e -> assertThat(e.get("job_id").isNull()).isTrue());
        assertThat(json(scores)).allSatisfy(
                s -> assertThat(s.get("model_version").asLong()).isEqualTo(1));
        assertThat(json(committed(first.output()))).extracting(a -> a.get("key").asText())
                .contains("attack-0", "attack-1", "attack-2");

        // The same input through a second job gives byte-identical output records.
        JobTopics second = first.withFreshOutputs(KAFKA);
        start(config(second, deterministic), flink(1));
        List<ConsumerRecord<String, String>> replayed =
                awaitCommitted(second.scores(), atLeast(503), "503 replayed scores");
        assertThat(values(replayed)).isEqualTo(values(scores));
        assertThat(values(committed(second.modelEvents()))).isEqualTo(values(modelEvents));
        assertThat(values(committed(second.output()))).isEqualTo(values(committed(first.output())));
    }

    @Test
    void perKeyModelsSurviveStopWithSavepointAndRestoreOnRocksDb() throws Exception {
        JobTopics t = topics(2);
        JobConfig config = config(t, "model.scope=per-key");
        Configuration rocksDb = flink(2);
        rocksDb.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamData data = new StreamData(33);
        List<ProducerRecord<String, String>> before = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String key = i % 2 == 0 ? "a" : "b";
            before.add(event(t.input(), key, data.normal()));
        }
        KAFKA.produce(before);
        JobClient job = start(config, rocksDb);
        awaitCommitted(t.scores(), atLeast(500), "500 scored events");
        assertThat(json(committed(t.modelEvents()))).extracting(e -> e.get("key").asText())
                .containsExactlyInAnyOrder("a", "b");

        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri()
                .toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        assertThat(savepoint).isNotBlank();

        List<ProducerRecord<String, String>> after = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            after.add(event(t.input(), i % 2 == 0 ? "a" : "b", data.normal()));
        }
        KAFKA.produce(after);
        Configuration restore = new Configuration(rocksDb);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        start(config, restore);
        List<ConsumerRecord<String, String>> scores =
                awaitCommitted(t.scores(), atLeast(540), "540 scored events");
        assertThat(scores).hasSize(540);
        // The restored detectors score at once with their models: no new warm-up, no new model.
        assertThat(json(scores.subList(500, 540))).allSatisfy(
                s -> assertThat(s.get("model_version").asLong()).isEqualTo(1));
        assertThat(committed(t.modelEvents())).hasSize(2);
    }

    @Test
    void retrainIntervalPromotesANewModelByProcessingTimeInBothScopes() throws Exception {
        JobTopics global = topics(1);
        JobTopics perKey = topics(1);
        StreamData data = new StreamData(35);
        for (JobTopics t : List.of(global, perKey)) {
            List<ProducerRecord<String, String>> in = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                in.add(event(t.input(), "h", data.normal()));
            }
            KAFKA.produce(in);
        }
        String[] byTimeOnly = {"training.retrain-every-events=0",
            "training.retrain-interval=3s", "training.promotion-tolerance=100"};
        start(config(global, concat("model.scope=global", byTimeOnly)), flink(1));
        start(config(perKey, concat("model.scope=per-key", byTimeOnly)), flink(1));

        for (JobTopics t : List.of(global, perKey)) {
            List<JsonNode> events = json(awaitCommitted(t.modelEvents(),
                    l -> json(l).stream().anyMatch(e -> e.get("model_version").asLong() >= 2),
                    "a second model version, trained by time alone"));
            assertThat(events.get(0).get("outcome").asText()).isEqualTo("initial");
            assertThat(events.get(1).get("outcome").asText()).isEqualTo("promoted");
            assertThat(events.get(1).get("model_version").asLong()).isEqualTo(2);
        }
    }

    private static String[] concat(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    /** Throws once when armed: a task failure in the middle of the stream. */
    static final class FailOnce implements MapFunction<KafkaRecord, KafkaRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public KafkaRecord map(KafkaRecord r) {
            if (FAIL_ARMED.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure at " + r.position());
            }
            return r;
        }
    }

    @Test
    void afterAFailureTheCommittedOutputHasEveryEventExactlyOnce() throws Exception {
        JobTopics t = topics(2);
        JobConfig config = config(t, "model.scope=global");
        StreamData data = new StreamData(34);
        List<ProducerRecord<String, String>> phase1 = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            phase1.add(event(t.input(), "host-" + (i % 5), data.normal()));
        }
        KAFKA.produce(phase1);

        StreamExecutionEnvironment env = environment(flink(2));
        AnomalyDetectionJob.applyJobDefaults(env);
        DataStream<KafkaRecord> input = env
                .fromSource(KafkaConnectors.source(config), WatermarkStrategy.noWatermarks(),
                        "kafka-source")
                .map(new FailOnce()).name("fail-once");
        KafkaConnectors.attachSinks(AnomalyDetectionJob.topology(input, config), config);
        running.add(env.executeAsync("exactly-once-it"));

        awaitCommitted(t.scores(), atLeast(300), "phase 1 scored");
        FAIL_ARMED.set(true);
        List<ProducerRecord<String, String>> phase2 = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            phase2.add(event(t.input(), "host-" + (i % 5), data.normal()));
        }
        KAFKA.produce(phase2);
        awaitCommitted(t.scores(), atLeast(600), "600 scored events");
        assertThat(FAIL_ARMED.get()).as("the failure was injected").isFalse();
        Thread.sleep(3000); // a few more checkpoints: any duplicate would now be committed

        List<JsonNode> scores = json(committed(t.scores()));
        Set<String> positions = new HashSet<>();
        for (JsonNode s : scores) {
            JsonNode src = s.get("source");
            positions.add(src.get("partition").asInt() + "@" + src.get("offset").asLong());
        }
        assertThat(scores).hasSize(600);
        assertThat(positions).hasSize(600);
        Set<String> produced = new HashSet<>();
        for (ConsumerRecord<String, String> r : committed(t.input())) {
            produced.add(r.partition() + "@" + r.offset());
        }
        assertThat(positions).isEqualTo(produced);
    }
}

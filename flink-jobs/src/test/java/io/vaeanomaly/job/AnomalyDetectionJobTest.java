package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.AnomalyRecordJson;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.DeadLetterRecordJson;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.serde.ModelEventRecord;
import io.vaeanomaly.serde.ModelEventRecordJson;
import io.vaeanomaly.testdata.OutputSchemas;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobCounters;
import io.vaeanomaly.testutils.MiniClusters;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole topology on a MiniCluster with an in-process source and collected outputs (no
 * Kafka): what the outputs contain, that every record matches its published JSON Schema, and
 * that the metrics add up.
 */
class AnomalyDetectionJobTest {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots(METRICS);

    private record Collected(
            List<AnomalyRecord> scores,
            List<AnomalyRecord> anomalies,
            List<DeadLetterRecord> deadLetters,
            List<ModelEventRecord> modelEvents,
            List<AnomalyRecord> unscored,
            JobExecutionResult result) {}

    private static Collected run(JobConfig config, List<KafkaRecord> input) throws Exception {
        return run(config, input, 2);
    }

    private static Collected run(JobConfig config, List<KafkaRecord> input, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        AnomalyDetectionJob.applyJobDefaults(env);
        DataStream<KafkaRecord> source =
                env.fromData(TypeInformation.of(KafkaRecord.class), input.toArray(new KafkaRecord[0]));
        AnomalyDetectionJob.Outputs out = AnomalyDetectionJob.topology(source, config);
        CloseableIterator<AnomalyRecord> scores = out.scores().collectAsync();
        CloseableIterator<AnomalyRecord> anomalies = out.anomalies().collectAsync();
        CloseableIterator<DeadLetterRecord> dead = out.deadLetters().collectAsync();
        CloseableIterator<ModelEventRecord> models = out.modelEvents().collectAsync();
        CloseableIterator<AnomalyRecord> unscored = out.unscored().collectAsync();
        JobExecutionResult result = env.execute("test");
        return new Collected(drain(scores), drain(anomalies), drain(dead), drain(models),
                drain(unscored), result);
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        it.close();
        return list;
    }

    /** 400 normal events over 4 hosts, the bad records, then 5 anomalies. */
    private static List<KafkaRecord> input() {
        StreamData data = new StreamData(21);
        List<KafkaRecord> in = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 400; i++) {
            in.add(StreamData.record("events", offset++, "host-" + (i % 4), data.normal()));
            if (i % 80 == 40) {
                in.add(StreamData.record("events", offset++,
                        StreamData.BAD_RECORDS[i / 80][0]));
            }
        }
        for (int i = 0; i < 5; i++) {
            in.add(StreamData.record("events", offset++, "attack-" + i, StreamData.anomaly()));
        }
        return in;
    }

    @Test
    void globalScopeScoresEveryEventDeadLettersBadOnesAndFlagsTheInjectedAnomalies()
            throws Exception {
        Collected c = run(TestConfigs.small(), input());

        assertThat(c.scores()).hasSize(405);
        assertThat(c.unscored()).isEmpty();
        assertThat(c.deadLetters()).extracting(DeadLetterRecord::errorType)
                .containsExactlyInAnyOrder(java.util.Arrays.stream(StreamData.BAD_RECORDS)
                        .map(b -> b[1]).toArray(String[]::new));
        assertThat(c.deadLetters()).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
        assertThat(c.anomalies()).extracting(AnomalyRecord::key)
                .contains("attack-0", "attack-1", "attack-2", "attack-3", "attack-4");
        long falseAlarms = c.anomalies().stream().filter(r -> r.key().startsWith("host")).count();
        assertThat(falseAlarms).as("normal events flagged").isLessThan(20);
        assertThat(c.modelEvents()).isNotEmpty();
        assertThat(c.modelEvents().get(0).outcome()).isEqualTo(ModelEventRecord.Outcome.INITIAL);
        assertThat(c.modelEvents()).allSatisfy(
                e -> assertThat(e.key()).isEqualTo(ModelEventRecord.GLOBAL_KEY));

        // Every record the Kafka sinks would write matches its published schema.
        c.scores().forEach(r -> OutputSchemas.assertValid(
                OutputSchemas.ANOMALY, AnomalyRecordJson.INSTANCE.encode(r)));
        c.deadLetters().forEach(r -> OutputSchemas.assertValid(
                OutputSchemas.DEAD_LETTER, DeadLetterRecordJson.INSTANCE.encode(r)));
        c.modelEvents().forEach(r -> OutputSchemas.assertValid(
                OutputSchemas.MODEL_EVENT, ModelEventRecordJson.INSTANCE.encode(r)));

        // Metrics: every record read is scored or dead-lettered.
        String job = c.result().getJobID().toString();
        assertThat(sum(job, "events_in")).isEqualTo(410);
        assertThat(sum(job, "events_scored")).isEqualTo(405);
        assertThat(sum(job, "dead_lettered")).isEqualTo(5);
        assertThat(sum(job, "events_unscored")).isZero();
        assertThat(sum(job, "anomalies")).isEqualTo(c.anomalies().size());
    }

    /** Sum of the counter {@code name} in the job's {@code vae_anomaly} groups. */
    static long sum(String jobId, String name) {
        return JobCounters.sum(METRICS, jobId, name);
    }

    @Test
    void perKeyScopeTrainsOneModelPerKey() throws Exception {
        StreamData data = new StreamData(22);
        List<KafkaRecord> in = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            in.add(StreamData.record("events", i, i % 2 == 0 ? "a" : "b", data.normal()));
        }
        Collected c = run(TestConfigs.small("model.scope=per-key"), in);
        assertThat(c.scores()).hasSize(450);
        assertThat(c.modelEvents()).extracting(ModelEventRecord::key)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(c.modelEvents()).allSatisfy(e ->
                assertThat(e.outcome()).isEqualTo(ModelEventRecord.Outcome.INITIAL));
    }

    @Test
    void eventsPassedThroughBeforeTheFirstModelAreUnscoredRecordsWithTheReason()
            throws Exception {
        StreamData data = new StreamData(23);
        List<KafkaRecord> in = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            in.add(StreamData.record("events", i, "h", data.normal()));
        }
        Collected c = run(TestConfigs.small("training.before-first-model=pass-through",
                "training.deterministic=true", "training.async=false",
                "training.retrain-every-events=0"), in, 1);

        // Deterministic: the first model is trained at exactly the 200th event, so the first 200
        // are forwarded without a score and the other 100 are scored.
        assertThat(c.unscored()).hasSize(200);
        assertThat(c.scores()).hasSize(100);
        assertThat(c.unscored()).allSatisfy(r -> {
            assertThat(r.scored()).isFalse();
            assertThat(r.unscored()).isEqualTo(AnomalyRecord.Unscored.NO_MODEL);
            assertThat(r.isAnomaly()).isFalse();
            OutputSchemas.assertValid(OutputSchemas.ANOMALY, AnomalyRecordJson.INSTANCE.encode(r));
        });
        assertThat(c.unscored()).extracting(r -> r.source().offset())
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 200).boxed()
                        .toList());
        String job = c.result().getJobID().toString();
        assertThat(sum(job, "events_unscored")).isEqualTo(200);
    }

    @Test
    void aShingleWindowFillingIsAnUnscoredReason() throws Exception {
        StreamData data = new StreamData(24);
        List<KafkaRecord> in = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            in.add(StreamData.record("events", i, "h", data.normal()));
        }
        Collected c = run(TestConfigs.small("model.scope=per-key", "model.shingle-size=3",
                "training.retrain-every-events=0"), in, 1);

        // The first two events of the key cannot fill a window of 3.
        assertThat(c.unscored()).extracting(AnomalyRecord::unscored)
                .containsExactly(AnomalyRecord.Unscored.SHINGLE_FILLING,
                        AnomalyRecord.Unscored.SHINGLE_FILLING);
        assertThat(c.scores().size() + c.unscored().size()).isEqualTo(260);
    }

    /**
     * Two parse subtasks each fix the feature set of the first record they see; here one sees
     * {@code {a, b}} and the other {@code {c, d}}, both two-dimensional. The model is trained on
     * one set only and carries its names, so the other set's events are dead letters naming
     * both sets instead of being scored by a model that never saw them.
     */
    @Test
    void eventsWithOtherFeatureNamesThanTheModelsAreDeadLettered() throws Exception {
        StreamData data = new StreamData(25);
        List<KafkaRecord> in = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double[] x = data.normal();
            // fromData is one source; rebalancing alternates its records between the two parse
            // subtasks, so each sees only one of the two feature sets.
            String value = i % 2 == 0
                    ? String.format(java.util.Locale.ROOT,
                            "{\"host\":\"h\",\"m\":{\"a\":%.5f,\"b\":%.5f}}", x[0], x[1])
                    : String.format(java.util.Locale.ROOT,
                            "{\"host\":\"h\",\"m\":{\"c\":%.5f,\"d\":%.5f}}", x[0], x[1]);
            in.add(StreamData.record("events", i, value));
        }
        Collected c = run(TestConfigs.small("input.feature-fields=[]",
                "input.feature-pattern=m\\..*", "training.retrain-every-events=0"), in);

        assertThat(c.scores().size() + c.deadLetters().size() + c.unscored().size())
                .as("every record is scored or dead-lettered").isEqualTo(600);
        assertThat(c.unscored()).isEmpty();
        assertThat(c.deadLetters()).hasSize(300).allSatisfy(d -> {
            assertThat(d.errorType()).isEqualTo("feature_mismatch");
            assertThat(d.reason()).contains("m.a").contains("m.c");
        });
        String trained = new String(c.scores().get(0).event(),
                java.nio.charset.StandardCharsets.UTF_8).contains("\"a\"") ? "\"a\"" : "\"c\"";
        assertThat(c.scores()).hasSize(300).allSatisfy(r -> assertThat(
                new String(r.event(), java.nio.charset.StandardCharsets.UTF_8)).contains(trained));
    }

    @Test
    void globalShinglingWithoutDeterministicModeIsRejected() {
        JobConfig config = TestConfigs.small("model.shingle-size=3");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<KafkaRecord> source = env.fromData(TypeInformation.of(KafkaRecord.class),
                StreamData.record("events", 0, "{}"));
        assertThatThrownBy(() -> AnomalyDetectionJob.topology(source, config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.shingle-size");
    }
}

package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.AnomalyRecordJson;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.DeadLetterRecordJson;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.serde.ModelEventRecord;
import io.vaeanomaly.serde.ModelEventRecordJson;
import io.vaeanomaly.testdata.OutputSchemas;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
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
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private record Collected(
            List<AnomalyRecord> scores,
            List<AnomalyRecord> anomalies,
            List<DeadLetterRecord> deadLetters,
            List<ModelEventRecord> modelEvents,
            List<Event> unscored,
            JobExecutionResult result) {}

    private static Collected run(JobConfig config, List<KafkaRecord> input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AnomalyDetectionJob.applyJobDefaults(env);
        DataStream<KafkaRecord> source =
                env.fromData(TypeInformation.of(KafkaRecord.class), input.toArray(new KafkaRecord[0]));
        AnomalyDetectionJob.Outputs out = AnomalyDetectionJob.topology(source, config);
        CloseableIterator<AnomalyRecord> scores = out.scores().collectAsync();
        CloseableIterator<AnomalyRecord> anomalies = out.anomalies().collectAsync();
        CloseableIterator<DeadLetterRecord> dead = out.deadLetters().collectAsync();
        CloseableIterator<ModelEventRecord> models = out.modelEvents().collectAsync();
        CloseableIterator<Event> unscored = out.unscored().collectAsync();
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
        long total = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> g
                : METRICS.getMetricsByGroup().entrySet()) {
            if (jobId.equals(g.getKey().getAllVariables().get("<job_id>"))
                    && g.getKey().getMetricIdentifier(name).endsWith("vae_anomaly." + name)
                    && g.getValue().get(name) instanceof Counter counter) {
                total += counter.getCount();
            }
        }
        return total;
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

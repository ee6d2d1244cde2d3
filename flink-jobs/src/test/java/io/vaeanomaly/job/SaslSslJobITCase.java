package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.testdata.NumberedStream;
import io.vaeanomaly.testdata.NumberedStream.Kind;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobTopics;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.StandaloneFlinkCluster;
import io.vaeanomaly.testutils.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster job jar over TLS with SASL/SCRAM-SHA-512: a broker whose SASL_SSL listener uses a
 * certificate and a SCRAM user made for this run, and a standalone Flink cluster that runs the
 * job with the credentials in its configuration file. Shows that the job works end to end over
 * SASL_SSL; that no password or key material appears in any log line of the cluster's processes,
 * in any metric, in the model events, dead letters or scores, or in the checkpoints; that the
 * secrets reach only the Kafka source and sinks in the job graph, never the other operators; and
 * that a wrong password stops the job at start-up with a clear error that holds no secret.
 */
@Tag("cluster")
class SaslSslJobITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withSaslSsl();

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Path JOB_JAR = Path.of("target", "vae-anomaly-flink-job.jar");
    private static final String WRONG_PASSWORD = TlsMaterial.randomSecret("wrong");

    @TempDir static Path tmp;
    private static StandaloneFlinkCluster cluster;
    private static String jarId;

    @BeforeAll
    static void startCluster() {
        assertThat(JOB_JAR).as("the cluster job jar (built by mvn package)").isRegularFile();
        cluster = StandaloneFlinkCluster.builder()
                .taskManagers(1)
                .slotsPerTaskManager(2)
                .keepLogsIn(Path.of("target", "flink-cluster-logs", "sasl-ssl"))
                .start();
        jarId = cluster.uploadJar(JOB_JAR);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every secret of this run: SCRAM and store passwords, and the broker's private key. */
    private static List<String> secrets() {
        List<String> s = new ArrayList<>(List.of(KAFKA.scramPassword(), WRONG_PASSWORD,
                KAFKA.tls().truststorePassword(), KAFKA.tls().keystorePassword()));
        s.addAll(KAFKA.tls().privateKeyFragments());
        return s;
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : secrets()) {
            assertThat(text.contains(secret)).as("a secret (%s...) in %s",
                    secret.substring(0, 3), where).isFalse();
        }
    }

    /**
     * Writes the job's configuration file: the Kafka section with the SASL_SSL client
     * properties (the credentials live only here, as an operator would deploy them), and
     * returns the {@code --config FILE --set ...} program arguments, which hold no secret.
     */
    private static List<String> jobArgs(JobTopics t, String password) throws IOException {
        StringBuilder yaml = new StringBuilder("kafka:\n")
                .append("  bootstrap-servers: ").append(KAFKA.saslSslBootstrapServers())
                .append('\n')
                .append("  input-topic: ").append(t.input()).append('\n')
                .append("  output-topic: ").append(t.output()).append('\n')
                .append("  properties:\n");
        for (Map.Entry<String, String> p : KAFKA.saslSslClientProperties(password).entrySet()) {
            yaml.append("    ").append(p.getKey()).append(": '")
                    .append(p.getValue().replace("'", "''")).append("'\n");
        }
        Path file = tmp.resolve("job-" + t.scores() + ".yaml");
        Files.writeString(file, yaml.toString());
        return TestConfigs.jobArgs(file,
                t.overrides(KAFKA.saslSslBootstrapServers(), "model.scope=global"));
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void runsOverSaslSslAndNoSecretReachesLogsMetricsOutputsOrOperatorState() throws Exception {
        JobTopics t = JobTopics.create(KAFKA, 2);
        Path checkpoints = cluster.workDir().resolve("checkpoints-" + t.scores());
        List<String> args = jobArgs(t, KAFKA.scramPassword());
        assertNoSecret("the program arguments", String.join(" ", args));

        // The job graph, built as the client builds it: only the Kafka source and sinks carry
        // the credentials; every other operator is serialised without them.
        JobConfig config = FlinkJobMain.parse(args.toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        StreamGraph graph = env.getStreamGraph();
        List<String> withSecrets = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String bytes = new String(InstantiationUtil.serializeObject(
                    node.getOperatorFactory()), StandardCharsets.ISO_8859_1);
            boolean kafkaClient = node.getOperatorName().contains("kafka-source")
                    || node.getOperatorName().contains("-sink");
            if (kafkaClient) {
                if (bytes.contains(KAFKA.scramPassword())) {
                    withSecrets.add(node.getOperatorName());
                }
            } else {
                assertNoSecret("operator " + node.getOperatorName(), bytes);
            }
        }
        assertThat(withSecrets).as("Kafka clients that carry the SCRAM login")
                .anyMatch(n -> n.contains("kafka-source"))
                .anyMatch(n -> n.contains("scores-sink"));
        assertNoSecret("the job configuration", graph.getJobGraph().getJobConfiguration()
                .toMap().toString());

        // End to end on the cluster, over SASL_SSL only (the job knows no other listener).
        // Flink's settings as flink run -D gives them; the checkpoints are kept after the
        // cancellation, for the search below.
        Map<String, String> flinkConf = new HashMap<>(
                JobTopics.flink(1, Duration.ofSeconds(2), checkpoints).toMap());
        flinkConf.put("execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        String jobId = cluster.runJar(jarId, args, flinkConf);
        cluster.await("/jobs/" + jobId, j -> cluster.allTasksRunning(jobId), WAIT,
                "the job's tasks to run");
        NumberedStream stream = new NumberedStream(t.input(), 51);
        stream.produce(KAFKA.producerProperties(), 0, 600, 0);
        int valid = stream.produced().size() - stream.produced(Kind.BAD).size();
        List<String> scores = awaitCommitted(t.scores(), valid);
        List<String> deadLetters = awaitCommitted(t.deadLetters(),
                stream.produced(Kind.BAD).size());
        List<String> modelEvents = awaitCommitted(t.modelEvents(), 1);
        assertThat(scores).hasSize(valid);
        assertThat(deadLetters).hasSize(stream.produced(Kind.BAD).size());
        long completed = cluster.checkpoints(jobId).path("counts").path("completed").asLong();
        cluster.await("/jobs/" + jobId + "/checkpoints",
                c -> c.path("counts").path("completed").asLong() > completed, WAIT,
                "a checkpoint holding the trained model");
        List<String> metrics = metricNamesAndValues(jobId);
        cluster.cancel(jobId);

        assertThat(metrics).as("metrics read").hasSizeGreaterThan(100);
        assertNoSecret("metrics", String.join("\n", metrics));
        assertNoSecret("model events", String.join("\n", modelEvents));
        assertNoSecret("dead letters", String.join("\n", deadLetters));
        assertNoSecret("scores", String.join("\n", scores));
        assertNoSecret("anomalies", String.join("\n", committed(t.output())));
        List<Path> checkpointFiles;
        try (Stream<Path> files = Files.walk(checkpoints)) {
            checkpointFiles = files.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(checkpointFiles).as("checkpoint files").isNotEmpty();
        for (Path f : checkpointFiles) {
            assertNoSecret("checkpoint file " + f.getFileName(),
                    new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        List<String> logs = cluster.logLines();
        // The Kafka clients logged their configuration, so the search covered it.
        assertThat(logs).anyMatch(l -> l.contains("security.protocol = SASL_SSL"))
                .anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
        for (String line : logs) {
            assertNoSecret("a log line", line);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aWrongPasswordStopsTheJobAtStartUpWithAClearErrorAndNoSecret() throws Exception {
        JobTopics t = JobTopics.create(KAFKA, 2);
        List<String> args = jobArgs(t, WRONG_PASSWORD);

        assertThatThrownBy(() -> cluster.runJar(jarId, args))
                .isInstanceOf(StandaloneFlinkCluster.RestException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).containsIgnoringCase("authentication failed")
                            .contains("SCRAM-SHA-512");
                    assertNoSecret("the start-up error", e.getMessage());
                });
        // The JobManager is still there, and no job runs (or restarts) with the bad login.
        JsonNode jobs = cluster.get("/jobs/overview");
        for (JsonNode job : jobs.path("jobs")) {
            assertThat(job.path("state").asText()).as("job %s", job.path("jid").asText())
                    .isIn("CANCELED", "FINISHED", "FAILED");
        }
        for (String line : cluster.logLines()) {
            assertNoSecret("a log line", line);
        }
    }

    /** Names and values of every metric of the JobManager, the TaskManagers and the job. */
    private static List<String> metricNamesAndValues(String jobId) {
        List<String> scopes = new ArrayList<>(List.of("/jobmanager/metrics",
                "/jobs/" + jobId + "/metrics"));
        for (JsonNode tm : cluster.get("/taskmanagers").path("taskmanagers")) {
            scopes.add("/taskmanagers/" + tm.path("id").asText() + "/metrics");
        }
        for (JsonNode v : cluster.job(jobId).path("vertices")) {
            scopes.add("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/metrics");
        }
        List<String> out = new ArrayList<>();
        for (String scope : scopes) {
            List<String> names = new ArrayList<>();
            cluster.get(scope).forEach(m -> names.add(m.path("id").asText()));
            for (int i = 0; i < names.size(); i += 40) {
                String get = names.subList(i, Math.min(names.size(), i + 40)).stream()
                        .map(n -> java.net.URLEncoder.encode(n, StandardCharsets.UTF_8))
                        .collect(Collectors.joining(","));
                cluster.get(scope + "?get=" + get).forEach(m -> out.add(
                        m.path("id").asText() + "=" + m.path("value").asText()));
            }
        }
        return out;
    }

    private static List<String> committed(String topic) {
        return values(KAFKA.consumeAll(topic, WAIT, IsolationLevel.READ_COMMITTED));
    }

    private static List<String> awaitCommitted(String topic, int n) throws InterruptedException {
        try {
            return values(KAFKA.awaitCommitted(topic, r -> r.size() >= n, WAIT, n + " records"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + cluster.logTail(), e);
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }
}

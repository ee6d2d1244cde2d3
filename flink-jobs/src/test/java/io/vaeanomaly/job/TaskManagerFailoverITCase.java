package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaeanomaly.testdata.NumberedStream;
import io.vaeanomaly.testdata.NumberedStream.Kind;
import io.vaeanomaly.testdata.NumberedStream.Produced;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobTopics;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.Records;
import io.vaeanomaly.testutils.StandaloneFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a real process failure: the cluster job jar on a standalone Flink cluster
 * (a JobManager and two TaskManagers, each its own JVM), a real Kafka broker, and a
 * {@code kill -9} of the TaskManager that holds the trainer while a numbered stream flows. A
 * replacement TaskManager joins, more records follow, and every output topic is read with
 * read_committed: every input position is scored exactly once, anomalies and dead letters have
 * neither duplicates nor gaps, and the champion's model version survives. Prints the recovery
 * time.
 */
@Tag("cluster")
class TaskManagerFailoverITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Path JOB_JAR = Path.of("target", "vae-anomaly-flink-job.jar");
    private static final int PHASE1 = 1500;
    private static final int PHASE2 = 1500;
    private static final int PHASE2_RATE = 300;
    private static final int PHASE3 = 600;

    @TempDir Path tmp;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingATaskManagerMidStreamLosesAndDuplicatesNothingAndKeepsTheChampion()
            throws Exception {
        assertThat(JOB_JAR).as("the cluster job jar (built by mvn package)").isRegularFile();
        JobTopics topics = JobTopics.create(KAFKA, 2);
        String scores = topics.scores();
        String modelEvents = topics.modelEvents();
        NumberedStream stream = new NumberedStream(topics.input(), 41);

        long t0 = System.nanoTime();
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.builder()
                .taskManagers(2)
                .slotsPerTaskManager(1)
                // Find a dead TaskManager in about two heartbeats (RPC failures count at once)
                // rather than after the 50 s default timeout.
                .config("heartbeat.interval", "2000")
                .config("heartbeat.timeout", "20000")
                .keepLogsIn(Path.of("target", "flink-cluster-logs", "failover"))
                .start()) {
            double clusterStartS = seconds(t0);
            Path checkpoints = cluster.workDir().resolve("checkpoints");
            // The file has the required options, the --set arguments everything else (the
            // small test model); TestConfigs' placeholder Kafka settings are overridden here.
            Path jobYaml = tmp.resolve("job.yaml");
            Files.writeString(jobYaml, String.join("\n",
                    "kafka:",
                    "  bootstrap-servers: " + KAFKA.bootstrapServers(),
                    "  input-topic: " + topics.input(),
                    "  output-topic: " + topics.output(),
                    ""));
            List<String> args = TestConfigs.jobArgs(jobYaml, topics.overrides(KAFKA,
                    "model.scope=global",
                    "training.retrain-every-events=300",
                    "training.promotion-tolerance=2.0",
                    "training.max-buffered-events=5000"));
            // Flink's settings, as flink run -D gives them.
            Map<String, String> flinkConf =
                    JobTopics.flink(2, Duration.ofSeconds(2), checkpoints).toMap();

            long tSubmit = System.nanoTime();
            String jarId = cluster.uploadJar(JOB_JAR);
            String jobId = cluster.runJar(jarId, args, flinkConf);
            cluster.await("/jobs/" + jobId, j -> cluster.allTasksRunning(jobId), WAIT,
                    "the job's tasks to run");
            double submitS = seconds(tSubmit);

            // Phase 1: a model, and a retrained champion, before anything fails.
            stream.produce(KAFKA.producerProperties(), 0, PHASE1, 0);
            awaitCommitted(scores, atLeast(valid(stream).size()), "phase 1 scored");
            List<JsonNode> events = awaitCommitted(modelEvents,
                    l -> l.stream().anyMatch(e -> outcome(e).equals("promoted")),
                    "a promoted challenger");
            long championBeforeKill = championVersion(events);

            // Phase 2: kill the TaskManager that runs the trainer while records flow.
            List<String> trainerTms = cluster.taskManagersOf(jobId, "trainer");
            assertThat(trainerTms).hasSize(1);
            String victim = trainerTms.get(0);
            CompletableFuture<List<Produced>> phase2 = CompletableFuture.supplyAsync(() ->
                    stream.produce(KAFKA.producerProperties(), PHASE1, PHASE1 + PHASE2,
                            PHASE2_RATE));
            awaitSent(stream, PHASE1 + PHASE2 / 3);
            long killedAtMs = System.currentTimeMillis();
            long tKill = System.nanoTime();
            cluster.killTaskManager(victim);
            String replacement = cluster.startTaskManager();
            double replacementJoinedS = seconds(tKill);
            cluster.await("/jobs/" + jobId, j -> restartedAfter(j, killedAtMs)
                            && cluster.allTasksRunning(jobId), WAIT,
                    "the job to run again after the kill");
            double recoveryS = seconds(tKill);
            phase2.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            awaitCommitted(scores, atLeast(valid(stream).size()), "phase 2 scored");
            double caughtUpS = seconds(tKill);
            JsonNode job = cluster.job(jobId);
            double detectedS = (job.path("timestamps").path("RESTARTING").asLong() - killedAtMs)
                    / 1000.0;

            // Phase 3: more records on the recovered job.
            stream.produce(KAFKA.producerProperties(), PHASE1 + PHASE2,
                    PHASE1 + PHASE2 + PHASE3, 0);
            awaitCommitted(scores, atLeast(valid(stream).size()), "phase 3 scored");
            // Two more checkpoints: a duplicate written after the last expected record would
            // now be committed and visible.
            long completed = completedCheckpoints(cluster, jobId);
            cluster.await("/jobs/" + jobId + "/checkpoints",
                    c -> c.path("counts").path("completed").asLong() >= completed + 2, WAIT,
                    "two more checkpoints");
            long restarts = restarts(cluster, jobId);
            cluster.cancel(jobId);

            List<JsonNode> scored = committed(scores);
            List<JsonNode> flagged = committed(topics.output());
            List<JsonNode> dead = committed(topics.deadLetters());
            List<JsonNode> models = committed(modelEvents);

            // Every valid input position exactly once in the scores topic.
            Set<String> validPositions = positions(valid(stream));
            assertThat(sourcePositions(scored)).doesNotHaveDuplicates()
                    .hasSize(validPositions.size())
                    .containsExactlyInAnyOrderElementsOf(validPositions);
            // Anomalies: exactly the flagged scores, once each. (How many are flagged is the
            // model's business, not delivery's; the injected events make sure some are.)
            List<String> flaggedScores = sourcePositions(scored.stream()
                    .filter(s -> s.get("is_anomaly").asBoolean()).collect(Collectors.toList()));
            assertThat(flaggedScores).isNotEmpty();
            assertThat(sourcePositions(flagged)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(flaggedScores);
            // Dead letters: exactly the bad records, once each, each with a reason.
            assertThat(sourcePositions(dead)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(positions(stream.produced(Kind.BAD)));
            assertThat(dead).allSatisfy(d -> assertThat(d.get("reason").asText()).isNotBlank());

            // The champion survives: one initial model, no version promoted twice, and every
            // event after the recovery scored by a model at least as new as before the kill.
            assertThat(models).filteredOn(e -> outcome(e).equals("initial")).hasSize(1);
            List<Long> versions = models.stream()
                    .filter(e -> !outcome(e).equals("rejected"))
                    .map(e -> e.get("model_version").asLong()).collect(Collectors.toList());
            assertThat(versions).doesNotHaveDuplicates().isSorted();
            Set<String> phase3 = positions(valid(stream).stream()
                    .filter(p -> p.seq() >= PHASE1 + PHASE2).collect(Collectors.toList()));
            assertThat(scored).filteredOn(s -> phase3.contains(sourcePosition(s)))
                    .hasSize(phase3.size())
                    .allSatisfy(s -> assertThat(s.get("model_version").asLong())
                            .isGreaterThanOrEqualTo(championBeforeKill));
            assertThat(restarts).as("job restarts").isGreaterThanOrEqualTo(1);
            assertThat(cluster.liveTaskManagers()).doesNotContain(victim).contains(replacement);

            System.out.printf(Locale.ROOT, "TaskManagerFailoverITCase: {\"records\":%d,"
                            + "\"scored\":%d,\"anomalies\":%d,\"dead_letters\":%d,"
                            + "\"model_events\":%d,\"champion_before_kill\":%d,"
                            + "\"champion_after\":%d,\"restarts\":%d,"
                            + "\"cluster_start_s\":%.1f,\"submit_to_running_s\":%.1f,"
                            + "\"kill_to_restarting_s\":%.1f,\"replacement_joined_s\":%.1f,"
                            + "\"recovery_s\":%.1f,\"caught_up_s\":%.1f,\"total_s\":%.1f}%n",
                    stream.produced().size(), scored.size(), flagged.size(), dead.size(),
                    models.size(), championBeforeKill, championVersion(models), restarts,
                    clusterStartS, submitS, detectedS, replacementJoinedS, recoveryS,
                    caughtUpS, seconds(t0));
        }
    }

    private static List<Produced> valid(NumberedStream stream) {
        return stream.produced().stream().filter(p -> p.kind() != Kind.BAD)
                .collect(Collectors.toList());
    }

    private static Set<String> positions(List<Produced> produced) {
        return produced.stream().map(Produced::position).collect(Collectors.toSet());
    }

    private static String sourcePosition(JsonNode record) {
        JsonNode src = record.get("source");
        return src.get("partition").asInt() + "@" + src.get("offset").asLong();
    }

    private static List<String> sourcePositions(List<JsonNode> records) {
        return records.stream().map(TaskManagerFailoverITCase::sourcePosition)
                .collect(Collectors.toList());
    }

    private static String outcome(JsonNode modelEvent) {
        return modelEvent.get("outcome").asText();
    }

    /** The newest model version that was initial or promoted. */
    private static long championVersion(List<JsonNode> modelEvents) {
        return modelEvents.stream().filter(e -> !outcome(e).equals("rejected"))
                .mapToLong(e -> e.get("model_version").asLong()).max().orElse(0);
    }

    /** Whether the job went through RESTARTING after {@code epochMs}. */
    private static boolean restartedAfter(JsonNode job, long epochMs) {
        return job.path("timestamps").path("RESTARTING").asLong() >= epochMs;
    }

    private static long completedCheckpoints(StandaloneFlinkCluster cluster, String jobId) {
        return cluster.checkpoints(jobId).path("counts").path("completed").asLong();
    }

    private static long restarts(StandaloneFlinkCluster cluster, String jobId) {
        JsonNode m = cluster.get("/jobs/" + jobId + "/metrics?get=numRestarts");
        return m.isArray() && m.size() > 0 ? m.get(0).path("value").asLong() : -1;
    }

    /** Waits until the producer thread has sent {@code n} records in total. */
    private static void awaitSent(NumberedStream stream, long n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stream.sent() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the producer did not reach record " + n);
            }
            Thread.sleep(20);
        }
    }

    private static Predicate<List<JsonNode>> atLeast(int n) {
        return l -> l.size() >= n;
    }

    private static List<JsonNode> committed(String topic) {
        return Records.json(KAFKA.consumeAll(topic, WAIT, IsolationLevel.READ_COMMITTED));
    }

    private static List<JsonNode> awaitCommitted(
            String topic, Predicate<List<JsonNode>> done, String what)
            throws InterruptedException {
        return Records.json(KAFKA.awaitCommitted(topic, r -> done.test(Records.json(r)), WAIT,
                what));
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}

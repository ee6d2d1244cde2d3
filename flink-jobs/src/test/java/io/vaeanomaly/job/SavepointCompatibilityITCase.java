package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.MiniClusters;
import io.vaeanomaly.testutils.Records;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint taken by the build of an earlier format version (committed under
 * {@code src/test/resources/golden/}, see {@link SavepointGoldenWriter}) restores into this
 * build's job, all of its state mapped (no state may be dropped), and the job goes on: it reads
 * the input from where the savepoint left it, scores at once with the saved champion (no new
 * warm-up, no new initial model) and writes every later event exactly once.
 */
class SavepointCompatibilityITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int EVENTS_AFTER = 200;

    @TempDir Path tmp;

    static List<String> savepoints() {
        return SavepointGolden.GLOBAL;
    }

    @ParameterizedTest
    @MethodSource("savepoints")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theGlobalJobRestoresTheSavepointAndKeepsScoringWithItsChampion(String name)
            throws Exception {
        Path golden = SavepointGolden.resourceDir(name);
        JsonNode expected = JSON.readTree(golden.resolve("expected.json").toFile());
        Path savepoint = copy(golden, tmp.resolve("savepoint"));

        // The same topics, fresh; the input's first 600 offsets exist again (the job must not
        // read them: the savepoint holds its position), then 200 new events.
        recreateTopics();
        KAFKA.produce(SavepointGolden.events(0, SavepointGolden.EVENTS_BEFORE));
        KAFKA.produce(SavepointGolden.events(SavepointGolden.EVENTS_BEFORE,
                SavepointGolden.EVENTS_BEFORE + EVENTS_AFTER));

        JobClient job = restore(savepoint, new Configuration());
        try {
            awaitCommitted(SavepointGolden.SCORES, EVENTS_AFTER);
            // One more event: once it is committed, anything written before it is too.
            int total = SavepointGolden.EVENTS_BEFORE + EVENTS_AFTER;
            KAFKA.produce(SavepointGolden.events(total, total + 1));
            List<JsonNode> scores = awaitCommitted(SavepointGolden.SCORES, EVENTS_AFTER + 1);
            long champion = expected.get("champion_version").asLong();
            assertThat(scores).hasSize(EVENTS_AFTER + 1);
            assertThat(scores).extracting(s -> s.get("source").get("offset").asLong())
                    .doesNotHaveDuplicates()
                    .allMatch(o -> o >= SavepointGolden.EVENTS_BEFORE);
            assertThat(scores).allSatisfy(s -> assertThat(s.get("model_version").asLong())
                    .isGreaterThanOrEqualTo(champion));
            assertThat(committed(SavepointGolden.MODEL_EVENTS))
                    .noneMatch(e -> e.get("outcome").asText().equals("initial"));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A savepoint whose saved models are damaged (one flipped bit in each model file's
     * payload, which its checksum catches) does not restore into a job that scores with half a
     * model: the job fails, with an error naming the operator and the format versions.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aDamagedSavepointFailsTheJobWithAnErrorNamingTheOperatorAndVersion() throws Exception {
        String name = SavepointGolden.currentGlobal();
        Path savepoint = copy(SavepointGolden.resourceDir(name), tmp.resolve("savepoint"));
        Path metadata = savepoint.resolve("_metadata");
        byte[] bytes = Files.readAllBytes(metadata);
        byte[] magic = "VAEANOM\0".getBytes(StandardCharsets.US_ASCII);
        int damaged = 0;
        for (int i = 0; i + magic.length < bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + magic.length, magic, 0, magic.length)) {
                bytes[i + 100] ^= 0x10; // inside the payload (config JSON), after the header
                damaged++;
            }
        }
        assertThat(damaged).as("model files in the savepoint").isEqualTo(2);
        Files.write(metadata, bytes);
        recreateTopics();
        KAFKA.produce(SavepointGolden.events(0, SavepointGolden.EVENTS_BEFORE + 10));

        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient job = restore(savepoint, noRestarts);
        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            failure = e;
        }
        assertThat(failure).as("the job fails").isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        assertThat(messages).as("the causes' messages").anyMatch(m -> m.matches(
                "operator '[^']+'.*model file v2: corrupt: checksum mismatch"));
        assertThat(committed(SavepointGolden.SCORES)).as("nothing scored").isEmpty();
    }

    /** Runs the golden job restored from {@code savepoint}, no state left unmapped. */
    private JobClient restore(Path savepoint, Configuration extra) throws Exception {
        JobConfig config = JobConfigLoader.fromOverrides(
                SavepointGolden.overrides(KAFKA.bootstrapServers()).toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(SavepointGolden.flink(tmp.resolve("checkpoints")));
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        restore.addAll(extra);
        env.configure(restore);
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        return env.executeAsync("restored");
    }

    /** Deletes the golden topics if a previous run left them, and creates them empty. */
    private static void recreateTopics() throws Exception {
        Admin admin = KAFKA.admin();
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> old = SavepointGolden.TOPICS.stream().filter(existing::contains)
                .collect(Collectors.toList());
        if (!old.isEmpty()) {
            admin.deleteTopics(old).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .anyMatch(old::contains)) {
                assertThat(System.nanoTime()).as("topics deleted in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        for (String t : SavepointGolden.TOPICS) {
            // Deletion completes asynchronously on the broker: retry while it finishes.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    KAFKA.createTopic(t, 1);
                    break;
                } catch (RuntimeException e) {
                    assertThat(System.nanoTime()).as("topic %s created in time: %s", t, e)
                            .isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
        }
    }

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    private static List<JsonNode> committed(String topic) {
        return Records.json(KAFKA.consumeAll(topic, WAIT, IsolationLevel.READ_COMMITTED));
    }

    private static List<JsonNode> awaitCommitted(String topic, int n) throws Exception {
        return Records.json(KAFKA.awaitCommitted(topic, r -> r.size() >= n, WAIT,
                n + " records"));
    }
}

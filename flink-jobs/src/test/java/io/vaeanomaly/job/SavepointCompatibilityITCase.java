package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int EVENTS_AFTER = 200;

    @TempDir Path tmp;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theGlobalJobRestoresAVersion1SavepointAndKeepsScoringWithItsChampion() throws Exception {
        Path golden = SavepointGolden.resourceDir(SavepointGolden.GLOBAL_V1);
        JsonNode expected = JSON.readTree(golden.resolve("expected.json").toFile());
        Path savepoint = copy(golden, tmp.resolve("savepoint"));

        // The same topics on a new broker; the input's first 600 offsets exist again (the job
        // must not read them: the savepoint holds its position), then 200 new events.
        SavepointGolden.TOPICS.forEach(t -> KAFKA.createTopic(t, 1));
        KAFKA.produce(SavepointGolden.events(0, SavepointGolden.EVENTS_BEFORE));
        KAFKA.produce(SavepointGolden.events(SavepointGolden.EVENTS_BEFORE,
                SavepointGolden.EVENTS_BEFORE + EVENTS_AFTER));

        JobConfig config = JobConfigLoader.fromOverrides(
                SavepointGolden.overrides(KAFKA.bootstrapServers()).toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(SavepointGolden.flink(tmp.resolve("checkpoints")));
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        env.configure(restore);
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        JobClient job = env.executeAsync("restored");
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

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    private static List<JsonNode> committed(String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KAFKA.consumeAll(topic, WAIT,
                IsolationLevel.READ_COMMITTED)) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    private static List<JsonNode> awaitCommitted(String topic, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> records = committed(topic);
        while (records.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + n + " records on " + topic
                        + "; have " + records.size());
            }
            Thread.sleep(500);
            records = committed(topic);
        }
        return records;
    }
}

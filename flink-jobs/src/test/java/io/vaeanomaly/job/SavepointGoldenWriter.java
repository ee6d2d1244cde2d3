package io.vaeanomaly.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Takes the golden savepoint of the job ({@link SavepointGolden}) with the build it runs in and
 * copies it into {@code src/test/resources/golden/savepoint-global-v<N>}, N being the version
 * of the operators' state this build writes, with what the job had done by then. Run by hand,
 * once per format version, with the build of that version:
 *
 * <pre>
 * mvn -B -pl flink-jobs -am test -Dtest=SavepointGoldenWriter -Dgolden.write=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Version 1 was taken in a {@code git worktree} of main 232c381, into which this file,
 * SavepointGolden.java and TestConfigs.smallOverrides were copied (that build took Flink's
 * settings from the job's {@code flink:} section).
 */
@EnabledIfSystemProperty(named = "golden.write", matches = "true")
class SavepointGoldenWriter {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void takeTheGlobalJobsSavepoint() throws Exception {
        SavepointGolden.TOPICS.forEach(t -> KAFKA.createTopic(t, 1));
        KAFKA.produce(SavepointGolden.events(0, SavepointGolden.EVENTS_BEFORE));
        JobConfig config = JobConfigLoader.fromOverrides(
                SavepointGolden.overrides(KAFKA.bootstrapServers()).toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(SavepointGolden.flink(tmp.resolve("checkpoints")));
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        JobClient job = env.executeAsync("golden");

        // Wait until every event is scored and at least one retrained model was promoted.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        List<JsonNode> models;
        while (true) {
            models = committed(SavepointGolden.MODEL_EVENTS);
            boolean promoted = models.stream()
                    .anyMatch(m -> m.get("outcome").asText().equals("promoted"));
            if (promoted && committed(SavepointGolden.SCORES).size()
                    == SavepointGolden.EVENTS_BEFORE) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no promoted model and 600 scores in 5 minutes");
            }
            Thread.sleep(500);
        }
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri()
                .toString(), SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

        models = committed(SavepointGolden.MODEL_EVENTS);
        Path target = SavepointGolden.sourceDir(SavepointGolden.currentGlobal());
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists: golden savepoints are never"
                    + " rewritten");
        }
        Files.createDirectories(target);
        Path source = Path.of(java.net.URI.create(savepoint.startsWith("file:") ? savepoint
                : "file://" + savepoint));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, target.resolve(f.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ObjectNode expected = JSON.createObjectNode();
        expected.put("written_by", "SavepointGoldenWriter");
        expected.put("events_before", SavepointGolden.EVENTS_BEFORE);
        expected.put("champion_version", models.stream()
                .filter(m -> !m.get("outcome").asText().equals("rejected"))
                .mapToLong(m -> m.get("model_version").asLong()).max().orElse(0));
        expected.put("model_events", models.size());
        Files.writeString(target.resolve("expected.json"), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(expected));
    }

    private static List<JsonNode> committed(String topic) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (ConsumerRecord<String, String> r : KAFKA.consumeAll(topic, Duration.ofSeconds(60),
                IsolationLevel.READ_COMMITTED)) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }
}

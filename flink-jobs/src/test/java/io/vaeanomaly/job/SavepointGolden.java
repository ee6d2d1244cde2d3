package io.vaeanomaly.job;

import io.vaeanomaly.persist.StateType;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job behind the golden savepoints in {@code src/test/resources/golden/}: its topics, its
 * settings and its input. {@link SavepointGoldenWriter} took the savepoint with the build of
 * the format version in the directory name; {@link SavepointCompatibilityITCase} restores it
 * with this build. Change nothing here that would change what the savepoint means.
 */
final class SavepointGolden {
    private SavepointGolden() {}

    /**
     * The savepoints of the global-scope job by the format version of the operators' state
     * ({@link StateType#KEYED_DETECTOR}): version 1 taken with main 232c381, before the
     * persisted-state scheme; version 2 with the build that introduced it.
     */
    static final List<String> GLOBAL = List.of("savepoint-global-v1", "savepoint-global-v2");

    /** The directory name of a savepoint taken with this build. */
    static String currentGlobal() {
        return "savepoint-global-v" + StateType.KEYED_DETECTOR.currentVersion();
    }

    static final String INPUT = "golden-events";
    static final String ANOMALIES = "golden-anomalies";
    static final String SCORES = "golden-scores";
    static final String DEAD_LETTERS = "golden-dead-letters";
    static final String MODEL_EVENTS = "golden-model-events";
    static final List<String> TOPICS =
            List.of(INPUT, ANOMALIES, SCORES, DEAD_LETTERS, MODEL_EVENTS);
    /** Events read before the savepoint (input offsets 0 to 599). */
    static final int EVENTS_BEFORE = 600;

    /**
     * The job's settings: global scope, retraining every 200 events, one partition. (The build
     * of format version 1 took Flink's settings from the job's flink section, as
     * {@code flink.parallelism=1}, {@code flink.checkpoint-interval=1s} and the checkpoint
     * directory: the same as {@link #flink}.)
     */
    static List<String> overrides(String bootstrapServers) {
        return TestConfigs.smallOverrides(
                "kafka.bootstrap-servers=" + bootstrapServers,
                "kafka.input-topic=" + INPUT,
                "kafka.output-topic=" + ANOMALIES,
                "kafka.scores-topic=" + SCORES,
                "kafka.dead-letter-topic=" + DEAD_LETTERS,
                "kafka.model-events-topic=" + MODEL_EVENTS,
                "kafka.group-id=golden",
                "kafka.transactional-id-prefix=golden",
                "kafka.starting-offsets=earliest",
                "kafka.transaction-timeout=1m",
                "model.scope=global",
                "training.retrain-every-events=200",
                "training.promotion-tolerance=2.0");
    }

    /** Flink's settings of the job: parallelism 1, a checkpoint every second. */
    static Configuration flink(Path checkpoints) {
        return JobTopics.flink(1, checkpoints);
    }

    /** Input records {@code from} to {@code to} (exclusive), normal events over 4 hosts. */
    static List<ProducerRecord<String, String>> events(int from, int to) {
        StreamData data = new StreamData(61 + from);
        List<ProducerRecord<String, String>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String host = "host-" + (i % 4);
            out.add(new ProducerRecord<>(INPUT, 0, host, StreamData.json(host, data.normal())));
        }
        return out;
    }

    /** The golden directory in the module's test resources (for writing). */
    static Path sourceDir(String name) {
        return Path.of("src", "test", "resources", "golden", name);
    }

    /** The golden directory on the test class path (for reading). */
    static Path resourceDir(String name) throws Exception {
        Path dir = Path.of(SavepointGolden.class.getResource("/golden/" + name).toURI());
        if (!Files.isRegularFile(dir.resolve("_metadata"))) {
            throw new IllegalStateException("no savepoint in " + dir);
        }
        return dir;
    }
}

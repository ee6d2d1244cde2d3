package io.vaeanomaly.testutils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;

/**
 * The five topics of one job run in an integration test, all fresh, and the settings that wire a
 * job to them.
 */
public record JobTopics(
        String input, String output, String scores, String deadLetters, String modelEvents) {

    /** Fresh topics; the input topic with {@code inputPartitions} partitions. */
    public static JobTopics create(KafkaBrokerExtension kafka, int inputPartitions) {
        return new JobTopics(kafka.createUniqueTopic("events", inputPartitions), null, null, null,
                null).withFreshOutputs(kafka);
    }

    /** The same input topic with fresh output topics (a second run over the same input). */
    public JobTopics withFreshOutputs(KafkaBrokerExtension kafka) {
        return new JobTopics(input,
                kafka.createUniqueTopic("anomalies", 1),
                kafka.createUniqueTopic("scores", 1),
                kafka.createUniqueTopic("dead-letters", 1),
                kafka.createUniqueTopic("model-events", 1));
    }

    /**
     * {@code key=value} job options for a run on these topics: group and transactional ids unique
     * to the run (also when two runs share the input), reading from the earliest offset.
     */
    public List<String> overrides(KafkaBrokerExtension kafka, String... extra) {
        return overrides(kafka.bootstrapServers(), extra);
    }

    /**
     * As {@link #overrides(KafkaBrokerExtension, String...)} on another listener of the broker;
     * {@code extra} settings last.
     */
    public List<String> overrides(String bootstrapServers, String... extra) {
        String id = scores;
        List<String> all = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=" + bootstrapServers,
                "kafka.input-topic=" + input,
                "kafka.output-topic=" + output,
                "kafka.scores-topic=" + scores,
                "kafka.dead-letter-topic=" + deadLetters,
                "kafka.model-events-topic=" + modelEvents,
                "kafka.group-id=" + id,
                "kafka.transactional-id-prefix=" + id,
                "kafka.starting-offsets=earliest",
                "kafka.transaction-timeout=1m"));
        all.addAll(List.of(extra));
        return all;
    }

    /** Flink's settings of a test job: a checkpoint every second, into {@code checkpointDir}. */
    public static Configuration flink(int parallelism, Path checkpointDir) {
        return flink(parallelism, Duration.ofSeconds(1), checkpointDir);
    }

    /** Flink's settings of a test job: checkpoints every {@code interval}. */
    public static Configuration flink(int parallelism, Duration interval, Path checkpointDir) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        return conf;
    }
}

package io.vaeanomaly.testutils;

import java.nio.file.Path;
import java.util.List;

/**
 * The five topics of one job run in an integration test, all fresh, and the configuration
 * overrides that wire a job to them.
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
     * {@code key=value} overrides for a run on these topics: group and transactional ids unique
     * to the run (also when two runs share the input), reading from the earliest offset, 1 s
     * checkpoints into {@code checkpointDir}.
     */
    public List<String> overrides(KafkaBrokerExtension kafka, Path checkpointDir) {
        String id = scores;
        return List.of(
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.input-topic=" + input,
                "kafka.output-topic=" + output,
                "kafka.scores-topic=" + scores,
                "kafka.dead-letter-topic=" + deadLetters,
                "kafka.model-events-topic=" + modelEvents,
                "kafka.group-id=" + id,
                "kafka.transactional-id-prefix=" + id,
                "kafka.starting-offsets=earliest",
                "kafka.transaction-timeout=1m",
                "flink.checkpoint-interval=1s",
                "flink.checkpoint-dir=" + checkpointDir.toUri());
    }
}

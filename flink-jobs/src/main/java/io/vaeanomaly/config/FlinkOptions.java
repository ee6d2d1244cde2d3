package io.vaeanomaly.config;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * The {@code flink} section: runtime settings of the job.
 *
 * @param parallelism operator parallelism
 * @param checkpointInterval time between checkpoints (also the Kafka transaction cadence)
 * @param stateBackend where keyed state lives
 * @param checkpointDir checkpoint storage URI
 */
public record FlinkOptions(
        int parallelism,
        Duration checkpointInterval,
        StateBackend stateBackend,
        String checkpointDir)
        implements Serializable {

    /** Flink state backends. */
    public enum StateBackend {
        /** On the JVM heap; fast, bounded by memory. */
        HASHMAP,
        /** Embedded RocksDB; for state larger than memory (many per-key models). */
        ROCKSDB
    }

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOption.withDefault(
                    "flink.parallelism", ValueTypes.positiveInt(), 1, "Operator parallelism.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOption.withDefault(
                    "flink.checkpoint-interval",
                    ValueTypes.positiveDuration(),
                    Duration.ofSeconds(10),
                    "Time between checkpoints; exactly-once output becomes visible at this"
                            + " cadence.");
    public static final ConfigOption<StateBackend> STATE_BACKEND =
            ConfigOption.withDefault(
                    "flink.state-backend",
                    ValueTypes.oneOf(StateBackend.class),
                    StateBackend.HASHMAP,
                    "State backend: hashmap (heap) or rocksdb.");
    public static final ConfigOption<String> CHECKPOINT_DIR =
            ConfigOption.withDefault(
                    "flink.checkpoint-dir",
                    ValueTypes.nonEmptyString()
                            .where(
                                    FlinkOptions::hasScheme,
                                    "a URI with a scheme such as file:///path or s3://bucket/path"),
                    "file:///tmp/vae-anomaly-checkpoints",
                    "Checkpoint storage URI.");
    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    STATE_BACKEND,
                    CHECKPOINT_DIR);

    /** Validates every field; messages name the {@code flink.*} key. */
    public FlinkOptions {
        PARALLELISM.check(parallelism);
        CHECKPOINT_INTERVAL.check(checkpointInterval);
        STATE_BACKEND.check(stateBackend);
        CHECKPOINT_DIR.check(checkpointDir);
    }

    private static boolean hasScheme(String s) {
        try {
            URI uri = new URI(s);
            return uri.getScheme() != null && uri.getScheme().length() > 1;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static FlinkOptions from(ConfigValues v) {
        return new FlinkOptions(
                v.get(PARALLELISM),
                v.get(CHECKPOINT_INTERVAL),
                v.get(STATE_BACKEND),
                v.get(CHECKPOINT_DIR));
    }
}

package io.vaeanomaly.config;

import java.util.Objects;

/**
 * The complete, validated configuration of the streaming job. Immutable, and deliberately not
 * serialisable: operators never keep it (the {@code kafka} section may hold credentials), they
 * get {@link #detector()} or the single section they use, and a closure that captured it by
 * mistake fails when the job is built. Flink's own settings (parallelism, checkpointing, state backend) are not
 * here: they come from Flink's configuration, so {@code flink run -p}, {@code -D} and a
 * cluster's config.yaml apply as a Flink user expects. Build it with
 * {@link JobConfigLoader}; every section validates itself at construction, and this record
 * checks the rules that span sections.
 *
 * @param kafka the {@code kafka} section
 * @param input the {@code input} section
 * @param model the {@code model} section
 * @param training the {@code training} section
 * @param threshold the {@code threshold} section
 */
public record JobConfig(
        KafkaOptions kafka,
        InputOptions input,
        ModelOptions model,
        TrainingOptions training,
        ThresholdOptions threshold) {

    /** The sections the detector operators use (no Kafka settings, no credentials). */
    public DetectorSpec detector() {
        return new DetectorSpec(model, training, threshold);
    }

    /**
     * Checks the rules that span sections; messages name the key to change. (Rules involving
     * Flink's own settings, such as the transaction timeout against the checkpoint interval, are
     * checked when the job is built, where those settings are known.)
     */
    public JobConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(threshold, "threshold");
    }
}

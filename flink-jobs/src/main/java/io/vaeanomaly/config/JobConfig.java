package io.vaeanomaly.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The complete, validated configuration of the streaming job. Immutable and
 * {@link Serializable}, so operators can keep it as a field. Build it with
 * {@link JobConfigLoader}; every section validates itself at construction, and this record
 * checks the rules that span sections.
 *
 * @param kafka the {@code kafka} section
 * @param input the {@code input} section
 * @param model the {@code model} section
 * @param training the {@code training} section
 * @param threshold the {@code threshold} section
 * @param flink the {@code flink} section
 */
public record JobConfig(
        KafkaOptions kafka,
        InputOptions input,
        ModelOptions model,
        TrainingOptions training,
        ThresholdOptions threshold,
        FlinkOptions flink)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The sections the detector operators use (no Kafka settings, no credentials). */
    public DetectorSpec detector() {
        return new DetectorSpec(model, training, threshold);
    }

    /** Checks the rules that span sections; messages name the key to change. */
    public JobConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(flink, "flink");
        // Kafka aborts a transaction that stays open longer than its timeout, and the exactly-once
        // sink keeps one open from one checkpoint to the next.
        if (kafka.deliveryGuarantee() == KafkaOptions.DeliveryGuarantee.EXACTLY_ONCE
                && kafka.transactionTimeout().compareTo(flink.checkpointInterval()) <= 0) {
            throw new ConfigException(
                    KafkaOptions.TRANSACTION_TIMEOUT.key(),
                    "must be longer than flink.checkpoint-interval ("
                            + Durations.format(flink.checkpointInterval()) + ") for exactly-once");
        }
    }
}

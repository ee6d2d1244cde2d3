package io.vaeanomaly.config;

import io.vaeanomaly.detect.DetectorSettings;
import java.io.Serializable;
import java.util.Objects;

/**
 * The part of the configuration a detector operator uses: the {@code model}, {@code training}
 * and {@code threshold} sections. Operators keep this, never the whole {@link JobConfig}: an
 * operator is serialised into the job graph and its checkpoints, and the {@code kafka} section
 * may carry credentials ({@code kafka.properties.sasl.jaas.config}).
 *
 * @param model the {@code model} section
 * @param training the {@code training} section
 * @param threshold the {@code threshold} section
 */
public record DetectorSpec(
        ModelOptions model, TrainingOptions training, ThresholdOptions threshold)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks that the core accepts the combination.
     *
     * @throws ConfigException naming the key to change
     */
    public DetectorSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(threshold, "threshold");
        DetectorSettingsFactory.settings(model, training, threshold);
    }

    /**
     * The core's settings. {@link DetectorSettings} holds a function and is not serialisable, so
     * operators build it in {@code open()}.
     */
    public DetectorSettings settings() {
        return DetectorSettingsFactory.settings(model, training, threshold);
    }
}

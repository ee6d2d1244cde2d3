package io.vaeanomaly.config;

import io.vaeanomaly.detect.DetectorSettings;
import java.io.Serializable;
import java.util.List;
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
     * Checks that the core accepts the combination, before anything runs.
     *
     * @throws ConfigException naming the key to change
     */
    public DetectorSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(threshold, "threshold");
        try {
            build(model, training, threshold).architecture().apply(1);
        } catch (IllegalArgumentException e) {
            throw coreRejected(e);
        }
    }

    /**
     * The core's settings. {@link DetectorSettings} holds a function and is not serialisable, so
     * operators build it in {@code open()}.
     */
    public DetectorSettings settings() {
        return build(model, training, threshold);
    }

    private static DetectorSettings build(
            ModelOptions m, TrainingOptions t, ThresholdOptions th) {
        return new DetectorSettings(
                m.architecture(),
                t.recipe(),
                m.scoring(t.seed()),
                th.settings(),
                t.warmupEvents(),
                t.retrainEveryEvents(),
                t.sampleSize(),
                t.sampleStrategy(),
                t.promotionTolerance(),
                m.shingleSize());
    }

    /**
     * The core names the field it rejects ({@code "warmup-events: must be >= 10"}, {@code
     * "sigmaMin: ..."}); the message names the option.
     */
    private static ConfigException coreRejected(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.indexOf(':');
        if (colon > 0) {
            String field = message.substring(0, colon).trim();
            for (String section : List.of("training", "model", "threshold")) {
                var key = JobOptions.suggest(section + "." + field)
                        .filter(k -> k.startsWith(section + "."));
                if (key.isPresent() && key.get().endsWith(kebab(field))) {
                    return new ConfigException(key.get(), message.substring(colon + 1).trim());
                }
            }
        }
        return new ConfigException("model", "the core rejects the settings: " + message);
    }

    private static String kebab(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * What happened after a training: the first model, a promotion, or a rejection. JSON form:
 * {@link ModelEventRecordJson}, schema {@code schemas/model-event-record.schema.json}.
 *
 * @param key the model's key, {@link #GLOBAL_KEY} for the global model
 * @param modelVersion the version scoring events after this event: the new one for
 *     {@code initial} and {@code promoted}, the unchanged one for {@code rejected}
 * @param outcome what happened
 * @param reason why, in words (for example the ELBO comparison)
 * @param trainedAtMs when training finished, epoch ms
 * @param samples training rows used
 * @param seconds training wall time
 * @param diagnostics training diagnostics of the candidate model
 */
public record ModelEventRecord(
        String key,
        long modelVersion,
        Outcome outcome,
        String reason,
        long trainedAtMs,
        int samples,
        double seconds,
        ModelDiagnostics diagnostics)
        implements Serializable {

    /** Version of the JSON layout. */
    public static final int SCHEMA_VERSION = 1;

    /** The key of the single model when {@code model.scope} is global. */
    public static final String GLOBAL_KEY = "global";

    /** What a training led to. */
    public enum Outcome {
        /** The first model for the key. */
        INITIAL,
        /** A retrained model replaced the current one. */
        PROMOTED,
        /** A retrained model was worse and was discarded. */
        REJECTED;

        /** The lower-case name used in JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelEventRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(diagnostics, "diagnostics");
        if (modelVersion < 0 || samples < 0 || !(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(
                    "modelVersion, samples and seconds must be non-negative and finite");
        }
    }
}

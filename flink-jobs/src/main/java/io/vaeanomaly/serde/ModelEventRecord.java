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
 * @param trainedAtMs when training finished, epoch ms (0 in deterministic mode)
 * @param samples training rows used
 * @param seconds training wall time
 * @param diagnostics training diagnostics of the candidate model
 * @param jobId the Flink job id (hex) of the run that trained the model, or {@code null} in
 *     deterministic mode; tells two runs' version 1 apart
 */
public record ModelEventRecord(
        String key,
        long modelVersion,
        Outcome outcome,
        String reason,
        long trainedAtMs,
        int samples,
        double seconds,
        ModelDiagnostics diagnostics,
        String jobId)
        implements Serializable {

    /** Version of the JSON layout (2: job_id). */
    public static final int SCHEMA_VERSION = 2;

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

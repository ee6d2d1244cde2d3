package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record the job could not process, written to the dead-letter topic with the reason. JSON
 * form: {@link DeadLetterRecordJson}, schema {@code schemas/dead-letter-record.schema.json}.
 *
 * @param errorType snake_case kind of problem ({@code missing_field}, see
 *     {@link ParseFailure.Kind#wireName()}); other stages may add their own
 * @param reason human-readable reason, naming the field when there is one
 * @param field the offending field, or {@code null}
 * @param source where the record was read
 * @param timestampMs the source record's Kafka timestamp (epoch ms), or -1 when it had none
 * @param key the source record's key bytes, or {@code null} (not copied)
 * @param original the source record's value bytes (not copied)
 */
public record DeadLetterRecord(
        String errorType,
        String reason,
        String field,
        SourcePosition source,
        long timestampMs,
        byte[] key,
        byte[] original)
        implements Serializable {

    /** Version of the JSON layout. */
    public static final int SCHEMA_VERSION = 1;

    public DeadLetterRecord {
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(original, "original");
        if (timestampMs < 0) {
            timestampMs = -1;
        }
    }

    /** The dead letter for a parse failure. */
    public static DeadLetterRecord of(ParseFailure f) {
        return new DeadLetterRecord(f.kind().wireName(), f.reason(), f.field(), f.source(),
                f.timestampMs(), f.keyUnsafe(), f.originalUnsafe());
    }

    /** Whether the source record had a timestamp. */
    public boolean hasTimestamp() {
        return timestampMs >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetterRecord r
                && errorType.equals(r.errorType)
                && reason.equals(r.reason)
                && Objects.equals(field, r.field)
                && source.equals(r.source)
                && timestampMs == r.timestampMs
                && Arrays.equals(key, r.key)
                && Arrays.equals(original, r.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(errorType, reason, field, source, timestampMs);
    }

    @Override
    public String toString() {
        return "DeadLetterRecord[" + errorType + " at " + source + ": " + reason + "]";
    }
}

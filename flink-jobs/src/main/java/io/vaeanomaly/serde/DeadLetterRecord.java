package io.vaeanomaly.serde;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
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
 * @param original the source record's value bytes, or their first bytes when the record is
 *     bounded ({@link DeadLetterRecordJson#fitTo}; not copied)
 * @param originalSize the size of the source record's whole value, {@code >= original.length}
 */
public record DeadLetterRecord(
        String errorType,
        String reason,
        String field,
        SourcePosition source,
        long timestampMs,
        byte[] key,
        byte[] original,
        int originalSize)
        implements Serializable {

    /** Version of the JSON layout (2: original_size, original_truncated). */
    public static final int SCHEMA_VERSION = 2;

    public DeadLetterRecord {
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(original, "original");
        if (timestampMs < 0) {
            timestampMs = -1;
        }
        if (originalSize < original.length) {
            throw new IllegalArgumentException("originalSize " + originalSize
                    + " is below the " + original.length + " bytes carried");
        }
    }

    /** A dead letter carrying the whole original value. */
    public DeadLetterRecord(
            String errorType,
            String reason,
            String field,
            SourcePosition source,
            long timestampMs,
            byte[] key,
            byte[] original) {
        this(errorType, reason, field, source, timestampMs, key, original, original.length);
    }

    /** The dead letter for a parse failure. */
    public static DeadLetterRecord of(ParseFailure f) {
        return new DeadLetterRecord(f.kind().wireName(), f.reason(), f.field(), f.source(),
                f.timestampMs(), f.keyUnsafe(), f.originalUnsafe());
    }

    /**
     * The dead letter of an event whose output record would exceed {@code kafka.max-record-bytes}
     * (the record embeds the event, so a near-1 MB event makes a too-large record); the event is
     * kept here instead of failing the sink.
     *
     * @param what the kind of output record, e.g. "score record"
     * @param size its size in bytes (key plus value)
     */
    public static DeadLetterRecord outputTooLarge(
            AnomalyRecord r, String what, long size, int maxRecordBytes) {
        return new DeadLetterRecord(OUTPUT_TOO_LARGE,
                "the " + what + " of this event would be " + size + " bytes, above"
                        + " kafka.max-record-bytes (" + maxRecordBytes + ")",
                null, r.source(), -1, r.key().getBytes(StandardCharsets.UTF_8), r.event());
    }

    /** Dead-letter error type of an event whose output record would be too large to write. */
    public static final String OUTPUT_TOO_LARGE = "output_too_large";

    /** Whether the source record had a timestamp. */
    public boolean hasTimestamp() {
        return timestampMs >= 0;
    }

    /** Whether {@link #original()} holds only the first bytes of the source record's value. */
    public boolean truncated() {
        return original.length < originalSize;
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
                && Arrays.equals(original, r.original)
                && originalSize == r.originalSize;
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

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * Why a record could not become an {@link Event}, with everything needed to dead-letter it
 * ({@link DeadLetterRecord#of(ParseFailure)}).
 */
public final class ParseFailure implements ParseResult, Serializable {
    private static final long serialVersionUID = 1L;

    /** Kinds of bad input. */
    public enum Kind {
        /** Not JSON / not one CSV line / not UTF-8 / not a JSON object / empty. */
        UNPARSABLE,
        /** A configured field (key, event time, feature) is absent or empty. */
        MISSING_FIELD,
        /** A feature value is not a number. */
        NON_NUMERIC,
        /** A feature value is NaN or infinite. */
        NON_FINITE,
        /** A feature value's magnitude exceeds {@code input.max-abs-value}. */
        OUT_OF_RANGE,
        /** The number or set of features differs from what is expected. */
        WRONG_DIMENSION,
        /** The key or event-time field holds a value of the wrong form. */
        INVALID_FIELD;

        /** The snake_case name used in dead-letter records ({@code missing_field}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String field;
    private final String reason;
    private final SourcePosition source;
    private final long timestampMs;
    private final byte[] key;
    private final byte[] original;

    /**
     * @param kind kind of bad input
     * @param field the offending field (dotted path or CSV column), or {@code null} when the
     *     problem is the whole record
     * @param reason human-readable reason; names {@code field} when there is one
     * @param record the record that failed (its arrays are not copied)
     */
    public ParseFailure(Kind kind, String field, String reason, KafkaRecord record) {
        this.kind = Objects.requireNonNull(kind);
        this.field = field;
        this.reason = Objects.requireNonNull(reason);
        this.source = record.position();
        this.timestampMs = record.timestampMs();
        this.key = record.key();
        this.original = record.value() == null ? new byte[0] : record.value();
    }

    /** The kind of bad input. */
    public Kind kind() {
        return kind;
    }

    /** The offending field, or {@code null} when the problem is the whole record. */
    public String field() {
        return field;
    }

    /** Human-readable reason, naming the field when there is one. */
    public String reason() {
        return reason;
    }

    /** Where the record was read. */
    public SourcePosition source() {
        return source;
    }

    /** The Kafka record timestamp (epoch ms) or {@link KafkaRecord#NO_TIMESTAMP}. */
    public long timestampMs() {
        return timestampMs;
    }

    /** A copy of the Kafka record key, or {@code null}. */
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    /** A copy of the record value as received ({@code []} for a tombstone). */
    public byte[] original() {
        return original.clone();
    }

    byte[] keyUnsafe() {
        return key;
    }

    byte[] originalUnsafe() {
        return original;
    }

    @Override
    public String toString() {
        return "ParseFailure[" + kind.wireName() + " at " + source + ": " + reason + "]";
    }
}

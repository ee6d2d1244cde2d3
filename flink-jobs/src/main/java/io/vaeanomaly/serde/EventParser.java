package io.vaeanomaly.serde;

import io.vaeanomaly.config.InputOptions;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns Kafka record values into {@link Event}s as configured by {@link InputOptions}: JSON
 * objects (nested objects addressed by dotted paths) or CSV lines. Bad data never throws: it
 * comes back as a {@link ParseFailure} whose reason names the field (unparsable, missing field,
 * non-numeric, NaN/Inf, wrong dimension).
 *
 * <p>With {@code input.feature-pattern} (or, for JSON, with neither pattern nor feature-fields:
 * every numeric field), the first valid record fixes the set and order (sorted by name) of the
 * features; later records with a different set fail as wrong-dimension. That schema is state:
 * an operator should checkpoint {@link #schema()} and restore it with
 * {@link #EventParser(InputOptions, FeatureSchema)}, and parallel instances should agree on it.
 *
 * <p>Not thread-safe: one parser per operator instance.
 */
public final class EventParser {
    private final RecordReader reader;

    /** A parser whose feature schema, if discovered, is fixed by the first valid record. */
    public EventParser(InputOptions options) {
        this(options, null);
    }

    /**
     * A parser with a previously fixed schema (restored from state), or {@code null}.
     *
     * @throws IllegalArgumentException if the schema contradicts configured feature names
     */
    public EventParser(InputOptions options, FeatureSchema fixedSchema) {
        Objects.requireNonNull(options, "options");
        this.reader = switch (options.format()) {
            case JSON -> new JsonRecordReader(options, fixedSchema);
            case CSV -> new CsvRecordReader(options, fixedSchema);
        };
    }

    /** Parses one record; never throws on bad data. */
    public ParseResult parse(KafkaRecord record) {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            return new ParseFailure(ParseFailure.Kind.UNPARSABLE, null,
                    value == null ? "record has no value (tombstone)" : "record value is empty",
                    record);
        }
        try {
            return reader.read(record);
        } catch (BadInput e) {
            return new ParseFailure(e.kind, e.field, e.getMessage(), record);
        } catch (RuntimeException e) {
            // A parser bug must not stop the stream; the record goes to the dead-letter topic.
            return new ParseFailure(ParseFailure.Kind.UNPARSABLE, null,
                    "unexpected parser error: " + e, record);
        }
    }

    /**
     * The feature names in vector order, once known: from the start for feature-fields and CSV,
     * after the first valid record for discovered features.
     */
    public Optional<FeatureSchema> schema() {
        return reader.schema();
    }

    /** The Kafka record key as text ({@code ""} when absent); invalid UTF-8 is replaced. */
    static String kafkaKey(KafkaRecord record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    static long kafkaTimestamp(KafkaRecord record) throws BadInput {
        if (!record.hasTimestamp()) {
            throw new BadInput(ParseFailure.Kind.MISSING_FIELD, null,
                    "record has no Kafka timestamp and input.event-time-field is not set");
        }
        return record.timestampMs();
    }
}

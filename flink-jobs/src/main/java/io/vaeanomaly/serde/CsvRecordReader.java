package io.vaeanomaly.serde;

import io.vaeanomaly.config.InputOptions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one CSV line per record, with columns named by {@code input.csv-columns} (records carry
 * no header). Cells may be quoted with {@code "}, doubling quotes inside; unquoted cells are
 * trimmed. The features are fixed by the configuration ({@link InputOptions#staticFeatureNames()}).
 */
final class CsvRecordReader implements RecordReader {
    private final List<String> columns;
    private final int keyColumn;
    private final int timeColumn;
    private final int[] featureColumns;
    private final FeatureSchema schema;
    private final double maxAbsValue;

    CsvRecordReader(InputOptions options, FeatureSchema fixedSchema) {
        this.maxAbsValue = options.maxAbsValue();
        this.columns = options.csvColumns();
        this.keyColumn = options.hasKeyField() ? columns.indexOf(options.keyField()) : -1;
        this.timeColumn =
                options.hasEventTimeField() ? columns.indexOf(options.eventTimeField()) : -1;
        this.schema = new FeatureSchema(options.staticFeatureNames().orElseThrow());
        if (fixedSchema != null && !fixedSchema.equals(schema)) {
            throw new IllegalArgumentException(
                    "restored schema " + fixedSchema + " differs from the configured " + schema);
        }
        this.featureColumns =
                schema.names().stream().mapToInt(columns::indexOf).toArray();
    }

    @Override
    public Optional<FeatureSchema> schema() {
        return Optional.of(schema);
    }

    @Override
    public Event read(KafkaRecord record) throws BadInput {
        List<String> cells = split(utf8(record.value()));
        if (cells.size() != columns.size()) {
            String field = cells.size() < columns.size() ? columns.get(cells.size()) : null;
            throw new BadInput(ParseFailure.Kind.WRONG_DIMENSION, field,
                    "expected " + columns.size() + " columns " + columns + " but got "
                            + cells.size() + (field == null ? "" : ": missing column '" + field
                            + "'"));
        }
        String key = keyColumn < 0 ? EventParser.kafkaKey(record) : cell(cells, keyColumn, "key");
        long time = timeColumn < 0
                ? EventParser.kafkaTimestamp(record)
                : FieldValues.eventTime(cell(cells, timeColumn, "event-time"),
                        columns.get(timeColumn));
        double[] features = new double[featureColumns.length];
        for (int i = 0; i < featureColumns.length; i++) {
            String field = columns.get(featureColumns[i]);
            features[i] = FieldValues.feature(
                    FieldValues.number(cell(cells, featureColumns[i], "feature"), field), field,
                    maxAbsValue);
        }
        return new Event(key, time, features, schema, record.position(), record.value(), false,
                false);
    }

    private String cell(List<String> cells, int column, String what) throws BadInput {
        String v = cells.get(column);
        if (v.isEmpty()) {
            String field = columns.get(column);
            throw new BadInput(ParseFailure.Kind.MISSING_FIELD, field,
                    "missing " + what + " field '" + field + "' (empty cell)");
        }
        return v;
    }

    private static String utf8(byte[] bytes) throws BadInput {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInput(ParseFailure.Kind.UNPARSABLE, null, "not valid UTF-8 text");
        }
    }

    /** Splits one line; a trailing line break is allowed, any other line break is not. */
    static List<String> split(String line) throws BadInput {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
            if (end > 0 && line.charAt(end - 1) == '\r') {
                end--;
            }
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < end && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == ',') {
                cells.add(wasQuoted ? cur.toString() : cur.toString().trim());
                cur.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cur.toString().isBlank()) {
                cur.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c == '\n' || c == '\r') {
                throw new BadInput(ParseFailure.Kind.UNPARSABLE, null,
                        "expected one CSV line but the record has several");
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new BadInput(ParseFailure.Kind.UNPARSABLE, null, "unterminated quoted cell");
        }
        cells.add(wasQuoted ? cur.toString() : cur.toString().trim());
        return cells;
    }
}

package io.vaeanomaly.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code input} section: how an event's bytes become a key, an event time and a feature
 * vector. Field names address nested JSON objects by dotted paths ({@code metrics.cpu}); for CSV
 * they are names from {@link #csvColumns()}.
 *
 * @param format record format
 * @param keyField field holding the entity key; {@code ""} = the Kafka record key
 * @param eventTimeField field holding the event time (epoch millis or ISO-8601); {@code ""} = the
 *     Kafka record timestamp
 * @param featureFields feature names in vector order; empty when {@code featurePattern} is used
 *     or when all numeric fields are features
 * @param featurePattern regex over field paths selecting the features; {@code ""} = not used.
 *     With neither fields nor pattern, JSON features are all numeric fields except key and event
 *     time, fixed (sorted by name) by the first valid record like a pattern
 * @param csvColumns header names of CSV records, which have no header line
 * @param expectedDimension required number of features; 0 = no check
 * @param acceptNumericStrings whether a JSON string holding a number ({@code "45.0"}) is taken
 *     as that number; otherwise such a feature value is a dead letter
 * @param maxAbsValue feature values with a larger magnitude are dead letters
 */
public record InputOptions(
        Format format,
        String keyField,
        String eventTimeField,
        List<String> featureFields,
        String featurePattern,
        List<String> csvColumns,
        int expectedDimension,
        boolean acceptNumericStrings,
        double maxAbsValue)
        implements Serializable {

    /** Record formats. */
    public enum Format {
        /** One JSON object per record. */
        JSON,
        /** One CSV line per record, columns named by {@code input.csv-columns}. */
        CSV
    }

    public static final ConfigOption<Format> FORMAT =
            ConfigOption.withDefault(
                    "input.format",
                    ValueTypes.oneOf(Format.class),
                    Format.JSON,
                    "Record format: one JSON object or one CSV line per Kafka record.");
    public static final ConfigOption<String> KEY_FIELD =
            ConfigOption.withDefault(
                    "input.key-field",
                    ValueTypes.string(),
                    "",
                    "Field holding the entity key (dotted path for nested JSON); \"\" = use the"
                            + " Kafka record key.");
    public static final ConfigOption<String> EVENT_TIME_FIELD =
            ConfigOption.withDefault(
                    "input.event-time-field",
                    ValueTypes.string(),
                    "",
                    "Field holding the event time, epoch milliseconds or ISO-8601; \"\" = use the"
                            + " Kafka record timestamp.");
    public static final ConfigOption<List<String>> FEATURE_FIELDS =
            ConfigOption.withDefault(
                    "input.feature-fields",
                    ValueTypes.stringList(),
                    List.of(),
                    "Feature names in vector order (dotted paths for nested JSON); with neither"
                            + " this nor input.feature-pattern, every numeric field except key"
                            + " and event time.");
    public static final ConfigOption<String> FEATURE_PATTERN =
            ConfigOption.withDefault(
                    "input.feature-pattern",
                    ValueTypes.regexOrEmpty(),
                    "",
                    "Regex over field paths selecting the features, e.g. metrics\\..*; the set and"
                            + " order (sorted by name) are fixed by the first valid record.");
    public static final ConfigOption<List<String>> CSV_COLUMNS =
            ConfigOption.withDefault(
                    "input.csv-columns",
                    ValueTypes.stringList(),
                    List.of(),
                    "Column names of CSV records (which carry no header); required for csv.");
    public static final ConfigOption<Integer> EXPECTED_DIMENSION =
            ConfigOption.withDefault(
                    "input.expected-dimension",
                    ValueTypes.nonNegativeInt(),
                    0,
                    "Number of features every event must have; 0 = no check.");

    public static final ConfigOption<Boolean> ACCEPT_NUMERIC_STRINGS =
            ConfigOption.withDefault(
                    "input.accept-numeric-strings",
                    ValueTypes.bool(),
                    false,
                    "json: take a string holding a number (\"45.0\") as that number; when false"
                            + " such a feature value is a dead letter (non_numeric).");
    public static final ConfigOption<Double> MAX_ABS_VALUE =
            ConfigOption.withDefault(
                    "input.max-abs-value",
                    ValueTypes.number().where(v -> v > 0 && v <= 1e22, "a number in (0, 1e22]"),
                    1e15,
                    "Feature values with a larger magnitude are dead letters (out_of_range): they"
                            + " would make the model's log-densities overflow.");

    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    FORMAT,
                    KEY_FIELD,
                    EVENT_TIME_FIELD,
                    FEATURE_FIELDS,
                    FEATURE_PATTERN,
                    CSV_COLUMNS,
                    EXPECTED_DIMENSION,
                    ACCEPT_NUMERIC_STRINGS,
                    MAX_ABS_VALUE);

    /** Validates every field and their combination; messages name the {@code input.*} key. */
    public InputOptions {
        FORMAT.check(format);
        KEY_FIELD.check(keyField);
        EVENT_TIME_FIELD.check(eventTimeField);
        featureFields = List.copyOf(FEATURE_FIELDS.check(featureFields));
        FEATURE_PATTERN.check(featurePattern);
        csvColumns = List.copyOf(CSV_COLUMNS.check(csvColumns));
        EXPECTED_DIMENSION.check(expectedDimension);
        ACCEPT_NUMERIC_STRINGS.check(acceptNumericStrings);
        MAX_ABS_VALUE.check(maxAbsValue);

        if (!featureFields.isEmpty() && !featurePattern.isEmpty()) {
            throw new ConfigException(
                    FEATURE_PATTERN.key(),
                    "set either input.feature-fields or input.feature-pattern, not both");
        }
        for (String f : featureFields) {
            if (f.equals(keyField) || f.equals(eventTimeField)) {
                throw new ConfigException(
                        FEATURE_FIELDS.key(),
                        "\"" + f + "\" is also the key or event-time field");
            }
        }
        if (format == Format.JSON) {
            if (!csvColumns.isEmpty()) {
                throw new ConfigException(CSV_COLUMNS.key(), "only applies to format csv");
            }
        } else {
            checkCsv(keyField, eventTimeField, featureFields, featurePattern, csvColumns);
        }
        Optional<List<String>> known =
                staticFeatureNames(format, keyField, eventTimeField, featureFields,
                        featurePattern, csvColumns);
        if (expectedDimension > 0 && known.isPresent()
                && known.get().size() != expectedDimension) {
            throw new ConfigException(
                    EXPECTED_DIMENSION.key(),
                    "is " + expectedDimension + " but the configured features are "
                            + known.get().size() + ": " + known.get());
        }
    }

    private static void checkCsv(
            String keyField,
            String eventTimeField,
            List<String> featureFields,
            String featurePattern,
            List<String> csvColumns) {
        if (csvColumns.isEmpty()) {
            throw new ConfigException(
                    CSV_COLUMNS.key(), "csv input needs the column names (records have no header)");
        }
        requireColumn(KEY_FIELD, keyField, csvColumns);
        requireColumn(EVENT_TIME_FIELD, eventTimeField, csvColumns);
        for (String f : featureFields) {
            requireColumn(FEATURE_FIELDS, f, csvColumns);
        }
        List<String> features =
                csvFeatureColumns(keyField, eventTimeField, featureFields, featurePattern,
                        csvColumns);
        if (features.isEmpty()) {
            ConfigOption<?> culprit = featurePattern.isEmpty() ? CSV_COLUMNS : FEATURE_PATTERN;
            throw new ConfigException(culprit.key(), "selects no feature column of " + csvColumns);
        }
    }

    private static void requireColumn(ConfigOption<?> option, String name, List<String> columns) {
        if (!name.isEmpty() && !columns.contains(name)) {
            throw new ConfigException(
                    option.key(), "\"" + name + "\" is not one of input.csv-columns " + columns);
        }
    }

    /** Whether the key comes from a field rather than the Kafka record key. */
    public boolean hasKeyField() {
        return !keyField.isEmpty();
    }

    /** Whether the event time comes from a field rather than the Kafka record timestamp. */
    public boolean hasEventTimeField() {
        return !eventTimeField.isEmpty();
    }

    /** The compiled feature pattern, if features are selected by pattern. */
    public Optional<Pattern> compiledFeaturePattern() {
        return featurePattern.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(
                featurePattern));
    }

    /**
     * The feature names in vector order when they are known from the configuration alone
     * (feature-fields, or any CSV setup); empty for JSON without feature-fields, where the first
     * valid record fixes them.
     */
    public Optional<List<String>> staticFeatureNames() {
        return staticFeatureNames(
                format, keyField, eventTimeField, featureFields, featurePattern, csvColumns);
    }

    private static Optional<List<String>> staticFeatureNames(
            Format format,
            String keyField,
            String eventTimeField,
            List<String> featureFields,
            String featurePattern,
            List<String> csvColumns) {
        if (format == Format.CSV) {
            return Optional.of(csvFeatureColumns(
                    keyField, eventTimeField, featureFields, featurePattern, csvColumns));
        }
        return featureFields.isEmpty() ? Optional.empty() : Optional.of(featureFields);
    }

    /**
     * CSV features: feature-fields if set; else the columns matching the pattern (sorted by
     * name, as for JSON); else every column that is neither key nor event time, in column order.
     */
    private static List<String> csvFeatureColumns(
            String keyField,
            String eventTimeField,
            List<String> featureFields,
            String featurePattern,
            List<String> csvColumns) {
        if (!featureFields.isEmpty()) {
            return featureFields;
        }
        Pattern p = featurePattern.isEmpty() ? null : Pattern.compile(featurePattern);
        List<String> out = new ArrayList<>();
        for (String c : csvColumns) {
            if (c.equals(keyField) || c.equals(eventTimeField)) {
                continue;
            }
            if (p == null || p.matcher(c).matches()) {
                out.add(c);
            }
        }
        if (p != null) {
            out.sort(null);
        }
        return List.copyOf(out);
    }

    static InputOptions from(ConfigValues v) {
        return new InputOptions(
                v.get(FORMAT),
                v.get(KEY_FIELD),
                v.get(EVENT_TIME_FIELD),
                v.get(FEATURE_FIELDS),
                v.get(FEATURE_PATTERN),
                v.get(CSV_COLUMNS),
                v.get(EXPECTED_DIMENSION),
                v.get(ACCEPT_NUMERIC_STRINGS),
                v.get(MAX_ABS_VALUE));
    }
}

package io.vaeanomaly.serde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vaeanomaly.config.InputOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one JSON object per record. Features are either named ({@code input.feature-fields},
 * dotted paths into nested objects) or discovered: the leaf paths matching
 * {@code input.feature-pattern}, or with no pattern every numeric leaf; discovered features are
 * fixed, sorted by name, by the first valid record.
 *
 * <p>This class defines the rules on a tree of the record ({@link #readTree}); records go
 * through {@link JsonFastReader} first, one streaming pass that decides the ordinary records
 * the same way and leaves every other one to the tree.
 */
final class JsonRecordReader implements RecordReader {

    /**
     * NaN/Infinity literals (which Python's json module writes) are read so they can be reported
     * as non-finite values of a named field rather than as unparsable records.
     */
    static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    /** Bound on the pattern cache, so records with ever-new field names cannot grow it forever. */
    private static final int MAX_CACHED_PATHS = 10_000;

    private final InputOptions options;
    private final String[] keyPath;
    private final String[] timePath;
    /** Named mode: paths of the features in vector order; null in discovery mode. */
    private final String[][] featurePaths;
    private final Pattern pattern;
    private final Map<String, Boolean> matches = new HashMap<>();
    private final JsonFastReader fast;
    private FeatureSchema schema;

    JsonRecordReader(InputOptions options, FeatureSchema fixedSchema) {
        this.options = options;
        this.keyPath = options.hasKeyField() ? split(options.keyField()) : null;
        this.timePath = options.hasEventTimeField() ? split(options.eventTimeField()) : null;
        this.pattern = options.compiledFeaturePattern().orElse(null);
        if (!options.featureFields().isEmpty()) {
            featurePaths = options.featureFields().stream()
                    .map(JsonRecordReader::split).toArray(String[][]::new);
            schema = new FeatureSchema(options.featureFields());
            if (fixedSchema != null && !fixedSchema.equals(schema)) {
                throw new IllegalArgumentException("restored schema " + fixedSchema
                        + " differs from input.feature-fields " + schema);
            }
        } else {
            featurePaths = null;
            schema = fixedSchema;
        }
        this.fast = new JsonFastReader(options.keyField(), options.eventTimeField(),
                featurePaths == null ? null : options.featureFields(),
                pattern == null ? null : this::patternMatches, options.maxAbsValue(),
                options.acceptNumericStrings());
    }

    private static String[] split(String path) {
        return path.split("\\.", -1);
    }

    @Override
    public Optional<FeatureSchema> schema() {
        return Optional.ofNullable(schema);
    }

    @Override
    public Event read(KafkaRecord record) throws BadInput {
        Event e = fast.read(record, schema);
        return e != null ? e : readTree(record);
    }

    /** The schema in force, or null before a discovering reader's first valid record. */
    FeatureSchema schemaForTest() {
        return schema;
    }

    /** The fast path's answer alone (tests compare it with {@link #readTree}). */
    Event fastPathForTest(KafkaRecord record) {
        return fast.read(record, schema);
    }

    /** Reads the record through a tree of it: the reference the fast path agrees with. */
    Event readTree(KafkaRecord record) throws BadInput {
        JsonNode root;
        try {
            root = MAPPER.readTree(record.value());
        } catch (JacksonException e) {
            throw new BadInput(ParseFailure.Kind.UNPARSABLE, null,
                    "not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadInput(ParseFailure.Kind.UNPARSABLE, null, "not valid JSON: " + e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInput(ParseFailure.Kind.UNPARSABLE, null,
                    "expected a JSON object but got " + (root == null
                            ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        String key = key(root, record);
        long time = eventTime(root, record);
        if (featurePaths != null) {
            return new Event(key, time, named(root), schema, record.position(), record.value(),
                    false, false);
        }
        return discovered(root, key, time, record);
    }

    // ---------------------------------------------------------------------- key and event time

    private String key(JsonNode root, KafkaRecord record) throws BadInput {
        if (keyPath == null) {
            return EventParser.kafkaKey(record);
        }
        String field = options.keyField();
        JsonNode n = lookup(root, keyPath, field);
        if (n == null || n.isNull()) {
            throw missing(field, "key field");
        }
        if (!n.isValueNode()) {
            throw new BadInput(ParseFailure.Kind.INVALID_FIELD, field,
                    "key field '" + field + "' is " + describe(n)
                            + ", expected a string or number");
        }
        return n.asText();
    }

    private long eventTime(JsonNode root, KafkaRecord record) throws BadInput {
        if (timePath == null) {
            return EventParser.kafkaTimestamp(record);
        }
        String field = options.eventTimeField();
        JsonNode n = lookup(root, timePath, field);
        if (n == null || n.isNull()) {
            throw missing(field, "event-time field");
        }
        if (n.isNumber()) {
            double ms = n.doubleValue();
            if (!Double.isFinite(ms) || Math.abs(ms) > 9.2e18) {
                throw FieldValues.badTime(field, n.asText());
            }
            return n.isIntegralNumber() ? n.longValue() : (long) Math.floor(ms);
        }
        if (n.isTextual()) {
            return FieldValues.eventTime(n.asText(), field);
        }
        throw FieldValues.badTime(field, n.toString());
    }

    // ------------------------------------------------------------------------------- features

    private double[] named(JsonNode root) throws BadInput {
        double[] out = new double[featurePaths.length];
        for (int i = 0; i < featurePaths.length; i++) {
            String field = schema.name(i);
            JsonNode n = lookup(root, featurePaths[i], field);
            if (n == null) {
                throw missing(field, "feature");
            }
            out[i] = value(n, field);
        }
        return out;
    }

    private Event discovered(JsonNode root, String key, long time, KafkaRecord record)
            throws BadInput {
        List<String> paths = new ArrayList<>();
        List<JsonNode> nodes = new ArrayList<>();
        collect(root, null, paths, nodes);
        if (schema != null) {
            return new Event(key, time, against(schema, paths, nodes), schema, record.position(),
                    record.value(), false, false);
        }
        // First valid record: it fixes the set and order (sorted by name) of the features.
        if (paths.isEmpty()) {
            throw new BadInput(ParseFailure.Kind.MISSING_FIELD, null, pattern != null
                    ? "no field matches input.feature-pattern '" + pattern + "'"
                    : "no numeric field");
        }
        Integer[] order = new Integer[paths.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> paths.get(a).compareTo(paths.get(b)));
        List<String> names = new ArrayList<>(order.length);
        double[] values = new double[order.length];
        for (int i = 0; i < order.length; i++) {
            String field = paths.get(order[i]);
            names.add(field);
            values[i] = value(nodes.get(order[i]), field);
        }
        int expected = options.expectedDimension();
        if (expected > 0 && names.size() != expected) {
            throw new BadInput(ParseFailure.Kind.WRONG_DIMENSION, names.get(0),
                    "found " + names.size() + " features " + abbreviate(names)
                            + " but input.expected-dimension is " + expected);
        }
        FeatureSchema fixed = new FeatureSchema(names);
        schema = fixed;
        return new Event(key, time, values, fixed, record.position(), record.value(), false,
                false);
    }

    /** Maps discovered fields onto the fixed schema; any difference in the set is fatal. */
    private double[] against(FeatureSchema schema, List<String> paths, List<JsonNode> nodes)
            throws BadInput {
        double[] out = new double[schema.dimension()];
        boolean[] seen = new boolean[out.length];
        BadInput firstValueProblem = null;
        for (int i = 0; i < paths.size(); i++) {
            String field = paths.get(i);
            int at = schema.indexOf(field);
            if (at < 0) {
                throw new BadInput(ParseFailure.Kind.WRONG_DIMENSION, field,
                        "unexpected feature field '" + field + "': the feature set was fixed by"
                                + " the first record as " + abbreviate(schema.names()));
            }
            seen[at] = true;
            try {
                out[at] = value(nodes.get(i), field);
            } catch (BadInput e) {
                if (firstValueProblem == null) {
                    firstValueProblem = e;
                }
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new BadInput(ParseFailure.Kind.WRONG_DIMENSION, schema.name(i),
                        "missing feature field '" + schema.name(i) + "': the feature set was"
                                + " fixed by the first record as " + abbreviate(schema.names()));
            }
        }
        if (firstValueProblem != null) {
            throw firstValueProblem;
        }
        return out;
    }

    /** Collects selected leaves depth-first; arrays are leaves, objects are descended. */
    private void collect(JsonNode obj, String prefix, List<String> paths, List<JsonNode> nodes) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix == null ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                collect(v, path, paths, nodes);
            } else if (!path.equals(options.keyField())
                    && !path.equals(options.eventTimeField())
                    && selected(path, v)) {
                paths.add(path);
                nodes.add(v);
            }
        }
    }

    private boolean selected(String path, JsonNode v) {
        return pattern == null ? v.isNumber() : patternMatches(path);
    }

    /** Whether {@code input.feature-pattern} matches the whole path (cached per path). */
    private boolean patternMatches(String path) {
        Boolean m = matches.get(path);
        if (m == null) {
            m = pattern.matcher(path).matches();
            if (matches.size() >= MAX_CACHED_PATHS) {
                matches.clear();
            }
            matches.put(path, m);
        }
        return m;
    }

    // -------------------------------------------------------------------------------- helpers

    /** Nested lookup by segments; a literal dotted name at top level is the fallback. */
    private static JsonNode lookup(JsonNode root, String[] segments, String full) {
        JsonNode n = root;
        for (String s : segments) {
            n = n.get(s);
            if (n == null) {
                break;
            }
        }
        if (n == null && segments.length > 1) {
            n = root.get(full);
        }
        return n;
    }

    private double value(JsonNode n, String field) throws BadInput {
        if (n.isNumber()) {
            return FieldValues.feature(n.doubleValue(), field, options.maxAbsValue());
        }
        if (n.isTextual()) {
            if (!options.acceptNumericStrings()) {
                // A number in a string is usually a producer bug (or a unit such as "45%"
                // nearby); taking it silently would hide that.
                throw new BadInput(ParseFailure.Kind.NON_NUMERIC, field,
                        "field '" + field + "' is a string, not a number: "
                                + FieldValues.abbreviate(n.asText())
                                + " (input.accept-numeric-strings is false)");
            }
            return FieldValues.feature(FieldValues.number(n.asText(), field), field,
                    options.maxAbsValue());
        }
        if (n.isNull()) {
            throw new BadInput(ParseFailure.Kind.NON_NUMERIC, field,
                    "field '" + field + "' is null");
        }
        throw FieldValues.nonNumeric(field, n.toString());
    }

    private static BadInput missing(String field, String what) {
        return new BadInput(ParseFailure.Kind.MISSING_FIELD, field,
                "missing " + what + " '" + field + "'");
    }

    private static String describe(JsonNode n) {
        return n.isArray() ? "an array" : n.isObject() ? "an object" : n.getNodeType().name();
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }
}

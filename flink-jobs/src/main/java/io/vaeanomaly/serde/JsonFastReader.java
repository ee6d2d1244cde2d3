package io.vaeanomaly.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The fast path of {@link JsonRecordReader}: one pass of Jackson's streaming parser over a
 * record, picking out the key, the event time and the features, with no tree built. It decides
 * only the records it can decide exactly as the tree-based reader would, and returns
 * {@code null} for every other one: any malformed or unexpected input (the tree reader then
 * reports it, with its messages), and valid but unusual records: a duplicate key at any level
 * (the tree keeps the last value), a key or event time that is not a plain string or integer,
 * a feature, key or event-time path that leads to an object or array. So for every record it
 * returns an event for, the tree reader returns an equal event, and for every other record the
 * tree reader's answer stands ({@code JsonFastReaderTest} compares the two on generated and
 * mutated records).
 *
 * <p>While it reads, it learns whether the record can be embedded in output records as it is
 * ({@link Event#originalIsVerbatimJson()}): no NaN or Infinity literal, no array (arrays are
 * skipped unread), and printable ASCII from the opening to the closing brace.
 *
 * <p>Numbers are read with Jackson's fast double parser, which gives the correctly rounded
 * value, as {@link Double#parseDouble} does. Not thread-safe.
 */
final class JsonFastReader {
    /** Configured as {@link JsonRecordReader#MAPPER}, plus the fast double parser. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    /** A key, event-time or named-feature path, matched as {@code JsonRecordReader} looks up. */
    private static final class Target {
        final String full;
        final int segments;
        /** Slot in {@link #values}: the key, the event time or a feature. */
        final int slot;

        Target(String full, int slot) {
            this.full = full;
            this.segments = full.split("\\.", -1).length;
            this.slot = slot;
        }
    }

    private static final int KEY = 0;
    private static final int TIME = 1;
    private static final int FIRST_FEATURE = 2;

    private final String keyField;
    private final String timeField;
    /** {@code input.key-field} and {@code event-time-field} as configured ("" when unset). */
    private final String keyOption;
    private final String timeOption;
    private final double maxAbsValue;
    private final boolean acceptNumericStrings;
    /** Named mode: the features' names; null in discovery mode. */
    private final List<String> named;
    private final Predicate<String> patternMatches;
    private final Map<String, Target[]> targets = new HashMap<>();

    // Per record. A slot is found nested (the path's segments, one object per segment) or
    // literally (a top-level key holding the whole dotted path); nested wins, as in the lookup
    // of the tree reader.
    private final int slots;
    private final boolean[] nestedFound;
    private final boolean[] literalFound;
    private final double[] nestedNumber;
    private final double[] literalNumber;
    private final String[] nestedText = new String[FIRST_FEATURE];
    private final String[] literalText = new String[FIRST_FEATURE];
    private final long[] nestedLong = new long[FIRST_FEATURE];
    private final long[] literalLong = new long[FIRST_FEATURE];
    /** Discovery mode: features by schema index. */
    private double[] discovered;
    private boolean[] seen;
    private FeatureSchema schema;
    private boolean verbatim;
    private final List<NameSet> names = new ArrayList<>();

    /**
     * @param keyOption {@code input.key-field} ("" = the Kafka key)
     * @param timeOption {@code input.event-time-field} ("" = the Kafka timestamp)
     * @param named the feature names of named mode (dotted paths), or null for discovery
     * @param patternMatches discovery: whether a path is a feature ({@code input.feature-pattern}),
     *     or null to take every numeric field
     */
    JsonFastReader(String keyOption, String timeOption, List<String> named,
            Predicate<String> patternMatches, double maxAbsValue, boolean acceptNumericStrings) {
        this.keyOption = keyOption;
        this.timeOption = timeOption;
        this.keyField = keyOption.isEmpty() ? null : keyOption;
        this.timeField = timeOption.isEmpty() ? null : timeOption;
        this.named = named;
        this.patternMatches = patternMatches;
        this.maxAbsValue = maxAbsValue;
        this.acceptNumericStrings = acceptNumericStrings;
        if (keyField != null) {
            addTarget(new Target(keyField, KEY));
        }
        if (timeField != null) {
            addTarget(new Target(timeField, TIME));
        }
        int n = FIRST_FEATURE;
        if (named != null) {
            for (String f : named) {
                addTarget(new Target(f, n++));
            }
        }
        slots = n;
        nestedFound = new boolean[n];
        literalFound = new boolean[n];
        nestedNumber = new double[n];
        literalNumber = new double[n];
    }

    private void addTarget(Target t) {
        Target[] old = targets.get(t.full);
        Target[] now = old == null ? new Target[] {t} : Arrays.copyOf(old, old.length + 1);
        now[now.length - 1] = t;
        targets.put(t.full, now);
    }

    /**
     * The record's key, event time and features, or null to let the tree reader decide.
     *
     * @param currentSchema the reader's schema: the named features, or the discovered ones
     *     (null before the first valid record, which the tree reader takes)
     */
    Event read(KafkaRecord record, FeatureSchema currentSchema) {
        if (currentSchema == null) {
            return null; // the first record fixes the schema: the tree reader's job
        }
        Arrays.fill(nestedFound, false);
        Arrays.fill(literalFound, false);
        if (named == null) {
            if (schema != currentSchema) {
                schema = currentSchema;
                discovered = new double[schema.dimension()];
                seen = new boolean[schema.dimension()];
            }
            Arrays.fill(seen, false);
        }
        byte[] value = record.value();
        if (value.length >= FACTORY.streamReadConstraints().getMaxStringLength()) {
            // Strings that are skipped unread escape the string-length limit the tree
            // reader enforces; no string can reach it in a shorter record.
            return null;
        }
        verbatim = printableAsciiObject(value);
        try (JsonParser p = FACTORY.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !object(p, null, 1)
                    || p.nextToken() != null) {
                return null;
            }
            return event(record, currentSchema);
        } catch (IOException | BadInput | RuntimeException e) {
            return null; // the tree reader says what is wrong
        }
    }

    /** Reads an object's fields after its START_OBJECT; false when the tree must decide. */
    private boolean object(JsonParser p, String prefix, int depth)
            throws IOException, BadInput {
        NameSet seenNames = names(depth);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!seenNames.add(name)) {
                return false; // a duplicate key: the tree keeps the last value
            }
            String path = prefix == null ? name : prefix + "." + name;
            JsonToken v = p.nextToken();
            Target[] ts = targets.get(path);
            if (v == JsonToken.START_OBJECT) {
                if (ts != null && matches(ts, depth) || !object(p, path, depth + 1)) {
                    return false;
                }
                continue;
            }
            if (v == JsonToken.START_ARRAY) {
                if (ts != null && matches(ts, depth)
                        || named == null && patternMatches != null && !excluded(path)
                                && patternMatches.test(path)) {
                    return false; // an array where a value belongs: the tree reports it
                }
                verbatim = false; // not read, so not checked
                p.skipChildren();
                continue;
            }
            if (v == JsonToken.VALUE_NUMBER_FLOAT && p.isNaN()) {
                verbatim = false;
            }
            if (ts != null) {
                for (Target target : ts) {
                    if (depth == target.segments) {
                        if (!scalar(p, v, target.slot, true)) {
                            return false;
                        }
                    } else if (depth == 1) {
                        if (!scalar(p, v, target.slot, false)) {
                            return false;
                        }
                    }
                }
            }
            if (named == null && !excluded(path) && (patternMatches == null
                    ? v.isNumeric() : patternMatches.test(path))) {
                int at = schema.indexOf(path);
                if (at < 0 || seen[at]) {
                    return false; // unexpected, or the same path nested and literally
                }
                seen[at] = true;
                discovered[at] = feature(p, v, path);
            }
        }
        return t == JsonToken.END_OBJECT;
    }

    private static boolean matches(Target[] ts, int depth) {
        for (Target t : ts) {
            if (depth == t.segments || depth == 1) {
                return true;
            }
        }
        return false;
    }

    /** As the tree reader: the key and event-time fields are never features. */
    private boolean excluded(String path) {
        return path.equals(keyOption) || path.equals(timeOption);
    }

    /** Keeps a scalar found at a target; false for values the tree reader handles. */
    private boolean scalar(JsonParser p, JsonToken v, int slot, boolean nested)
            throws IOException, BadInput {
        boolean[] found = nested ? nestedFound : literalFound;
        if (found[slot]) {
            return false;
        }
        found[slot] = true;
        if (slot >= FIRST_FEATURE) {
            double[] numbers = nested ? nestedNumber : literalNumber;
            numbers[slot] = feature(p, v, named.get(slot - FIRST_FEATURE));
            return true;
        }
        // The key or the event time: a string, or an integer (as the tree's IntNode and
        // LongNode give it); anything else is for the tree reader.
        String[] texts = nested ? nestedText : literalText;
        if (v == JsonToken.VALUE_STRING) {
            texts[slot] = p.getText();
            return true;
        }
        if (v == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                texts[slot] = null;
                (nested ? nestedLong : literalLong)[slot] = p.getLongValue();
                return true;
            }
        }
        return false;
    }

    /** A feature value as the tree reader's {@code value()} takes it; throws what it throws. */
    private double feature(JsonParser p, JsonToken v, String field)
            throws IOException, BadInput {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return FieldValues.feature(p.getDoubleValue(), field, maxAbsValue);
        }
        if (v == JsonToken.VALUE_STRING && acceptNumericStrings) {
            return FieldValues.feature(FieldValues.number(p.getText(), field), field,
                    maxAbsValue);
        }
        throw new BadInput(ParseFailure.Kind.NON_NUMERIC, field, "(decided by the tree)");
    }

    private Event event(KafkaRecord record, FeatureSchema currentSchema) throws BadInput {
        String key;
        if (keyField == null) {
            key = EventParser.kafkaKey(record);
        } else {
            int from = source(KEY);
            if (from == 0) {
                return null;
            }
            String text = (from > 0 ? nestedText : literalText)[KEY];
            key = text != null ? text : Long.toString((from > 0 ? nestedLong : literalLong)[KEY]);
        }
        long time;
        if (timeField == null) {
            time = EventParser.kafkaTimestamp(record);
        } else {
            int from = source(TIME);
            if (from == 0) {
                return null;
            }
            String text = (from > 0 ? nestedText : literalText)[TIME];
            if (text != null) {
                time = FieldValues.eventTime(text, timeField);
            } else {
                long ms = (from > 0 ? nestedLong : literalLong)[TIME];
                if (Math.abs((double) ms) > 9.2e18) {
                    return null;
                }
                time = ms;
            }
        }
        double[] features;
        if (named != null) {
            features = new double[named.size()];
            for (int i = 0; i < features.length; i++) {
                int from = source(FIRST_FEATURE + i);
                if (from == 0) {
                    return null;
                }
                features[i] = (from > 0 ? nestedNumber : literalNumber)[FIRST_FEATURE + i];
            }
        } else {
            for (boolean b : seen) {
                if (!b) {
                    return null;
                }
            }
            features = discovered.clone();
        }
        return new Event(key, time, features, currentSchema, record.position(), record.value(),
                verbatim, false);
    }

    /** 1 if the slot was found nested, -1 if only literally, 0 if not at all. */
    private int source(int slot) {
        return nestedFound[slot] ? 1 : literalFound[slot] ? -1 : 0;
    }

    /** Printable ASCII (no control characters, no line breaks) from '{' to '}'. */
    static boolean printableAsciiObject(byte[] v) {
        if (v.length < 2 || v[0] != '{' || v[v.length - 1] != '}') {
            return false;
        }
        int outside = 0;
        for (byte b : v) {
            // Negative iff b < 0x20 or b > 0x7E (bytes >= 0x80 are negative in Java).
            outside |= (b - 0x20) | (0x7E - b);
        }
        return outside >= 0;
    }

    private NameSet names(int depth) {
        while (names.size() < depth) {
            names.add(new NameSet());
        }
        NameSet set = names.get(depth - 1);
        set.clear();
        return set;
    }

    /**
     * Field names of one object: an open-addressing set reused from record to record (cleared
     * by bumping a generation), so that the duplicate check allocates nothing. Jackson hands out
     * canonical name strings with their hash cached.
     */
    static final class NameSet {
        private String[] keys = new String[64];
        private int[] stamps = new int[64];
        private int generation = 1;
        private int size;

        void clear() {
            generation++;
            size = 0;
            if (generation == Integer.MAX_VALUE) {
                Arrays.fill(stamps, 0);
                generation = 1;
            }
        }

        /** Adds {@code name}; false if it was there. */
        boolean add(String name) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = mix(name.hashCode()) & mask;
            while (stamps[i] == generation) {
                String k = keys[i];
                if (k == name || k.equals(name)) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            stamps[i] = generation;
            keys[i] = name;
            size++;
            return true;
        }

        private void grow() {
            String[] oldKeys = keys;
            int[] oldStamps = stamps;
            int oldGeneration = generation;
            keys = new String[oldKeys.length * 2];
            stamps = new int[oldKeys.length * 2];
            generation = 1;
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldStamps[i] == oldGeneration) {
                    add(oldKeys[i]);
                }
            }
        }

        private static int mix(int h) {
            return h ^ (h >>> 16);
        }
    }
}

package io.vaeanomaly.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The value types that options use. Conversions accept both typed YAML nodes (a YAML number for
 * an integer option) and text (every {@code --set key=value} override arrives as text), so
 * {@code epochs: 60} and {@code --set training.epochs=60} mean the same.
 */
public final class ValueTypes {
    private ValueTypes() {}

    /** Kafka's legal topic characters; the length limit is checked separately. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");

    private static final int MAX_TOPIC_LENGTH = 249;

    /** Any scalar, as text. */
    public static ValueType<String> string() {
        return new ValueType<>("a string", ValueTypes::scalarText);
    }

    /** A scalar with at least one non-blank character. */
    public static ValueType<String> nonEmptyString() {
        return string().where(s -> !s.isBlank(), "a non-empty string");
    }

    /** A legal Kafka topic name. */
    public static ValueType<String> topic() {
        return string().where(ValueTypes::isTopicName, "a Kafka topic name ([a-zA-Z0-9._-]+)");
    }

    /** A legal Kafka topic name, or the empty string meaning "off". */
    public static ValueType<String> optionalTopic() {
        return string()
                .where(
                        s -> s.isEmpty() || isTopicName(s),
                        "a Kafka topic name ([a-zA-Z0-9._-]+) or \"\" for off");
    }

    /** A whole number in the {@code int} range. */
    public static ValueType<Integer> integer() {
        return new ValueType<>("an integer", ValueTypes::toInt);
    }

    /** An integer {@code > 0}. */
    public static ValueType<Integer> positiveInt() {
        return integer().where(v -> v > 0, "a positive integer");
    }

    /** An integer {@code >= 0}. */
    public static ValueType<Integer> nonNegativeInt() {
        return integer().where(v -> v >= 0, "a non-negative integer");
    }

    /** A finite number. */
    public static ValueType<Double> number() {
        return new ValueType<>("a number", ValueTypes::toDouble);
    }

    /** A number {@code > 0}. */
    public static ValueType<Double> positiveNumber() {
        return number().where(v -> v > 0, "a positive number");
    }

    /** A number {@code >= 0}. */
    public static ValueType<Double> nonNegativeNumber() {
        return number().where(v -> v >= 0, "a non-negative number");
    }

    /** A number in the open interval {@code (lo, hi)}. */
    public static ValueType<Double> openInterval(double lo, double hi) {
        return number().where(v -> v > lo && v < hi, "a number in (" + lo + ", " + hi + ")");
    }

    /** {@code true} or {@code false}. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>("true or false", ValueTypes::toBoolean);
    }

    /** A duration ({@link Durations} forms), {@code >= 0}. */
    public static ValueType<Duration> duration() {
        return new ValueType<>(
                "a duration such as 10s, 5m or 1h",
                n -> {
                    try {
                        Duration d = Durations.parse(scalarText(n));
                        if (d.isNegative()) {
                            throw new ValueType.Mismatch();
                        }
                        return d;
                    } catch (IllegalArgumentException e) {
                        throw new ValueType.Mismatch();
                    }
                });
    }

    /** A duration {@code > 0}. */
    public static ValueType<Duration> positiveDuration() {
        return duration().where(d -> !d.isZero(), "a positive duration such as 10s, 5m or 1h");
    }

    /**
     * One of the constants of {@code type}, spelt in kebab case ({@code EXACTLY_ONCE} is
     * {@code exactly-once}); case-insensitive, and {@code _} is accepted for {@code -}.
     */
    public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String names =
                Arrays.stream(constants).map(ValueTypes::kebab).collect(Collectors.joining(", "));
        return new ValueType<>(
                "one of [" + names + "]",
                n -> {
                    String text = scalarText(n).trim().toLowerCase(Locale.ROOT).replace('_', '-');
                    for (E c : constants) {
                        if (kebab(c).equals(text)) {
                            return c;
                        }
                    }
                    throw new ValueType.Mismatch();
                });
    }

    /** The kebab-case config spelling of an enum constant. */
    public static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * A list of positive integers: a YAML sequence, {@code [64, 64]}, or comma-separated text
     * {@code 64,64}. May be empty.
     */
    public static ValueType<List<Integer>> positiveIntList() {
        return new ValueType<List<Integer>>(
                        "a list of positive integers such as [64, 64]",
                        n -> listOf(n, ValueTypes::toInt))
                .where(
                        l -> l.stream().allMatch(v -> v > 0),
                        "a list of positive integers such as [64, 64]");
    }

    /** A list of non-blank strings (YAML sequence or comma-separated text). May be empty. */
    public static ValueType<List<String>> stringList() {
        return new ValueType<List<String>>(
                        "a list of names such as [a, b]", n -> listOf(n, ValueTypes::scalarText))
                .where(
                        l -> l.stream().noneMatch(String::isBlank)
                                && new HashSet<>(l).size() == l.size(),
                        "a list of distinct, non-empty names such as [a, b]");
    }

    /** A mapping from names to scalars, kept as text; nested mappings are not allowed. */
    public static ValueType<Map<String, String>> stringMap() {
        return new ValueType<>(
                "a mapping of names to scalar values",
                n -> {
                    if (!n.isObject()) {
                        throw new ValueType.Mismatch();
                    }
                    Map<String, String> out = new LinkedHashMap<>();
                    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
                    while (it.hasNext()) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getValue().isNull()) {
                            continue;
                        }
                        out.put(e.getKey(), scalarText(e.getValue()));
                    }
                    return out;
                }).asMapping();
    }

    /** A Java regular expression (kept as text), or {@code ""} for "not set". */
    public static ValueType<String> regexOrEmpty() {
        return new ValueType<>(
                "a valid regular expression",
                n -> {
                    String text = scalarText(n);
                    try {
                        Pattern.compile(text);
                    } catch (PatternSyntaxException e) {
                        throw new ValueType.Mismatch(e.getDescription() + " near index "
                                + e.getIndex());
                    }
                    return text;
                });
    }

    // ----------------------------------------------------------------------------- conversions

    private static boolean isTopicName(String s) {
        return s.length() <= MAX_TOPIC_LENGTH
                && TOPIC.matcher(s).matches()
                && !s.equals(".")
                && !s.equals("..");
    }

    /** Scalars as text; sequences, mappings and null are mismatches. */
    static String scalarText(JsonNode n) {
        if (n.isValueNode() && !n.isNull()) {
            return n.asText();
        }
        throw new ValueType.Mismatch();
    }

    private static int toInt(JsonNode n) {
        if (n.isIntegralNumber()) {
            if (!n.canConvertToInt()) {
                throw new ValueType.Mismatch();
            }
            return n.intValue();
        }
        if (n.isFloatingPointNumber()) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
            throw new ValueType.Mismatch();
        }
        if (n.isTextual()) {
            // Overrides arrive as text; YAML 1.1 digit separators (100_000) are allowed.
            try {
                return Integer.parseInt(n.asText().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ValueType.Mismatch();
            }
        }
        throw new ValueType.Mismatch();
    }

    private static double toDouble(JsonNode n) {
        double d;
        if (n.isNumber()) {
            d = n.doubleValue();
        } else if (n.isTextual()) {
            String t = n.asText().trim().replace("_", "");
            try {
                d = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new ValueType.Mismatch();
            }
        } else {
            throw new ValueType.Mismatch();
        }
        if (!Double.isFinite(d)) {
            throw new ValueType.Mismatch();
        }
        return d;
    }

    private static boolean toBoolean(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            String t = n.asText().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return true;
            } else if (t.equals("false")) {
                return false;
            }
        }
        throw new ValueType.Mismatch();
    }

    private static <T> List<T> listOf(JsonNode n, Function<JsonNode, T> item) {
        List<T> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) {
                out.add(item.apply(e));
            }
        } else if (n.isTextual()) {
            String text = n.asText().trim();
            if (!text.isEmpty()) {
                for (String part : text.split(",", -1)) {
                    out.add(item.apply(TextNode.valueOf(part.trim())));
                }
            }
        } else {
            throw new ValueType.Mismatch();
        }
        return List.copyOf(out);
    }
}

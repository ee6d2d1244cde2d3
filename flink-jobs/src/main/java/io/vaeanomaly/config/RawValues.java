package io.vaeanomaly.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/** Renders values for error messages: text quoted, everything else as compact JSON. */
final class RawValues {
    private RawValues() {}

    private static final int MAX = 80;

    static String render(JsonNode n) {
        String s = n.isTextual() ? quote(n.asText()) : n.toString();
        return truncate(s);
    }

    static String renderJava(Object v) {
        String s;
        if (v instanceof String str) {
            s = quote(str);
        } else if (v instanceof Duration d) {
            s = Durations.format(d);
        } else if (v instanceof Enum<?> e) {
            s = ValueTypes.kebab(e);
        } else if (v instanceof Collection<?> c) {
            s = c.stream().map(RawValues::renderJava).collect(Collectors.joining(", ", "[", "]"));
        } else {
            s = String.valueOf(v);
        }
        return truncate(s);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String truncate(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "...";
    }
}

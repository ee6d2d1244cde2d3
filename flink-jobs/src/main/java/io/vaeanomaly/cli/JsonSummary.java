package io.vaeanomaly.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.Map;

/** Prints the one-line JSON summary that {@code --json} promises as the last stdout line. */
public final class JsonSummary {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private JsonSummary() {}

    /** Serialises {@code summary} (a map, record or bean) on one line to {@code out}. */
    public static void print(PrintStream out, Object summary) {
        out.println(toJson(summary));
        out.flush();
    }

    /** One-line JSON text of {@code summary}. Non-finite doubles become null. */
    public static String toJson(Object summary) {
        try {
            return MAPPER.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise summary", e);
        }
    }

    /** Rounds for readable output while keeping JSON numbers (NaN/Inf become null). */
    public static Object round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Convenience for building ordered maps. */
    public static Map<String, Object> ordered() {
        return new java.util.LinkedHashMap<>();
    }
}

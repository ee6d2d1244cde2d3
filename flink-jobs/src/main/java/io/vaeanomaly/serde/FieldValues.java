package io.vaeanomaly.serde;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Conversions of field text shared by the JSON and CSV readers. */
final class FieldValues {
    private FieldValues() {}

    /**
     * A feature value from text: a decimal number ({@code 1}, {@code -2.5}, {@code 1e-3}), or
     * {@code NaN} / {@code Infinity} (which the caller rejects as non-finite). Stricter than
     * {@link Double#parseDouble}, which would also take {@code 1d} or hexadecimal.
     */
    static double number(String text, String field) throws BadInput {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new BadInput(ParseFailure.Kind.MISSING_FIELD, field,
                    "field '" + field + "' is empty");
        }
        switch (t) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
            case "+Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e'
                    || c == 'E';
            if (!ok) {
                throw nonNumeric(field, t);
            }
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw nonNumeric(field, t);
        }
    }

    static BadInput nonNumeric(String field, String shown) {
        return new BadInput(ParseFailure.Kind.NON_NUMERIC, field,
                "field '" + field + "' is not numeric: " + abbreviate(shown));
    }

    static double finite(double v, String field) throws BadInput {
        if (!Double.isFinite(v)) {
            throw new BadInput(ParseFailure.Kind.NON_FINITE, field,
                    "field '" + field + "' is not finite: " + v);
        }
        return v;
    }

    /**
     * A usable feature value: finite, and with a magnitude of at most {@code maxAbs}
     * ({@code input.max-abs-value}); larger values make the model's log-densities overflow.
     */
    static double feature(double v, String field, double maxAbs) throws BadInput {
        finite(v, field);
        if (Math.abs(v) > maxAbs) {
            throw new BadInput(ParseFailure.Kind.OUT_OF_RANGE, field,
                    "field '" + field + "' is out of range: " + v + " exceeds"
                            + " input.max-abs-value (" + maxAbs + ") in magnitude");
        }
        return v;
    }

    /**
     * An event time from text: epoch milliseconds, or ISO-8601 ({@code 2024-05-01T12:00:00Z},
     * with an offset, or without zone meaning UTC).
     */
    static long eventTime(String text, String field) throws BadInput {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new BadInput(ParseFailure.Kind.MISSING_FIELD, field,
                    "event-time field '" + field + "' is empty");
        }
        if (isInteger(t)) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw badTime(field, t);
            }
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw badTime(field, t);
        }
    }

    static BadInput badTime(String field, String shown) {
        return new BadInput(ParseFailure.Kind.INVALID_FIELD, field,
                "event-time field '" + field + "' is not epoch milliseconds or an ISO-8601"
                        + " timestamp: " + abbreviate(shown));
    }

    private static boolean isInteger(String t) {
        int start = t.charAt(0) == '-' ? 1 : 0;
        if (start == t.length()) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Quoted and cut to a readable length, for reasons. */
    static String abbreviate(String s) {
        String cut = s.length() <= 60 ? s : s.substring(0, 60) + "...";
        return '"' + cut + '"';
    }
}

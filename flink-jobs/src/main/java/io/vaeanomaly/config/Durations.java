package io.vaeanomaly.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses and formats human durations: a non-negative integer followed by a unit, {@code ms},
 * {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 2d}), a bare {@code 0}, or an ISO-8601 duration such as {@code PT1M30S}.
 */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException if it is not a duration in one of the accepted forms
     */
    public static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration: " + text);
            }
        }
        int unitStart = 0;
        while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart == s.length()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, unitStart));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration out of range: " + text);
        }
        String unit = s.substring(unitStart).trim();
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m", "min" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown duration unit: " + text);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: " + text);
        }
    }

    /** Formats with the largest unit that is exact: {@code 15m}, {@code 90s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        } else if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        } else if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        } else if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}

package io.vaeanomaly.eval.nab;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Parses NAB timestamps. Data files write {@code 2014-07-01 00:00:00} while
 * {@code combined_windows.json} writes {@code 2014-07-01 00:00:00.000000}; NAB compares them as
 * parsed date-times, so this parser accepts an optional fraction (and an ISO {@code T}).
 */
final class NabTimestamps {
    private static final DateTimeFormatter FORMAT =
            new DateTimeFormatterBuilder()
                    .appendPattern("uuuu-MM-dd HH:mm:ss")
                    .optionalStart()
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .toFormatter()
                    .withResolverStyle(ResolverStyle.STRICT);

    private NabTimestamps() {}

    /** The parsed time, or {@code null} when {@code text} is not a NAB timestamp. */
    static LocalDateTime parseOrNull(String text) {
        String s = text.trim();
        if (s.length() > 10 && s.charAt(10) == 'T') {
            s = s.substring(0, 10) + ' ' + s.substring(11);
        }
        try {
            return LocalDateTime.parse(s, FORMAT);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

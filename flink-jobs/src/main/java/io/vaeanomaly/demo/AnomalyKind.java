package io.vaeanomaly.demo;

import java.util.Locale;

/** The kinds of anomaly {@link MetricsGenerator} injects; the label is the JSON value. */
public enum AnomalyKind {
    /** One to three ticks in which one to three metrics jump far above their range. */
    SPIKE,
    /** One or two metrics move to a new level for a while (e.g. a slow dependency). */
    LEVEL_SHIFT,
    /** One metric of a correlated group stops following the shared load. */
    BROKEN_CORRELATION,
    /** One metric flat-lines at a constant 0 (dead exporter or sensor) for a while. */
    STUCK;

    /** Lower-case label as written in {@code injected_anomaly}, e.g. {@code level_shift}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #label()}; throws IllegalArgumentException naming the bad label. */
    public static AnomalyKind fromLabel(String label) {
        for (AnomalyKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown anomaly label '" + label + "'");
    }
}

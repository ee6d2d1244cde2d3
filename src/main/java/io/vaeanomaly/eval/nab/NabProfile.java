package io.vaeanomaly.eval.nab;

/**
 * A NAB application profile: the cost-matrix weights of true positives, false positives and
 * false negatives.
 *
 * @param name profile name, e.g. {@code standard}
 * @param tpWeight weight of a detected window (score of an earliest-possible detection)
 * @param fpWeight weight of a false-positive row
 * @param fnWeight penalty of a missed window
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    /** Validates the name and that all weights are finite and positive. */
    public NabProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        check("tpWeight", tpWeight);
        check("fpWeight", fpWeight);
        check("fnWeight", fnWeight);
    }

    private static void check(String field, double v) {
        if (!Double.isFinite(v) || v <= 0) {
            throw new IllegalArgumentException(field + " must be finite and > 0, got " + v);
        }
    }
}

package io.vaeanomaly.eval.baseline;

/** Small dense-matrix helpers for the baselines (d is tens, so plain loops are fine). */
final class Matrices {
    private Matrices() {}

    /** Width of a non-empty rectangular matrix; rejects ragged, empty or non-finite input. */
    static int checkRectangular(double[][] m, String name) {
        if (m.length == 0) {
            throw new IllegalArgumentException(name + " has no rows");
        }
        int d = m[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(name + " has no columns");
        }
        for (int i = 0; i < m.length; i++) {
            if (m[i].length != d) {
                throw new IllegalArgumentException(
                        name + " row " + i + " has " + m[i].length + " columns, expected " + d);
            }
            for (double v : m[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + " row " + i + " has value " + v);
                }
            }
        }
        return d;
    }
}

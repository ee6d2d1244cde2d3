package io.vaeanomaly.eval.nab;

/**
 * One labelled anomaly window of a data file as an inclusive range of row indices (0-based rows
 * after the header).
 *
 * @param start index of the first row in the window
 * @param end index of the last row in the window (inclusive)
 */
public record NabWindow(int start, int end) {

    /** Validates that the range is non-empty and non-negative. */
    public NabWindow {
        if (start < 0) {
            throw new IllegalArgumentException("start must be >= 0, got " + start);
        }
        if (end < start) {
            throw new IllegalArgumentException(
                    "end (" + end + ") must be >= start (" + start + ")");
        }
    }

    /** Number of rows in the window. */
    public int width() {
        return end - start + 1;
    }

    /** Whether {@code row} lies inside the window. */
    public boolean contains(int row) {
        return row >= start && row <= end;
    }
}

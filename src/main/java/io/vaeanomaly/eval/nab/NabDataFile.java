package io.vaeanomaly.eval.nab;

import java.util.Arrays;
import java.util.List;

/**
 * One NAB data file: its rows (timestamp text and value) and its label windows as row ranges.
 * Immutable.
 */
public final class NabDataFile {
    /** NAB's probationary fraction: the first 15% of each file are not scored. */
    public static final double PROBATION_PERCENT = 0.15;

    private final String relativePath;
    private final List<String> timestamps;
    private final double[] values;
    private final String[] valueText;
    private final List<NabWindow> windows;

    /**
     * A data file built in code (tests, synthetic corpora).
     *
     * @param relativePath path below the corpus {@code data/} directory,
     *     {@code category/name.csv}
     * @param timestamps the timestamp text of each row
     * @param values the value of each row (same length as {@code timestamps})
     * @param windows label windows, ordered and non-overlapping, inside the rows
     */
    public NabDataFile(String relativePath, List<String> timestamps, double[] values,
            List<NabWindow> windows) {
        this(relativePath, timestamps, values, null, windows);
    }

    NabDataFile(
            String relativePath,
            List<String> timestamps,
            double[] values,
            String[] valueText,
            List<NabWindow> windows) {
        if (relativePath == null || relativePath.indexOf('/') <= 0
                || relativePath.endsWith("/")) {
            throw new IllegalArgumentException(
                    "relativePath must look like 'category/name.csv', got '" + relativePath + "'");
        }
        if (timestamps.isEmpty()) {
            throw new IllegalArgumentException(relativePath + ": timestamps must not be empty");
        }
        if (values.length != timestamps.size()) {
            throw new IllegalArgumentException(
                    relativePath + ": values has " + values.length + " rows but timestamps has "
                            + timestamps.size());
        }
        int prevEnd = -1;
        for (NabWindow w : windows) {
            if (w.start() <= prevEnd) {
                throw new IllegalArgumentException(
                        relativePath + ": windows must be ordered and non-overlapping, got "
                                + windows);
            }
            if (w.end() >= timestamps.size()) {
                throw new IllegalArgumentException(
                        relativePath + ": window " + w + " ends after the last row "
                                + (timestamps.size() - 1));
            }
            prevEnd = w.end();
        }
        this.relativePath = relativePath;
        this.timestamps = List.copyOf(timestamps);
        this.values = values.clone();
        this.valueText = valueText == null ? null : valueText.clone();
        this.windows = List.copyOf(windows);
    }

    /** Path below the corpus data directory, e.g. {@code realKnownCause/nyc_taxi.csv}. */
    public String relativePath() {
        return relativePath;
    }

    /** The category directory, e.g. {@code realKnownCause}. */
    public String category() {
        return relativePath.substring(0, relativePath.lastIndexOf('/'));
    }

    /** The file name, e.g. {@code nyc_taxi.csv}. */
    public String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    /** Number of data rows. */
    public int rows() {
        return timestamps.size();
    }

    /** Timestamp text of each row, as written in the data file. */
    public List<String> timestamps() {
        return timestamps;
    }

    /** A copy of the row values. */
    public double[] values() {
        return values.clone();
    }

    /** Value text of row {@code i} as written in the data file (or the double's text). */
    public String valueText(int i) {
        return valueText != null ? valueText[i] : Double.toString(values[i]);
    }

    /** Label windows, ordered by row. */
    public List<NabWindow> windows() {
        return windows;
    }

    /** Whether row {@code i} lies inside a label window (NAB's {@code label} column). */
    public boolean inWindow(int i) {
        for (NabWindow w : windows) {
            if (w.contains(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Number of leading rows in the probationary period: NAB ignores rows with index below
     * {@code min(floor(0.15 * rows), 0.15 * 5000)}.
     */
    public int probationaryRows() {
        return probationaryRows(rows());
    }

    /** {@link #probationaryRows()} for a file of {@code rows} rows. */
    public static int probationaryRows(int rows) {
        // Same floating expression as NAB's getProbationPeriod; rows with index < limit are out.
        double limit = Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
        return (int) Math.ceil(limit);
    }

    @Override
    public String toString() {
        return "NabDataFile[" + relativePath + ", rows=" + rows() + ", windows="
                + Arrays.toString(windows.toArray()) + "]";
    }
}

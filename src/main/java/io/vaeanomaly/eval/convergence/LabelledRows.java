package io.vaeanomaly.eval.convergence;

/**
 * Labelled rows for the optional downstream check: raw rows in the same feature layout as the
 * training rows, and a label per row ({@code true} = anomalous).
 *
 * @param rows raw (unnormalised) rows
 * @param labels one label per row
 */
public record LabelledRows(double[][] rows, boolean[] labels) {
    public LabelledRows {
        if (rows.length != labels.length) {
            throw new IllegalArgumentException(
                    "labels: " + labels.length + " labels for " + rows.length + " rows");
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows: must not be empty");
        }
    }
}

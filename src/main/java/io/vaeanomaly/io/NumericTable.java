package io.vaeanomaly.io;

import java.util.List;

/**
 * A header plus rows of finite doubles, as read from a CSV file.
 *
 * @param columns the selected column names, in order
 * @param rows one array per data row, each of length {@code columns.size()}
 * @param extra values of non-selected columns kept as text (for example a timestamp), same row
 *     order; empty lists when none were requested
 */
public record NumericTable(List<String> columns, List<double[]> rows, List<String[]> extra) {
    /** Number of data rows. */
    public int size() {
        return rows.size();
    }

    /** Number of selected columns. */
    public int dimension() {
        return columns.size();
    }

    /** The rows as a dense {@code [n][d]} array. */
    public double[][] toMatrix() {
        return rows.toArray(new double[0][]);
    }
}

package io.vaeanomaly.eval.telemanom;

import java.util.List;

/**
 * One telemetry channel of a telemanom-format data set (SMAP, MSL).
 *
 * @param name channel id, e.g. {@code "A-1"}
 * @param columns column names shared by train and test ({@code value, cmd1..cmd24})
 * @param train training rows {@code [n_train][d]}
 * @param test test rows {@code [n_test][d]}
 * @param testLabels {@code true} for test rows inside a labelled anomaly sequence
 * @param anomalySequences the labelled sequences as {@code [start, end]}, inclusive, 0-based
 */
public record TelemanomChannel(
        String name,
        List<String> columns,
        double[][] train,
        double[][] test,
        boolean[] testLabels,
        List<int[]> anomalySequences) {

    /** Number of anomalous test rows. */
    public int anomalousTestRows() {
        int n = 0;
        for (boolean b : testLabels) {
            n += b ? 1 : 0;
        }
        return n;
    }
}

package io.vaeanomaly.eval.baseline;

/**
 * An unsupervised anomaly scorer for multivariate time steps, fitted on normal-ish training rows
 * and applied to test rows. Rows are {@code [n][d]} with the same {@code d} for fit and score.
 */
public interface AnomalyScorer {
    /** Learns from {@code train}, replacing anything learned before. */
    void fit(double[][] train);

    /**
     * One score per row of {@code test}; higher means more anomalous. Must be called after {@link
     * #fit}; never returns NaN.
     */
    double[] score(double[][] test);

    /** Short lower-case name used as a key in reports and JSON ("pca", "zscore", "vae"). */
    String name();
}

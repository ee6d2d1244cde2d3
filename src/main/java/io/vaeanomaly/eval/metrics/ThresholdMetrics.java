package io.vaeanomaly.eval.metrics;

/**
 * Precision, recall and F1 of the rule "flag when {@code score >= threshold}".
 *
 * @param threshold the decision threshold
 * @param precision TP / (TP + FP); 0 when nothing is flagged
 * @param recall TP / positives; NaN when there are no positives
 * @param f1 harmonic mean of precision and recall; 0 when TP = 0
 * @param truePositives flagged labelled points
 * @param falsePositives flagged normal points
 * @param falseNegatives labelled points not flagged
 */
public record ThresholdMetrics(
        double threshold,
        double precision,
        double recall,
        double f1,
        long truePositives,
        long falsePositives,
        long falseNegatives) {

    static ThresholdMetrics of(double threshold, long tp, long fp, long positives) {
        double precision = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
        double recall = positives == 0 ? Double.NaN : (double) tp / positives;
        return new ThresholdMetrics(
                threshold,
                precision,
                recall,
                ThresholdCurve.f1(tp, fp, positives),
                tp,
                fp,
                positives - tp);
    }
}

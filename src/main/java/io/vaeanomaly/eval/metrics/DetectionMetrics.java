package io.vaeanomaly.eval.metrics;

/**
 * The summary reported per scorer and series: point-wise AUC-PR and best F1 first, the inflated
 * point-adjusted best F1 last and named as such.
 *
 * @param aucPr point-wise average precision ({@link PointwiseMetrics#averagePrecision})
 * @param bestF1 best point-wise F1 over all thresholds
 * @param bestF1Threshold the threshold that achieves {@code bestF1}
 * @param bestF1PointAdjusted best point-adjusted F1 over all thresholds ({@link
 *     PointAdjustedMetrics})
 */
public record DetectionMetrics(
        double aucPr, double bestF1, double bestF1Threshold, double bestF1PointAdjusted) {

    /** Computes all four from one score series. */
    public static DetectionMetrics of(double[] scores, boolean[] labels) {
        ThresholdMetrics best = PointwiseMetrics.bestF1(scores, labels);
        return new DetectionMetrics(
                PointwiseMetrics.averagePrecision(scores, labels),
                best.f1(),
                best.threshold(),
                PointAdjustedMetrics.bestF1(scores, labels).f1());
    }
}

package io.vaeanomaly.eval.metrics;

import java.util.Arrays;

/**
 * Point-wise detection metrics: every time step is one sample, labelled anomalous or not.
 *
 * <p>Inputs are {@code scores} (higher = more anomalous, NaN rejected, infinities allowed) and
 * {@code labels} ({@code true} = anomalous) of equal length. A point is flagged at threshold
 * {@code t} when {@code score >= t}; points with equal scores are therefore always flagged
 * together, so ties form one step of the precision-recall curve and the result does not depend on
 * input order.
 *
 * <p><b>AUC-PR</b> is average precision, the step-wise area under the precision-recall curve:
 *
 * <pre>
 *   AP = sum over distinct thresholds t_1 &gt; t_2 &gt; ... of (R_k - R_{k-1}) * P_k,  R_0 = 0
 * </pre>
 *
 * where {@code P_k}, {@code R_k} are precision and recall when flagging {@code score >= t_k}. No
 * interpolation and no trapezoids (the trapezoid rule is optimistic on PR curves). This is the
 * definition of scikit-learn's {@code average_precision_score}. A perfect ranking gives 1; random
 * scores give about the fraction of anomalous points.
 *
 * <p>All methods run in O(n log n).
 */
public final class PointwiseMetrics {
    private PointwiseMetrics() {}

    /**
     * Average precision as defined above; NaN when there are no labelled points (undefined).
     *
     * @throws IllegalArgumentException on length mismatch, empty input or NaN scores
     */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        ThresholdCurve c = curve(scores, labels);
        if (c.positives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long prevTp = 0;
        for (int i = 0; i < c.size(); i++) {
            long tp = c.truePositives[i];
            if (tp != prevTp) {
                double precision = (double) tp / (tp + c.falsePositives[i]);
                ap += precision * (tp - prevTp) / c.positives;
                prevTp = tp;
            }
        }
        return ap;
    }

    /**
     * The threshold (one of the scores) with the highest point-wise F1, and the metrics there.
     * When several thresholds tie on F1 the highest one is returned. With no labelled points F1 is
     * 0 everywhere and the highest score is returned as threshold.
     */
    public static ThresholdMetrics bestF1(double[] scores, boolean[] labels) {
        ThresholdCurve c = curve(scores, labels);
        int i = c.bestF1Index();
        return ThresholdMetrics.of(
                c.thresholds[i], c.truePositives[i], c.falsePositives[i], c.positives);
    }

    /** Precision, recall and F1 when flagging {@code score >= threshold}. */
    public static ThresholdMetrics atThreshold(
            double[] scores, boolean[] labels, double threshold) {
        validate(scores, labels);
        long tp = 0;
        long fp = 0;
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i]) {
                positives++;
            }
            if (scores[i] >= threshold) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        return ThresholdMetrics.of(threshold, tp, fp, positives);
    }

    private static ThresholdCurve curve(double[] scores, boolean[] labels) {
        validate(scores, labels);
        int np = 0;
        for (boolean l : labels) {
            if (l) {
                np++;
            }
        }
        double[] pos = new double[np];
        double[] neg = new double[labels.length - np];
        int p = 0;
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i]) {
                pos[p++] = scores[i];
            } else {
                neg[n++] = scores[i];
            }
        }
        long[] ones = new long[np];
        Arrays.fill(ones, 1L);
        return ThresholdCurve.build(pos, ones, neg);
    }

    static void validate(double[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    "scores has " + scores.length + " entries but labels has " + labels.length);
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException("scores is empty");
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("scores[" + i + "] is NaN");
            }
        }
    }
}

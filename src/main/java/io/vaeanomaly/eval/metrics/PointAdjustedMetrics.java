package io.vaeanomaly.eval.metrics;

import java.util.Arrays;

/**
 * Point-adjusted detection metrics (Xu et al., "Unsupervised Anomaly Detection via Variational
 * Auto-Encoder for Seasonal KPIs in Web Applications", WWW 2018): a labelled segment (a maximal run
 * of consecutive {@code true} labels) counts as entirely detected, every point of it a true
 * positive, as soon as any of its points is flagged; otherwise all its points are false negatives.
 * Normal points are scored point-wise.
 *
 * <p>This protocol inflates results strongly (a single lucky point per long segment is enough; even
 * random scores reach high F1), so report it only next to, and labelled differently from, the
 * {@link PointwiseMetrics point-wise} numbers.
 *
 * <p>Efficient sweep: at threshold {@code t} a segment is detected iff its maximum score is
 * {@code >= t}. So each segment enters the threshold sweep once, as one item with value = its max
 * score and weight = its length, alongside the normal points. Sorting gives every threshold's
 * counts in O(n log n) instead of re-adjusting the predictions for each of n thresholds (O(n^2)).
 */
public final class PointAdjustedMetrics {
    private PointAdjustedMetrics() {}

    /**
     * The threshold (one of the scores) with the highest point-adjusted F1, and the adjusted
     * metrics there; ties on F1 go to the highest threshold.
     */
    public static ThresholdMetrics bestF1(double[] scores, boolean[] labels) {
        ThresholdCurve c = curve(scores, labels);
        int i = c.bestF1Index();
        return ThresholdMetrics.of(
                c.thresholds[i], c.truePositives[i], c.falsePositives[i], c.positives);
    }

    /** Point-adjusted precision, recall and F1 when flagging {@code score >= threshold}. */
    public static ThresholdMetrics atThreshold(
            double[] scores, boolean[] labels, double threshold) {
        boolean[] flagged = new boolean[scores.length];
        PointwiseMetrics.validate(scores, labels);
        for (int i = 0; i < scores.length; i++) {
            flagged[i] = scores[i] >= threshold;
        }
        boolean[] adjusted = adjust(flagged, labels);
        long tp = 0;
        long fp = 0;
        long positives = 0;
        for (int i = 0; i < labels.length; i++) {
            positives += labels[i] ? 1 : 0;
            if (adjusted[i]) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        return ThresholdMetrics.of(threshold, tp, fp, positives);
    }

    /**
     * The adjusted predictions: {@code flagged}, with every labelled segment that contains at least
     * one flagged point flagged completely.
     */
    public static boolean[] adjust(boolean[] flagged, boolean[] labels) {
        if (flagged.length != labels.length) {
            throw new IllegalArgumentException(
                    "flagged has " + flagged.length + " entries but labels has " + labels.length);
        }
        boolean[] out = flagged.clone();
        int i = 0;
        while (i < labels.length) {
            if (!labels[i]) {
                i++;
                continue;
            }
            int end = i;
            boolean hit = false;
            while (end < labels.length && labels[end]) {
                hit |= flagged[end];
                end++;
            }
            if (hit) {
                Arrays.fill(out, i, end, true);
            }
            i = end;
        }
        return out;
    }

    private static ThresholdCurve curve(double[] scores, boolean[] labels) {
        PointwiseMetrics.validate(scores, labels);
        int segments = 0;
        int normals = 0;
        for (int i = 0; i < labels.length; i++) {
            if (!labels[i]) {
                normals++;
            } else if (i == 0 || !labels[i - 1]) {
                segments++;
            }
        }
        double[] segMax = new double[segments];
        long[] segLen = new long[segments];
        double[] neg = new double[normals];
        int s = -1;
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (!labels[i]) {
                neg[n++] = scores[i];
            } else if (i == 0 || !labels[i - 1]) {
                s++;
                segMax[s] = scores[i];
                segLen[s] = 1;
            } else {
                segMax[s] = Math.max(segMax[s], scores[i]);
                segLen[s]++;
            }
        }
        return ThresholdCurve.build(segMax, segLen, neg);
    }
}

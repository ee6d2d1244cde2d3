package io.vaeanomaly.eval.metrics;

import java.util.Arrays;

/**
 * Confusion counts at every distinct threshold, highest threshold first. A point is flagged when
 * {@code score >= threshold}, so all points sharing a score enter the flagged set together (ties
 * are one step, never split by input order).
 *
 * <p>Built in O(n log n): positives and negatives are sorted separately and merged from the top.
 * Positives carry a weight so that point adjustment can enter a whole labelled segment as one item.
 */
final class ThresholdCurve {
    final double[] thresholds;
    final long[] truePositives;
    final long[] falsePositives;
    final long positives;

    private ThresholdCurve(double[] thresholds, long[] tp, long[] fp, long positives) {
        this.thresholds = thresholds;
        this.truePositives = tp;
        this.falsePositives = fp;
        this.positives = positives;
    }

    int size() {
        return thresholds.length;
    }

    /**
     * @param positiveValues scores of positive items (any order; copied, not modified)
     * @param positiveWeights how many labelled points each positive item stands for
     * @param negativeValues scores of negative points (any order; copied, not modified)
     */
    static ThresholdCurve build(
            double[] positiveValues, long[] positiveWeights, double[] negativeValues) {
        int np = positiveValues.length;
        Integer[] posOrder = new Integer[np];
        for (int i = 0; i < np; i++) {
            posOrder[i] = i;
        }
        // Descending by value; weights follow their value.
        Arrays.sort(posOrder, (a, b) -> Double.compare(positiveValues[b], positiveValues[a]));
        double[] neg = negativeValues.clone();
        Arrays.sort(neg); // ascending: walk from the end

        long positives = 0;
        for (long w : positiveWeights) {
            positives += w;
        }
        int cap = np + neg.length;
        double[] th = new double[cap];
        long[] tp = new long[cap];
        long[] fp = new long[cap];
        int steps = 0;
        int pi = 0;
        int ni = neg.length - 1;
        long tpAcc = 0;
        long fpAcc = 0;
        while (pi < np || ni >= 0) {
            double next =
                    Math.max(
                            pi < np ? positiveValues[posOrder[pi]] : Double.NEGATIVE_INFINITY,
                            ni >= 0 ? neg[ni] : Double.NEGATIVE_INFINITY);
            while (pi < np && positiveValues[posOrder[pi]] == next) {
                tpAcc += positiveWeights[posOrder[pi]];
                pi++;
            }
            while (ni >= 0 && neg[ni] == next) {
                fpAcc++;
                ni--;
            }
            th[steps] = next;
            tp[steps] = tpAcc;
            fp[steps] = fpAcc;
            steps++;
        }
        return new ThresholdCurve(
                Arrays.copyOf(th, steps),
                Arrays.copyOf(tp, steps),
                Arrays.copyOf(fp, steps),
                positives);
    }

    /** Index of the step with the highest F1 (first one on ties, i.e. the highest threshold). */
    int bestF1Index() {
        int best = -1;
        double bestF1 = -1;
        for (int i = 0; i < size(); i++) {
            double f1 = f1(truePositives[i], falsePositives[i], positives);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = i;
            }
        }
        return best;
    }

    static double f1(long tp, long fp, long positives) {
        // F1 = 2TP / (2TP + FP + FN), with FN = positives - TP; 0 when nothing is right.
        long denom = 2 * tp + fp + (positives - tp);
        return tp == 0 ? 0.0 : 2.0 * tp / denom;
    }
}

package io.vaeanomaly.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointAdjustedMetricsTest {
    private static final boolean T = true;
    private static final boolean F = false;

    // Segment A = rows 2..5 (one high point at row 3), segment B = row 8; 5 labelled points.
    private static final double[] SCORES = {0.1, 0.2, 0.1, 0.9, 0.1, 0.1, 0.3, 0.1, 0.2, 0.1};
    private static final boolean[] LABELS = {F, F, T, T, T, T, F, F, T, F};

    @Test
    void oneFlaggedPointDetectsItsWholeSegment() {
        boolean[] flagged = new boolean[10];
        flagged[3] = true;
        flagged[6] = true;

        boolean[] adjusted = PointAdjustedMetrics.adjust(flagged, LABELS);

        assertThat(adjusted).containsExactly(F, F, T, T, T, T, T, F, F, F);
    }

    @Test
    void pointAdjustmentRaisesBestF1OnHandComputedExample() {
        // Point-wise, the best is to flag everything: TP 5, FP 5 -> F1 = 2/3.
        ThresholdMetrics pointwise = PointwiseMetrics.bestF1(SCORES, LABELS);
        assertThat(pointwise.f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(pointwise.threshold()).isEqualTo(0.1);

        // Adjusted, threshold 0.9 flags one point of segment A, so all 4 of its points count:
        // TP 4, FP 0, FN 1 -> F1 = 8/9.
        ThresholdMetrics adjusted = PointAdjustedMetrics.bestF1(SCORES, LABELS);
        assertThat(adjusted.f1()).isCloseTo(8.0 / 9, within(1e-12));
        assertThat(adjusted.threshold()).isEqualTo(0.9);
        assertThat(adjusted.truePositives()).isEqualTo(4);
        assertThat(adjusted.falsePositives()).isZero();
    }

    @Test
    void atThresholdAppliesAdjustment() {
        // Threshold 0.2 flags rows 1, 3, 6, 8: both segments detected (TP 5), FP 2.
        ThresholdMetrics m = PointAdjustedMetrics.atThreshold(SCORES, LABELS, 0.2);

        assertThat(m.truePositives()).isEqualTo(5);
        assertThat(m.falsePositives()).isEqualTo(2);
        assertThat(m.f1()).isCloseTo(10.0 / 12, within(1e-12));
    }

    @Test
    void sweepAgreesWithAdjustingAtEveryThreshold() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(80);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            boolean inSegment = false;
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(10);
                inSegment = inSegment ? rnd.nextDouble() < 0.8 : rnd.nextDouble() < 0.1;
                labels[i] = inSegment;
            }
            double brute = 0;
            for (double t : scores) {
                brute = Math.max(brute, PointAdjustedMetrics.atThreshold(scores, labels, t).f1());
            }
            assertThat(PointAdjustedMetrics.bestF1(scores, labels).f1())
                    .isCloseTo(brute, within(1e-12));
            assertThat(PointAdjustedMetrics.bestF1(scores, labels).f1())
                    .isGreaterThanOrEqualTo(PointwiseMetrics.bestF1(scores, labels).f1() - 1e-12);
        }
    }

    @Test
    void handlesLongSeriesWithLongSegmentsQuickly() {
        // An O(n^2) sweep would need ~10^11 steps here; the sorted sweep takes milliseconds.
        int n = 400_000;
        Random rnd = new Random(3);
        double[] scores = new double[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            scores[i] = rnd.nextDouble();
        }
        Arrays.fill(labels, 100_000, 200_000, true);
        Arrays.fill(labels, 300_000, 300_500, true);

        ThresholdMetrics best =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(10), () -> PointAdjustedMetrics.bestF1(scores, labels));

        // Random scores, yet near-perfect adjusted F1: the 100k-row segment's maximum is about
        // 1 - 1e-5, above all but a handful of normal points. (Point-wise they give about 0.4.)
        assertThat(best.f1()).isGreaterThan(0.99);
        assertThat(PointwiseMetrics.bestF1(scores, labels).f1()).isLessThan(0.45);
    }
}

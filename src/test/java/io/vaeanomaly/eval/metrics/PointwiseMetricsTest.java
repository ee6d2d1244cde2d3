package io.vaeanomaly.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PointwiseMetricsTest {
    private static final boolean T = true;
    private static final boolean F = false;

    @Test
    void perfectRankingHasAveragePrecisionAndBestF1OfOne() {
        double[] scores = {0.1, 0.9, 0.2, 0.8, 0.3};
        boolean[] labels = {F, T, F, T, F};

        assertThat(PointwiseMetrics.averagePrecision(scores, labels)).isEqualTo(1.0);
        ThresholdMetrics best = PointwiseMetrics.bestF1(scores, labels);
        assertThat(best.f1()).isEqualTo(1.0);
        assertThat(best.threshold()).isEqualTo(0.8);
    }

    @Test
    void handComputedExample() {
        // Descending: 0.9 (T) 0.8 (F) 0.7 (T) 0.6 (F) 0.5 (F).
        // Steps: P=1,R=1/2 ; P=1/2,R=1/2 ; P=2/3,R=1 ...
        // AP = 1/2 * 1 + 1/2 * 2/3 = 5/6. Best F1 at 0.7: 2 * (2/3 * 1) / (2/3 + 1) = 0.8.
        double[] scores = {0.5, 0.9, 0.6, 0.7, 0.8};
        boolean[] labels = {F, T, F, T, F};

        assertThat(PointwiseMetrics.averagePrecision(scores, labels))
                .isCloseTo(5.0 / 6, within(1e-12));
        ThresholdMetrics best = PointwiseMetrics.bestF1(scores, labels);
        assertThat(best.f1()).isCloseTo(0.8, within(1e-12));
        assertThat(best.threshold()).isEqualTo(0.7);
        assertThat(best.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(best.recall()).isEqualTo(1.0);
    }

    @Test
    void tiedScoresFormOneStepWhateverTheInputOrder() {
        // The tie at 0.5 holds one positive and one negative: P=1/2 at R=1/2, then P=2/3 at R=1.
        // AP = 1/2 * 1/2 + 1/2 * 2/3 = 7/12 (5/6 or 1/2 if the tie were split by input order).
        double[] a = {0.5, 0.5, 0.1};
        boolean[] la = {T, F, T};
        double[] b = {0.5, 0.5, 0.1};
        boolean[] lb = {F, T, T};

        assertThat(PointwiseMetrics.averagePrecision(a, la)).isCloseTo(7.0 / 12, within(1e-12));
        assertThat(PointwiseMetrics.averagePrecision(b, lb)).isCloseTo(7.0 / 12, within(1e-12));
    }

    @Test
    void constantScoresGivePrevalence() {
        double[] scores = new double[10];
        boolean[] labels = new boolean[10];
        labels[2] = labels[7] = labels[8] = true;

        assertThat(PointwiseMetrics.averagePrecision(scores, labels)).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void atThresholdCountsFlaggedPoints() {
        double[] scores = {0.5, 0.9, 0.6, 0.7, 0.8};
        boolean[] labels = {F, T, F, T, F};

        ThresholdMetrics m = PointwiseMetrics.atThreshold(scores, labels, 0.75);

        assertThat(m.truePositives()).isEqualTo(1);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.precision()).isEqualTo(0.5);
        assertThat(m.recall()).isEqualTo(0.5);
        assertThat(m.f1()).isEqualTo(0.5);
        assertThat(PointwiseMetrics.atThreshold(scores, labels, 2.0).precision()).isZero();
    }

    @Test
    void agreesWithBruteForceOverAllThresholds() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(60);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(8); // many ties on purpose
                labels[i] = rnd.nextDouble() < 0.3;
            }
            labels[rnd.nextInt(n)] = true;

            double ap = 0;
            double prevRecall = 0;
            double bestF1 = 0;
            for (double t :
                    new TreeSet<>(Arrays.stream(scores).boxed().toList()).descendingSet()) {
                ThresholdMetrics m = PointwiseMetrics.atThreshold(scores, labels, t);
                ap += (m.recall() - prevRecall) * m.precision();
                prevRecall = m.recall();
                bestF1 = Math.max(bestF1, m.f1());
            }
            assertThat(PointwiseMetrics.averagePrecision(scores, labels))
                    .isCloseTo(ap, within(1e-12));
            assertThat(PointwiseMetrics.bestF1(scores, labels).f1())
                    .isCloseTo(bestF1, within(1e-12));
        }
    }

    @Test
    void noLabelledPointsMakesAveragePrecisionUndefined() {
        assertThat(PointwiseMetrics.averagePrecision(new double[] {1, 2}, new boolean[2])).isNaN();
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> PointwiseMetrics.averagePrecision(new double[2], new boolean[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels has 3");
        assertThatThrownBy(
                        () ->
                                PointwiseMetrics.bestF1(
                                        new double[] {1, Double.NaN}, new boolean[] {T, F}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores[1] is NaN");
        assertThatThrownBy(() -> PointwiseMetrics.bestF1(new double[0], new boolean[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

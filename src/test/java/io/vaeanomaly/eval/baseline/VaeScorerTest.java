package io.vaeanomaly.eval.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.eval.metrics.PointwiseMetrics;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VaeScorerTest {

    /** A small, fast configuration (the defaults train for 40 epochs on windows of 32). */
    private static VaeScorer.Settings small(VaeScorer.Layout layout, int window) {
        return new VaeScorer.Settings(
                layout,
                window,
                new int[] {16},
                2,
                TrainingRecipe.defaults().toBuilder()
                        .maxEpochs(15)
                        .batchSize(32)
                        .learningRate(5e-3)
                        .build(),
                8,
                ScoreMode.LOG_MEAN_EXP);
    }

    /** value = sine of period 20 plus noise; a second column of noise. */
    private static double[][] series(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[n][2];
        for (int t = 0; t < n; t++) {
            x[t][0] = Math.sin(2 * Math.PI * t / 20) + 0.05 * rnd.nextGaussian();
            x[t][1] = rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void windowedValueFindsAShapeAnomalyThatNoSingleValueReveals() {
        double[][] train = series(800, 1);
        double[][] test = series(300, 2);
        boolean[] labels = new boolean[test.length];
        // Steps 150..169 oscillate three times faster: every value is ordinary, the shape is not.
        for (int t = 150; t < 170; t++) {
            test[t][0] = Math.sin(2 * Math.PI * t / 7);
            labels[t] = true;
        }
        VaeScorer vae = new VaeScorer(small(VaeScorer.Layout.FIRST_COLUMN, 8));
        vae.fit(train);
        double[] s = vae.score(test);

        assertThat(s).hasSize(test.length).doesNotContain(Double.NaN);
        // 20 of 300 rows are anomalous: a random ranking has AUC-PR about 0.07.
        double vaeAucPr = PointwiseMetrics.averagePrecision(s, labels);
        assertThat(vaeAucPr).isGreaterThan(0.5);
        // Per-value z-scores cannot see it: the frozen value lies inside the normal range.
        ZScoreScorer z = new ZScoreScorer();
        z.fit(column0(train));
        assertThat(PointwiseMetrics.averagePrecision(z.score(column0(test)), labels))
                .isLessThan(0.2)
                .isLessThan(vaeAucPr / 3);
        assertThat(vae.lastTraining().usable()).isTrue();
    }

    private static double[][] column0(double[][] x) {
        double[][] out = new double[x.length][1];
        for (int i = 0; i < x.length; i++) {
            out[i][0] = x[i][0];
        }
        return out;
    }

    @Test
    void sameSeedSameScores() {
        double[][] train = series(300, 3);
        double[][] test = series(50, 4);
        VaeScorer a = new VaeScorer(small(VaeScorer.Layout.ALL_COLUMNS, 1));
        VaeScorer b = new VaeScorer(small(VaeScorer.Layout.ALL_COLUMNS, 1));
        a.fit(train);
        b.fit(train);
        assertThat(a.score(test)).containsExactly(b.score(test));
    }

    @Test
    void featureLayouts() {
        double[][] steps = {{1, 10, 100}, {2, 20, 200}, {3, 30, 300}};
        VaeScorer first = new VaeScorer(small(VaeScorer.Layout.FIRST_COLUMN, 2));
        assertThat(first.features(steps, false)).isDeepEqualTo(new double[][] {{1, 2}, {2, 3}});
        // Padded: one row per step, the first step repeated in front.
        assertThat(first.features(steps, true))
                .isDeepEqualTo(new double[][] {{1, 1}, {1, 2}, {2, 3}});
        VaeScorer all = new VaeScorer(small(VaeScorer.Layout.ALL_COLUMNS, 2));
        assertThat(all.features(steps, false)[0]).containsExactly(1, 10, 100, 2, 20, 200);
        VaeScorer mixed =
                new VaeScorer(small(VaeScorer.Layout.FIRST_COLUMN_WINDOW_PLUS_CURRENT_REST, 2));
        assertThat(mixed.features(steps, false)[1]).containsExactly(2, 3, 30, 300);
    }

    @Test
    void contractChecks() {
        VaeScorer vae = new VaeScorer();
        assertThat(vae.name()).isEqualTo("vae");
        assertThat(vae.settings().window()).isEqualTo(32);
        assertThatThrownBy(() -> vae.score(new double[][] {{1}}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vae.fit(new double[20][1]))
                .hasMessageContaining("window 32");
        assertThatThrownBy(() -> small(VaeScorer.Layout.FIRST_COLUMN, 0))
                .hasMessageContaining("window");
    }
}

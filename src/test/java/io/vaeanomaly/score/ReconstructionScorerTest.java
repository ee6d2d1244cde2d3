package io.vaeanomaly.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingListener;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReconstructionScorerTest {
    private static Vae vae;
    private static double[][] rows;

    @BeforeAll
    static void trainSmallModel() {
        PpcaData p = new PpcaData(8, 2, 0.05, 21);
        double[][] data = p.sample(1500, 1);
        VaeConfig cfg = VaeConfig.builder(8).hidden(32).latentDim(3).build();
        vae =
                new Trainer()
                        .train(
                                data,
                                cfg,
                                TrainingRecipe.defaults().toBuilder().maxEpochs(20).build(),
                                TrainingListener.NONE)
                        .model()
                        .orElseThrow();
        rows = p.sample(64, 2);
    }

    @Test
    void sameEventSameScoreWhateverElseIsInTheBatch() {
        ReconstructionScorer s = new ReconstructionScorer(vae, 16, ScoreMode.LOG_MEAN_EXP, 3, 1);
        Score[] batch = s.score(rows);
        for (int i = 0; i < rows.length; i += 7) {
            Score alone = s.score(rows[i]);
            assertThat(alone.logProb()).as("row %d", i).isEqualTo(batch[i].logProb());
        }
        double[][] shuffled = rows.clone();
        java.util.Collections.reverse(Arrays.asList(shuffled));
        Score[] reversed = s.score(shuffled);
        for (int i = 0; i < rows.length; i++) {
            assertThat(reversed[rows.length - 1 - i].logProb()).isEqualTo(batch[i].logProb());
        }
    }

    @Test
    void contributionsAddUpToTheScoreInBothModes() {
        for (ScoreMode mode : ScoreMode.values()) {
            Score[] scores = new ReconstructionScorer(vae, 16, mode, 3, 1).score(rows);
            for (Score sc : scores) {
                assertThat(Arrays.stream(sc.contributions()).sum())
                        .isEqualTo(sc.logProb(), within(1e-9 * Math.max(1, Math.abs(sc.logProb()))));
            }
        }
    }

    @Test
    void logMeanExpIsAtLeastMeanLog() {
        Score[] lme = new ReconstructionScorer(vae, 16, ScoreMode.LOG_MEAN_EXP, 3, 1).score(rows);
        Score[] ml = new ReconstructionScorer(vae, 16, ScoreMode.MEAN_LOG, 3, 1).score(rows);
        for (int i = 0; i < rows.length; i++) {
            // Jensen: log E[p] >= E[log p], on the same samples.
            assertThat(lme[i].logProb()).isGreaterThanOrEqualTo(ml[i].logProb() - 1e-9);
        }
    }

    @Test
    void aPerturbedFeatureIsTopOfTheAttributionAndLowersTheScore() {
        ReconstructionScorer s = new ReconstructionScorer(vae, 16, ScoreMode.LOG_MEAN_EXP, 2, 1);
        int hits = 0;
        for (int i = 0; i < 20; i++) {
            double[] x = rows[i].clone();
            x[5] += 6.0;
            Score normal = s.score(rows[i]);
            Score bad = s.score(x);
            assertThat(bad.logProb()).isLessThan(normal.logProb());
            if (bad.topFeatures()[0] == 5) {
                hits++;
            }
        }
        assertThat(hits).isGreaterThanOrEqualTo(18);
    }

    @Test
    void extremeInputStaysFinite() {
        ReconstructionScorer s = new ReconstructionScorer(vae, 16, ScoreMode.LOG_MEAN_EXP, 3, 1);
        double[] x = new double[8];
        Arrays.fill(x, 1e6);
        Score sc = s.score(x);
        assertThat(Double.isNaN(sc.logProb())).isFalse();
        assertThat(sc.logProb()).isLessThan(-1e6);
    }

    @Test
    void wrongDimensionIsRejected() {
        ReconstructionScorer s = new ReconstructionScorer(vae, 4, ScoreMode.MEAN_LOG, 1, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.score(new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 features");
    }

    @Test
    void untrainedModelScoresAreFiniteToo() {
        VaeConfig cfg = VaeConfig.builder(8).build();
        Vae fresh = new Vae(cfg, VaeParameters.initialise(cfg, 5));
        for (Score sc : new ReconstructionScorer(fresh, 8, ScoreMode.LOG_MEAN_EXP, 1, 1).score(rows)) {
            assertThat(Double.isFinite(sc.logProb())).isTrue();
        }
    }
}

package io.vaeanomaly.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingListener;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    @Test
    void scoresAgreeWithAnIndependentDoublePrecisionNd4jComputation() {
        // The trained (per-feature) model and a heteroscedastic one with random parameters, each
        // evaluated in double precision through the model's own ND4J forward pass with the same
        // per-event noise.
        VaeConfig perFeature = vae.config().toBuilder().precision(Precision.DOUBLE).build();
        Vae trained =
                new Vae(
                        perFeature,
                        VaeParameters.fromArrays(perFeature, vae.parameters().toArrays()));
        VaeConfig het =
                perFeature.toBuilder().decoderVariance(DecoderVariance.HETEROSCEDASTIC).build();
        Random rnd = new Random(8);
        Map<String, double[]> p = new LinkedHashMap<>();
        VaeParameters.initialise(het, 4)
                .toArrays()
                .forEach(
                        (name, v) -> {
                            double[] c = v.clone();
                            for (int i = 0; i < c.length; i++) {
                                c[i] = name.endsWith(".W") ? 1.5 * c[i] : 0.3 * rnd.nextGaussian();
                            }
                            p.put(name, c);
                        });
        Vae heteroscedastic = new Vae(het, VaeParameters.fromArrays(het, p));
        for (Vae model : new Vae[] {trained, heteroscedastic}) {
            for (ScoreMode mode : ScoreMode.values()) {
                ReconstructionScorer s = new ReconstructionScorer(model, 16, mode, 3, 5);
                for (int i = 0; i < 24; i++) {
                    double ref = referenceScore(model, s, rows[i], mode);
                    assertThat(s.score(rows[i]).logProb())
                            .as("%s %s row %d", model.config().decoderVariance(), mode, i)
                            .isCloseTo(ref, within(2e-4 * (1 + Math.abs(ref))));
                }
            }
        }
    }

    /** The score recomputed in double through ND4J: same noise, no float kernel. */
    private static double referenceScore(
            Vae model, ReconstructionScorer s, double[] x, ScoreMode mode) {
        int l = s.samples();
        int k = model.config().latentDim();
        Vae.EncoderPass e = model.encode(Nd4j.create(new double[][] {x}));
        GaussianNoise noise = new GaussianNoise(s.eventSeed(x));
        double[][] z = new double[l][k];
        for (int r = 0; r < l; r++) {
            for (int j = 0; j < k; j++) {
                z[r][j] = e.muZ.getDouble(0, j) + e.sigmaZ.getDouble(0, j) * noise.next();
            }
        }
        Vae.DecoderPass dec = model.decode(Nd4j.create(z));
        INDArray xs = Nd4j.create(new double[][] {x}).repeat(0, l);
        INDArray logDensity = Vae.gaussianLogDensity(xs, dec.muX, dec.sigmaX);
        double[] total = new double[l];
        for (int r = 0; r < l; r++) {
            total[r] = logDensity.getRow(r).sumNumber().doubleValue();
        }
        if (mode == ScoreMode.MEAN_LOG) {
            return Arrays.stream(total).average().orElseThrow();
        }
        double max = Arrays.stream(total).max().orElseThrow();
        double sum = 0;
        for (double t : total) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum / l);
    }

    @Test
    void scalarAndVectorKernelsGiveBitIdenticalScores() {
        KernelOps vector = KernelOps.vector().orElseThrow(); // surefire adds the module
        for (ScoreMode mode : ScoreMode.values()) {
            Score[] v = new ReconstructionScorer(vae, 16, mode, 3, 1, vector).score(rows);
            Score[] s =
                    new ReconstructionScorer(vae, 16, mode, 3, 1, KernelOps.scalar()).score(rows);
            for (int i = 0; i < rows.length; i++) {
                assertThat(v[i].logProb()).as("%s row %d", mode, i).isEqualTo(s[i].logProb());
                assertThat(v[i].contributions()).isEqualTo(s[i].contributions());
            }
        }
    }
}

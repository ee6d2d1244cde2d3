package io.vaeanomaly.eval.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselineScorersTest {

    /** Gaussian rows whose columns have different means and scales. */
    private static double[][] gaussian(Random rnd, int n, int d) {
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = 10 * j + (j + 1) * rnd.nextGaussian();
            }
        }
        return x;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void zScoreRanksInjectedOutlierHighest() {
        Random rnd = new Random(1);
        double[][] train = gaussian(rnd, 2000, 5);
        double[][] test = gaussian(rnd, 300, 5);
        // 7 standard deviations in column 3 (std 4), which has the largest raw spread, so only
        // standardisation makes it stand out against ordinary rows.
        test[123][3] = 30 + 7 * 4;

        ZScoreScorer z = new ZScoreScorer();
        z.fit(train);
        double[] s = z.score(test);

        assertThat(argMax(s)).isEqualTo(123);
        assertThat(s[123]).isCloseTo(7.0, within(0.3));
        assertThat(z.name()).isEqualTo("zscore");
    }

    @Test
    void pcaRanksInjectedOutlierHighest() {
        Random rnd = new Random(2);
        double[][] train = gaussian(rnd, 2000, 5);
        double[][] test = gaussian(rnd, 300, 5);
        test[42][0] = 8;
        test[42][1] = 26; // +8 standard deviations in columns 0 and 1

        PcaReconstructionScorer pca = new PcaReconstructionScorer();
        pca.fit(train);
        // Independent columns: every axis carries ~20% of the variance, so 95% needs all 5 and the
        // reconstruction is exact; use 60% (3 components) to leave a residual space.
        PcaReconstructionScorer pca60 =
                new PcaReconstructionScorer(0.6, ConstantColumns.UNIT_SCALE);
        pca60.fit(train);

        assertThat(pca.componentCount()).isEqualTo(5);
        assertThat(pca60.componentCount()).isEqualTo(3);
        double[] s = pca60.score(test);
        assertThat(argMax(s)).isEqualTo(42);
    }

    @Test
    void pcaRecoversPlantedLowRankStructure() {
        Random rnd = new Random(3);
        int d = 8;
        double[][] basis = new double[2][d];
        for (double[] b : basis) {
            for (int j = 0; j < d; j++) {
                b[j] = rnd.nextGaussian();
            }
        }
        double[][] train = planeRows(rnd, basis, 3000, 0.01);
        double[][] onPlane = planeRows(rnd, basis, 200, 0.01);
        // Same distribution plus a push along a direction the plane does not contain.
        double[][] offPlane = planeRows(rnd, basis, 200, 0.01);
        for (double[] row : offPlane) {
            row[0] += 1.0;
            row[5] -= 1.0;
        }

        PcaReconstructionScorer pca = new PcaReconstructionScorer();
        pca.fit(train);

        assertThat(pca.componentCount()).isEqualTo(2);
        double[] on = pca.score(onPlane);
        double[] off = pca.score(offPlane);
        double maxOn = Arrays.stream(on).max().orElseThrow();
        double minOff = Arrays.stream(off).min().orElseThrow();
        assertThat(minOff).isGreaterThan(10 * maxOn);
        // Far along the plane is not anomalous for PCA: still reconstructed well.
        double[][] farOnPlane = {new double[d]};
        for (int j = 0; j < d; j++) {
            farOnPlane[0][j] = 5 * basis[0][j] - 4 * basis[1][j];
        }
        assertThat(pca.score(farOnPlane)[0]).isLessThan(minOff);
    }

    private static double[][] planeRows(Random rnd, double[][] basis, int n, double noise) {
        int d = basis[0].length;
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            double a = rnd.nextGaussian();
            double b = rnd.nextGaussian();
            for (int j = 0; j < d; j++) {
                x[i][j] = a * basis[0][j] + b * basis[1][j] + noise * rnd.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void constantTrainingColumnCountsInRawUnitsOrIsDropped() {
        double[][] train = {{1, 5}, {3, 5}, {1, 5}, {3, 5}}; // column 0: mean 2, std 1
        double[][] test = {{2, 8}};

        ZScoreScorer unit = new ZScoreScorer(ConstantColumns.UNIT_SCALE);
        unit.fit(train);
        ZScoreScorer drop = new ZScoreScorer(ConstantColumns.DROP);
        drop.fit(train);

        assertThat(unit.score(test)[0]).isEqualTo(3.0);
        assertThat(drop.score(test)[0]).isEqualTo(0.0);
    }

    @Test
    void pcaWithAllConstantTrainingScoresSquaredDistance() {
        double[][] train = {{1, 2}, {1, 2}, {1, 2}};
        PcaReconstructionScorer pca = new PcaReconstructionScorer();
        pca.fit(train);

        assertThat(pca.componentCount()).isZero();
        assertThat(pca.score(new double[][] {{1, 2}, {4, 6}})).containsExactly(0.0, 25.0);
    }

    @Test
    void standardizerUsesPopulationStd() {
        Standardizer st = Standardizer.fit(new double[][] {{0}, {2}}, ConstantColumns.UNIT_SCALE);

        assertThat(st.transform(new double[][] {{3}})[0][0]).isEqualTo(2.0);
    }

    @Test
    void rejectsMisuse() {
        ZScoreScorer z = new ZScoreScorer();
        assertThatThrownBy(() -> z.score(new double[][] {{1}}))
                .isInstanceOf(IllegalStateException.class);
        z.fit(new double[][] {{1, 2}, {2, 3}});
        assertThatThrownBy(() -> z.score(new double[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fitted on 2");
        assertThatThrownBy(() -> new PcaReconstructionScorer(1.5, ConstantColumns.DROP))
                .hasMessageContaining("varianceShare");
        assertThatThrownBy(() -> new ZScoreScorer().fit(new double[][] {{1, 2}, {3}}))
                .hasMessageContaining("train row 1");
    }
}

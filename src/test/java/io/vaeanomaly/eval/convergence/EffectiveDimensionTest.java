package io.vaeanomaly.eval.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.testdata.PpcaData;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EffectiveDimensionTest {

    @Test
    void countsTheStrongDirections() {
        // Three unit-variance directions and nine of sd 0.05: the three hold 99% of the variance.
        Random rnd = new Random(4);
        double[][] x = new double[5000][12];
        for (double[] row : x) {
            for (int j = 0; j < 12; j++) {
                row[j] = (j < 3 ? 1.0 : 0.05) * rnd.nextGaussian();
            }
        }
        assertThat(EffectiveDimension.of(x, 0.9, 8)).isEqualTo(3);
        assertThat(EffectiveDimension.of(x, 0.999, 8)).isEqualTo(8);
    }

    @Test
    void isCappedAtTheLatentSize() {
        double[][] x = new PpcaData(12, 5, 0.01, 5).sample(2000, 1);
        assertThat(EffectiveDimension.of(x, 0.9, 2)).isEqualTo(2);
    }

    @Test
    void isotropicNoiseNeedsAllButTheShareOfOneComponent() {
        // Five equal eigenvalues: four explain 80%, so 90% needs all five.
        Random rnd = new Random(3);
        double[][] x = new double[20_000][5];
        for (double[] row : x) {
            for (int j = 0; j < 5; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        assertThat(EffectiveDimension.of(x, 0.9, 8)).isEqualTo(5);
        assertThat(EffectiveDimension.of(x, 0.5, 8)).isEqualTo(3);
    }

    @Test
    void constantRowsHaveDimensionZero() {
        double[][] x = new double[50][4];
        for (double[] row : x) {
            java.util.Arrays.fill(row, 2.5);
        }
        assertThat(EffectiveDimension.of(x, 0.9, 8)).isZero();
    }

    @Test
    void rejectsABadShare() {
        double[][] x = new double[10][2];
        assertThatThrownBy(() -> EffectiveDimension.of(x, 0, 8))
                .hasMessageContaining("share");
        assertThatThrownBy(() -> EffectiveDimension.of(x, 0.9, -1))
                .hasMessageContaining("cap");
    }
}

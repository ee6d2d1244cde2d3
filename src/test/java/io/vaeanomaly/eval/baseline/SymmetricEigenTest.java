package io.vaeanomaly.eval.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void decomposesRandomSymmetricMatrix() {
        Random rnd = new Random(5);
        int d = 12;
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = a[j][i] = rnd.nextGaussian();
            }
        }

        SymmetricEigen e = SymmetricEigen.of(a);

        double[][] v = e.vectors();
        for (int k = 0; k < d; k++) {
            if (k > 0) {
                assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
            }
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) {
                    av += a[i][j] * v[j][k];
                }
                assertThat(av).isCloseTo(e.values()[k] * v[i][k], within(1e-10));
            }
            for (int m = 0; m < d; m++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[i][k] * v[i][m];
                }
                assertThat(dot).isCloseTo(k == m ? 1.0 : 0.0, within(1e-10));
            }
        }
    }

    @Test
    void knownTwoByTwo() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});

        assertThat(e.values()).containsExactly(new double[] {3, 1}, within(1e-12));
        assertThat(Math.abs(e.vectors()[0][0])).isCloseTo(Math.sqrt(0.5), within(1e-12));
    }
}

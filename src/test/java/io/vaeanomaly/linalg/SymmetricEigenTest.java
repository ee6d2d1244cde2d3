package io.vaeanomaly.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    /** A random orthonormal basis (Gram-Schmidt on Gaussian columns), columns are the vectors. */
    private static double[][] randomOrthonormal(int d, Random rnd) {
        double[][] q = new double[d][d];
        for (int k = 0; k < d; k++) {
            double[] v = new double[d];
            for (int i = 0; i < d; i++) {
                v[i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // twice: classical GS loses orthogonality
                for (int m = 0; m < k; m++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += v[i] * q[i][m];
                    }
                    for (int i = 0; i < d; i++) {
                        v[i] -= dot * q[i][m];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                q[i][k] = v[i] / norm;
            }
        }
        return q;
    }

    /** Q diag(values) Q^T. */
    private static double[][] compose(double[][] q, double[] values) {
        int d = values.length;
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[i][k] * values[k] * q[j][k];
                }
                a[i][j] = s;
                a[j][i] = s;
            }
        }
        return a;
    }

    @Test
    void recoversAKnownDecomposition() {
        Random rnd = new Random(11);
        int d = 20;
        double[][] q = randomOrthonormal(d, rnd);
        double[] values = new double[d];
        for (int k = 0; k < d; k++) {
            values[k] = 50.0 / (k + 1) - 3.0; // distinct, descending, some negative
        }
        double[][] a = compose(q, values);

        SymmetricEigen e = SymmetricEigen.of(a);

        assertThat(e.values()).containsExactly(values, within(1e-12 * 50));
        for (int k = 0; k < d; k++) {
            // Same axis up to sign: |<v_k, q_k>| = 1.
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += e.vectors()[i][k] * q[i][k];
            }
            assertThat(Math.abs(dot)).as("axis %d", k).isCloseTo(1.0, within(1e-10));
        }
        assertThat(SymmetricEigen.valuesOf(a)).containsExactly(e.values(), within(1e-12 * 50));
    }

    @Test
    void vectorsAreOrthonormalEigenvectorsWithACanonicalSign() {
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
            int largest = 0;
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) {
                    av += a[i][j] * v[j][k];
                }
                assertThat(av).isCloseTo(e.values()[k] * v[i][k], within(1e-10));
                if (Math.abs(v[i][k]) > Math.abs(v[largest][k])) {
                    largest = i;
                }
            }
            assertThat(v[largest][k]).as("sign of vector %d", k).isPositive();
            for (int m = 0; m < d; m++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[i][k] * v[i][m];
                }
                assertThat(dot).isCloseTo(k == m ? 1.0 : 0.0, within(1e-10));
            }
        }
        assertThat(SymmetricEigen.of(a)).as("same input, same answer").isEqualTo(e);
    }

    @Test
    void knownTwoByTwo() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});

        assertThat(e.values()).containsExactly(new double[] {3, 1}, within(1e-12));
        assertThat(e.vectors()[0][0]).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(e.vectors()[1][0]).isCloseTo(Math.sqrt(0.5), within(1e-12));
    }

    @Test
    void rankDeficientCovarianceHasZeroEigenvalues() {
        // Rank 2 in 5 dimensions: three eigenvalues are zero up to rounding.
        double[] u = {1, 2, 0, -1, 3};
        double[] w = {0, 1, 1, 1, -1};
        double[][] a = new double[5][5];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                a[i][j] = 2 * u[i] * u[j] + 0.5 * w[i] * w[j];
            }
        }
        double[] values = SymmetricEigen.valuesOf(a);
        assertThat(values[0]).isPositive();
        assertThat(values[1]).isPositive();
        for (int k = 2; k < 5; k++) {
            assertThat(values[k]).isCloseTo(0.0, within(1e-12));
        }
        assertThat(values[0] + values[1]).isCloseTo(2 * 15 + 0.5 * 4, within(1e-12));
    }

    @Test
    void emptyAndOneByOne() {
        assertThat(SymmetricEigen.of(new double[0][0]).values()).isEmpty();
        SymmetricEigen one = SymmetricEigen.of(new double[][] {{-4}});
        assertThat(one.values()).containsExactly(-4.0);
        assertThat(one.vectors()[0][0]).isEqualTo(1.0);
    }

    @Test
    void rejectsWhatIsNotASymmetricFiniteSquareMatrix() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not square");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not symmetric");
        assertThatThrownBy(() -> SymmetricEigen.valuesOf(new double[][] {{Double.NaN}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite");
    }
}

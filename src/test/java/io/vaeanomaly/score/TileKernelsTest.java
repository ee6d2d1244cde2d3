package io.vaeanomaly.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float kernels: accuracy of the elementary-function approximations against double {@link
 * Math}, and bit-identity of the vector path with the scalar path (the build runs tests with {@code
 * --add-modules jdk.incubator.vector}, so both are available here).
 */
class TileKernelsTest {
    private static final Random RND = new Random(3);

    @Test
    void vectorPathIsActiveInTheTestJvm() {
        // Guards the bit-identity tests below against silently testing nothing.
        assertThat(TileKernels.VECTOR).as("surefire runs with the vector module").isTrue();
        assertThat(TileKernels.PAD % VectorTileKernels.S.length()).isZero();
    }

    @Test
    void tanhIsWithinAFewUlpsOfTanh() {
        assertMaxAbsError(FloatApprox::tanh, Math::tanh, -20, 20, 4e-7);
        assertThat(FloatApprox.tanh(0f)).isEqualTo(0f);
        assertThat(FloatApprox.tanh(1e30f)).isCloseTo(1f, within(1e-6f));
        assertThat(FloatApprox.tanh(-3f)).isEqualTo(-FloatApprox.tanh(3f));
    }

    @Test
    void expOfNonPositiveArgumentsIsAccurateToAFewUlps() {
        assertMaxRelError(FloatApprox::expNonPositive, Math::exp, -87, 0, 4e-7);
        assertThat(FloatApprox.expNonPositive(0f)).isEqualTo(1f);
        assertThat(FloatApprox.expNonPositive(-1000f)).isPositive();
    }

    @Test
    void softplusIsAccurateToAFewUlps() {
        assertMaxRelError(FloatApprox::softplus, x -> Math.log1p(Math.exp(x)), -80, 80, 4e-7);
        assertThat(FloatApprox.softplus(200f)).isEqualTo(200f);
        assertThat(FloatApprox.softplus(-100f)).isPositive();
    }

    @Test
    void logIsAccurateToAFewUlps() {
        assertMaxLogError(1e-30, 1e30);
        assertMaxLogError(0.5, 2);
        assertThat(FloatApprox.log(1f)).isEqualTo(0f);
        assertThat(FloatApprox.log(2f)).isEqualTo((float) Math.log(2));
        assertThat(FloatApprox.log(0.05f)).isCloseTo((float) Math.log(0.05), within(1e-6f));
    }

    private static void assertMaxLogError(double lo, double hi) {
        double worst = 0;
        for (int i = 0; i <= 200_000; i++) {
            float x = (float) (lo * Math.pow(hi / lo, i / 200_000.0));
            double ref = Math.log(x);
            double err = Math.abs(FloatApprox.log(x) - ref) / Math.max(1, Math.abs(ref));
            worst = Math.max(worst, err);
        }
        assertThat(worst).as("log on [%s, %s]", lo, hi).isLessThan(3e-7);
    }

    private static void assertMaxAbsError(
            FloatFn f, DoubleUnaryOperator ref, double lo, double hi, double bound) {
        double worst = 0;
        for (int i = 0; i <= 400_000; i++) {
            float x = (float) (lo + (hi - lo) * i / 400_000.0);
            worst = Math.max(worst, Math.abs(f.apply(x) - ref.applyAsDouble(x)));
        }
        assertThat(worst).isLessThan(bound);
    }

    private static void assertMaxRelError(
            FloatFn f, DoubleUnaryOperator ref, double lo, double hi, double bound) {
        double worst = 0;
        for (int i = 0; i <= 400_000; i++) {
            float x = (float) (lo + (hi - lo) * i / 400_000.0);
            double r = ref.applyAsDouble(x);
            worst = Math.max(worst, Math.abs(f.apply(x) - r) / Math.abs(r));
        }
        assertThat(worst).isLessThan(bound);
    }

    @FunctionalInterface
    interface FloatFn {
        float apply(float x);
    }

    @Test
    void vectorElementwiseFunctionsMatchScalarBitForBit() {
        assumeTrue(TileKernels.VECTOR);
        int len = 64 * TileKernels.PAD;
        float[] v = new float[len];
        for (int rep = 0; rep < 20; rep++) {
            double scale = Math.pow(10, rep % 5 - 1); // 0.1 .. 1000
            for (int i = 0; i < len; i++) {
                v[i] = (float) (RND.nextGaussian() * scale);
            }
            v[0] = 0f;
            v[1] = -0f;
            v[2] = Float.MIN_VALUE;
            v[3] = -1e30f;
            v[4] = 1e30f;
            float[] a = v.clone();
            float[] b = v.clone();
            ScalarTileKernels.tanh(a, len);
            VectorTileKernels.tanh(b, len);
            assertBitIdentical(a, b, "tanh");
            a = v.clone();
            b = v.clone();
            int odd = len - TileKernels.PAD; // not a multiple of the 4-vector unrolling
            ScalarTileKernels.tanh(a, odd);
            VectorTileKernels.tanh(b, odd);
            assertBitIdentical(a, b, "tanh, remainder loop");
            a = v.clone();
            b = v.clone();
            ScalarTileKernels.softplus(a, len);
            VectorTileKernels.softplus(b, len);
            assertBitIdentical(a, b, "softplus");
            a = v.clone();
            b = v.clone();
            ScalarTileKernels.relu(a, len);
            VectorTileKernels.relu(b, len);
            assertBitIdentical(a, b, "relu");

            int rows = 4;
            int width = len / (2 * rows);
            float[] s1 = new float[rows * width];
            float[] l1 = new float[rows * width];
            float[] i1 = new float[rows * width];
            float[] s2 = new float[rows * width];
            float[] l2 = new float[rows * width];
            float[] i2 = new float[rows * width];
            ScalarTileKernels.sigmaHead(v, rows, 2 * width, width, width, 0.05f, s1, l1, i1);
            VectorTileKernels.sigmaHead(v, rows, 2 * width, width, width, 0.05f, s2, l2, i2);
            assertBitIdentical(s1, s2, "sigma");
            assertBitIdentical(l1, l2, "log sigma");
            assertBitIdentical(i1, i2, "1/sigma");
        }
    }

    @Test
    void vectorDenseMatchesScalarBitForBitForEveryShape() {
        assumeTrue(TileKernels.VECTOR);
        int[] rowCounts = {1, 2, 3, 4, 5, 7, 8, 16, 17};
        int[] inputs = {1, 3, 4, 5, 8, 38, 64, 65};
        int[] outputs = {1, 8, 16, 38, 64, 76, 96};
        for (int rows : rowCounts) {
            for (int n : inputs) {
                for (int mTrue : outputs) {
                    int m = TileKernels.padded(mTrue);
                    int inStride = n + (rows % 2); // strides wider than n are allowed
                    float[] in = gaussian(rows * inStride);
                    float[] w = gaussian(n * m);
                    float[] b = gaussian(m);
                    float[] a = new float[rows * m];
                    float[] c = new float[rows * m];
                    ScalarTileKernels.dense(in, inStride, rows, n, w, b, m, a);
                    VectorTileKernels.dense(in, inStride, rows, n, w, b, m, c);
                    assertBitIdentical(a, c, rows + "x" + n + "x" + m);
                }
            }
        }
    }

    @Test
    void denseRowsDoNotDependOnTheTileTheyAreIn() {
        int n = 38;
        int m = TileKernels.padded(64);
        float[] w = gaussian(n * m);
        float[] b = gaussian(m);
        float[] in = gaussian(16 * n);
        float[] tile = new float[16 * m];
        TileKernels.dense(in, n, 16, n, w, b, m, tile);
        for (int r = 0; r < 16; r++) {
            float[] one = new float[m];
            float[] row = java.util.Arrays.copyOfRange(in, r * n, (r + 1) * n);
            TileKernels.dense(row, n, 1, n, w, b, m, one);
            assertBitIdentical(
                    java.util.Arrays.copyOfRange(tile, r * m, (r + 1) * m), one, "row " + r);
        }
        // And the value is the documented sum: bias, then fma in input order.
        for (int j = 0; j < m; j++) {
            float acc = b[j];
            for (int kk = 0; kk < n; kk++) {
                acc = Math.fma(in[kk], w[kk * m + j], acc);
            }
            assertThat(tile[j]).isEqualTo(acc);
        }
    }

    private static float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) RND.nextGaussian();
        }
        return v;
    }

    private static void assertBitIdentical(float[] a, float[] b, String what) {
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                throw new AssertionError(
                        what + " differs at " + i + ": scalar " + a[i] + " vector " + b[i]);
            }
        }
    }
}

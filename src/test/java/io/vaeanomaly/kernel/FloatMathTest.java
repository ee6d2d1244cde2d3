package io.vaeanomaly.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.model.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float approximations against {@link Math} in double, and the vector implementation of
 * every element-wise primitive against the scalar one, bit for bit, over wide ranges and edge
 * values.
 */
class FloatMathTest {
    private static final int N = 1 << 16;

    /** Values spread over [-lo, hi] with edge values at the start. */
    private static float[] values(float lo, float hi, long seed) {
        float[] v = new float[N];
        float[] edges = {0f, -0f, 1e-30f, -1e-30f, 1f, -1f, lo, hi, -4.97f, 4.97f, 30f, -30f, 87f};
        System.arraycopy(edges, 0, v, 0, edges.length);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = edges.length; i < N; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    private static double ulpError(float got, double want) {
        return Math.abs(got - want) / Math.ulp((float) want);
    }

    @Test
    void expIsWithinAFewUlps() {
        for (float x : values(-87f, 88f, 1)) {
            assertThat(ulpError(FloatMath.exp(x), Math.exp(x))).as("exp(%s)", x).isLessThan(3);
        }
        assertThat(FloatMath.exp(-200f)).isEqualTo(FloatMath.exp(-87f));
    }

    @Test
    void logIsWithinAFewUlpsOfItsValueOrTinyNearOne() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < N; i++) {
            // Positive normal floats over the whole exponent range.
            float x = (float) Math.exp(-80 + 160 * r.nextDouble());
            double want = Math.log(x);
            double err = Math.abs(FloatMath.log(x) - want);
            assertThat(err).as("log(%s)", x).isLessThan(3 * Math.ulp((float) Math.max(Math.abs(want), 1e-7)) + 1e-12);
        }
        assertThat(FloatMath.log(1f)).isZero();
        assertThat(FloatMath.log(Float.NaN)).isNaN();
        assertThat(FloatMath.log(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void tanhSoftplusAndSigmoidAreAccurate() {
        for (float x : values(-40f, 40f, 3)) {
            float t = FloatMath.tanh(x);
            assertThat(Math.abs(t - Math.tanh(x))).as("tanh(%s)", x).isLessThan(5e-7);
            assertThat(Math.abs(t)).as("|tanh(%s)|", x).isLessThanOrEqualTo(1f);
            assertThat(FloatMath.tanh(-x)).as("tanh(-%s)", x).isEqualTo(-t);
            double sp = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs((double) x)));
            assertThat(ulpError(FloatMath.softplus(x), sp)).as("softplus(%s)", x).isLessThan(4);
            double sg = 1 / (1 + Math.exp(-(double) x));
            assertThat(Math.abs(FloatMath.sigmoid(x) - sg))
                    .as("sigmoid(%s)", x)
                    .isLessThan(4 * Math.ulp((float) sg) + 1e-37);
        }
    }

    @Test
    void vectorElementWiseOpsAreBitIdenticalToScalar() {
        KernelOps vec = KernelOps.vector().orElseThrow();
        KernelOps sca = KernelOps.scalar();
        float[] x = values(-100f, 100f, 4);
        float[] pos = values(1e-4f, 50f, 5);
        for (Activation act : Activation.values()) {
            float[] a1 = new float[N];
            float[] d1 = new float[N];
            float[] a2 = new float[N];
            float[] d2 = new float[N];
            sca.activate(act, x, a1, d1, 0, N);
            vec.activate(act, x, a2, d2, 0, N);
            assertThat(a2).as("%s", act).containsExactly(a1);
            assertThat(d2).as("%s derivative", act).containsExactly(d1);
            float[] g1 = values(-1f, 1f, 6);
            float[] g2 = g1.clone();
            sca.activationGradient(act, d1, a1, 0, g1, 0, N);
            vec.activationGradient(act, d2, a2, 0, g2, 0, N);
            assertThat(g2).as("%s gradient", act).containsExactly(g1);
        }
        float[] s1 = new float[N];
        float[] s2 = new float[N];
        float[] t1 = new float[N];
        float[] t2 = new float[N];
        sca.softplusSigmoid(x, s1, t1, 0, N, 0.05f);
        vec.softplusSigmoid(x, s2, t2, 0, N, 0.05f);
        assertThat(s2).containsExactly(s1);
        assertThat(t2).containsExactly(t1);
        sca.log(pos, 0, N, s1, 0);
        vec.log(pos, 0, N, s2, 0);
        assertThat(s2).containsExactly(s1);
        for (int i = 0; i < N; i++) {
            assertThat(s1[i]).isEqualTo(FloatMath.log(pos[i]));
        }
    }
}

package io.vaeanomaly.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float kernel against the double-precision ND4J reference {@link Vae#lossAndGradients}: the
 * same loss, reconstruction and KL, and every parameter group's gradient within float tolerance,
 * for every decoder-variance mode and activation, with and without free bits holding some
 * dimensions; and against central finite differences of the kernel's own loss.
 */
class TrainingKernelReferenceTest {
    /** Rows span three shards, the last one partial. */
    private static final int ROWS = 75;

    static VaeConfig config(DecoderVariance variance, Activation activation, Precision p) {
        return VaeConfig.builder(13)
                .encoderHidden(16, 9)
                .decoderHidden(11)
                .latentDim(5)
                .activation(activation)
                .decoderVariance(variance)
                .fixedSigma(0.8)
                .sigmaMin(0.05)
                .precision(p)
                .build();
    }

    static double[][] randn(SplittableRandom rnd, int rows, int cols) {
        double[][] v = new double[rows][cols];
        for (double[] r : v) {
            for (int j = 0; j < cols; j++) {
                r[j] = gaussian(rnd);
            }
        }
        return v;
    }

    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Float values of double rows, so both sides see exactly the same inputs. */
    static double[][] roundToFloat(double[][] v) {
        double[][] o = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            o[i] = new double[v[i].length];
            for (int j = 0; j < v[i].length; j++) {
                o[i][j] = (float) v[i][j];
            }
        }
        return o;
    }

    static float[] flatFloat(double[][] v) {
        float[] o = new float[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v[i].length; j++) {
                o[i * v[i].length + j] = (float) v[i][j];
            }
        }
        return o;
    }

    /** Parameters for {@code config}, rounded to float, with some spread in every group. */
    static VaeParameters parameters(VaeConfig config, long seed) {
        VaeParameters init = VaeParameters.initialise(config, seed);
        LinkedHashMap<String, double[]> arrays = init.toArrays();
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        for (Map.Entry<String, double[]> e : arrays.entrySet()) {
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                // Biases start at zero or constant; move them so every gradient path is exercised.
                v[i] = (float) (v[i] + 0.2 * gaussian(rnd));
            }
        }
        return VaeParameters.fromArrays(config, arrays);
    }

    @ParameterizedTest(name = "{0} {1} beta={2} freeBits={3}")
    @CsvSource({
        "PER_FEATURE, TANH, 1.0, 0.0",
        "HETEROSCEDASTIC, TANH, 0.7, 0.0",
        "FIXED, TANH, 1.0, 0.0",
        "PER_FEATURE, RELU, 1.0, 0.0",
        "HETEROSCEDASTIC, SOFTPLUS, 0.5, 0.0",
        "FIXED, RELU, 0.3, 0.0",
        "HETEROSCEDASTIC, RELU, 1.0, 0.0",
        "PER_FEATURE, SOFTPLUS, 1.0, 0.0",
        // Free bits high enough that some dimensions sit under the floor and get no KL gradient.
        "PER_FEATURE, TANH, 1.0, 0.6",
        "HETEROSCEDASTIC, TANH, 1.0, 0.6",
    })
    void lossAndEveryGradientGroupMatchTheDoubleReference(
            DecoderVariance variance, Activation activation, double beta, double freeBits) {
        VaeConfig dbl = config(variance, activation, Precision.DOUBLE);
        VaeConfig flt = config(variance, activation, Precision.FLOAT);
        VaeParameters p = parameters(dbl, 11);
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] x = roundToFloat(randn(rnd, ROWS, 13));
        double[][] eps = roundToFloat(randn(rnd, ROWS, 5));

        Vae ref = new Vae(dbl, p);
        Vae.StepResult r =
                ref.lossAndGradients(
                        Nd4j.create(x).castTo(DataType.DOUBLE),
                        Nd4j.create(eps).castTo(DataType.DOUBLE),
                        beta,
                        freeBits);
        double refLoss =
                ref.loss(
                        Nd4j.create(x).castTo(DataType.DOUBLE),
                        Nd4j.create(eps).castTo(DataType.DOUBLE),
                        beta,
                        freeBits);
        if (freeBits > 0) {
            // The case is only meaningful when the floor splits the dimensions.
            long under = java.util.Arrays.stream(r.klPerDimension()).filter(v -> v < freeBits).count();
            assertThat(under).as("dimensions under the free-bits floor").isBetween(1L, 4L);
        }

        for (KernelOps ops : allOps()) {
            try (TrainingKernel k = new TrainingKernel(flt, ROWS, 1, ops)) {
                k.load(VaeParameters.fromArrays(flt, p.toArrays()));
                for (int i = 0; i < ROWS; i++) {
                    k.setRow(i, x[i]);
                }
                k.setNoise(flatFloat(eps), ROWS);
                float[] g = new float[(int) p.count()];
                double loss = k.lossAndGradient(ROWS, beta, freeBits, g);

                assertThat(loss).as("loss").isCloseTo(refLoss, within(2e-5 * Math.abs(refLoss)));
                assertThat(k.lastStats().reconstruction())
                        .isCloseTo(r.reconstruction(), within(2e-5 * Math.abs(r.reconstruction())));
                assertThat(k.lastStats().kl()).isCloseTo(r.kl(), within(2e-5 * r.kl() + 1e-6));
                int off = 0;
                for (Map.Entry<String, INDArray> e : r.gradients().entrySet()) {
                    double[] want = e.getValue().dup('c').data().asDouble();
                    double maxRef = 0;
                    double maxDiff = 0;
                    for (int i = 0; i < want.length; i++) {
                        maxRef = Math.max(maxRef, Math.abs(want[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(want[i] - g[off + i]));
                    }
                    assertThat(maxRef).as("%s is exercised", e.getKey()).isGreaterThan(1e-6);
                    assertThat(maxDiff / maxRef)
                            .as("%s (%s): max diff %s, max |g| %s", e.getKey(), ops, maxDiff, maxRef)
                            .isLessThan(2e-4);
                    off += want.length;
                }
                assertThat(off).isEqualTo((int) p.count());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} free bits split: {2}")
    @CsvSource({
        "PER_FEATURE, TANH, false",
        "HETEROSCEDASTIC, SOFTPLUS, false",
        "FIXED, TANH, false",
        "HETEROSCEDASTIC, TANH, true",
    })
    void gradientMatchesFiniteDifferencesOfTheKernelsOwnLoss(
            DecoderVariance variance, Activation activation, boolean splitByFreeBits) {
        VaeConfig flt = config(variance, activation, Precision.FLOAT);
        VaeParameters p = parameters(flt, 5);
        SplittableRandom rnd = new SplittableRandom(9);
        double[][] x = randn(rnd, ROWS, 13);
        float[] eps = flatFloat(randn(rnd, ROWS, 5));
        try (TrainingKernel k = new TrainingKernel(flt, ROWS, 1)) {
            k.load(p);
            for (int i = 0; i < ROWS; i++) {
                k.setRow(i, x[i]);
            }
            k.setNoise(eps, ROWS);
            float[] g = new float[(int) p.count()];
            float[] scratch = new float[g.length];
            double beta = 0.8;
            k.lossAndGradient(ROWS, beta, 0, g);
            double[] klDims = k.lastStats().klPerDimension().clone();
            // Free bits at the middle of the widest gap between dimensions' KL: some dimensions
            // get no KL gradient, and no perturbation moves a dimension across the floor.
            double freeBits = splitByFreeBits ? widestGapMiddle(klDims) : 0;
            k.lossAndGradient(ROWS, beta, freeBits, g);
            // Float arithmetic: a step large enough to rise above rounding, small enough that
            // curvature stays negligible; every tenth parameter keeps the test short.
            float h = 2e-3f;
            int checked = 0;
            for (int i = 0; i < g.length; i += 7) {
                float orig = k.parameter(i);
                k.setParameter(i, orig + h);
                double up = k.lossAndGradient(ROWS, beta, freeBits, scratch);
                k.setParameter(i, orig - h);
                double down = k.lossAndGradient(ROWS, beta, freeBits, scratch);
                k.setParameter(i, orig);
                double numeric = (up - down) / ((double) (orig + h) - (double) (orig - h));
                double scale = Math.max(2e-2, Math.abs(numeric) + Math.abs(g[i]));
                assertThat(Math.abs(numeric - g[i]) / scale)
                        .as("parameter %d: analytic %s vs numeric %s", i, g[i], numeric)
                        .isLessThan(2e-2);
                checked++;
            }
            assertThat(checked).isGreaterThan(50);
            if (freeBits > 0) {
                long under = java.util.Arrays.stream(klDims).filter(v -> v < freeBits).count();
                assertThat(under).isBetween(1L, 4L);
            }
        }
    }

    private static double widestGapMiddle(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int best = 0;
        for (int i = 1; i + 1 < v.length; i++) {
            if (v[i + 1] - v[i] > v[best + 1] - v[best]) {
                best = i;
            }
        }
        return 0.5 * (v[best] + v[best + 1]);
    }

    static java.util.List<KernelOps> allOps() {
        java.util.List<KernelOps> l = new java.util.ArrayList<>();
        l.add(KernelOps.scalar());
        KernelOps.vector().ifPresent(l::add);
        return l;
    }
}

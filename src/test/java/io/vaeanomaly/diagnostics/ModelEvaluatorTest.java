package io.vaeanomaly.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.testdata.PpcaData;
import java.util.LinkedHashMap;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The evaluator on the float kernel against the ND4J double-precision reference (the evaluator
 * as it was), on the same rows with the same noise: every figure within float tolerance, in every
 * decoder-variance mode; and the same figures whatever the thread count.
 */
class ModelEvaluatorTest {
    /** Rows span two kernel chunks and several shards. */
    private static final double[][] ROWS = new PpcaData(11, 3, 0.1, 5).sample(300, 6);

    private static Vae model(DecoderVariance variance, Precision precision) {
        VaeConfig config =
                VaeConfig.builder(11)
                        .hidden(24, 16)
                        .latentDim(5)
                        .decoderVariance(variance)
                        .fixedSigma(0.7)
                        .precision(precision)
                        .build();
        LinkedHashMap<String, double[]> arrays = VaeParameters.initialise(config, 3).toArrays();
        SplittableRandom rnd = new SplittableRandom(4);
        arrays.forEach(
                (name, v) -> {
                    for (int i = 0; i < v.length; i++) {
                        // Spread the biases and make one latent dimension nearly inactive.
                        v[i] = (float) (v[i] + 0.3 * (rnd.nextDouble() - 0.5));
                    }
                });
        return new Vae(config, VaeParameters.fromArrays(config, arrays));
    }

    @ParameterizedTest
    @EnumSource(DecoderVariance.class)
    void kernelFiguresMatchTheNd4jReference(DecoderVariance variance) {
        Vae vae = model(variance, Precision.FLOAT);
        Vae dbl = model(variance, Precision.DOUBLE);
        HeldOutMetrics got = new ModelEvaluator(16, 9).evaluate(vae, ROWS);
        HeldOutMetrics want = new Nd4jReferenceEvaluator(16, 9).evaluate(dbl, ROWS);

        assertThat(got.rows()).isEqualTo(want.rows());
        double tol = 2e-5 * Math.abs(want.elbo());
        assertThat(got.elbo()).isCloseTo(want.elbo(), within(tol));
        assertThat(got.reconstruction()).isCloseTo(want.reconstruction(), within(tol));
        assertThat(got.iwae()).isCloseTo(want.iwae(), within(tol));
        assertThat(got.iwae()).isGreaterThanOrEqualTo(got.elbo());
        assertThat(got.kl()).isCloseTo(want.kl(), within(1e-4 * want.kl()));
        assertThat(got.klPerDimension()).containsExactly(want.klPerDimension(), within(1e-4));
        assertThat(got.latentVariance()).containsExactly(want.latentVariance(), within(1e-5));
        assertThat(got.activeUnits()).isEqualTo(want.activeUnits());
        assertThat(got.mutualInformation())
                .isCloseTo(want.mutualInformation(), within(1e-4 * want.mutualInformation()));
        assertThat(got.sigmaAtFloorShare()).isEqualTo(want.sigmaAtFloorShare());
        assertThat(got.iwaeSamples()).isEqualTo(16);
    }

    @ParameterizedTest
    @EnumSource(DecoderVariance.class)
    void figuresDoNotDependOnTheThreadCount(DecoderVariance variance) {
        Vae vae = model(variance, Precision.FLOAT);
        HeldOutMetrics one = new ModelEvaluator(8, 2, 1).evaluate(vae, ROWS);
        HeldOutMetrics two = new ModelEvaluator(8, 2, 2).evaluate(vae, ROWS);
        assertThat(two).usingRecursiveComparison().isEqualTo(one);
    }
}

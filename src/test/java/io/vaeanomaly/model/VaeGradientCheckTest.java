package io.vaeanomaly.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every parameter's analytic gradient against central finite differences, in double precision. */
class VaeGradientCheckTest {

    @ParameterizedTest(name = "{0} {1} beta={2} freeBits={3}")
    @CsvSource({
        "PER_FEATURE, TANH, 1.0, 0.0",
        "HETEROSCEDASTIC, TANH, 0.7, 0.0",
        "FIXED, RELU, 1.0, 0.0",
        "PER_FEATURE, SOFTPLUS, 0.5, 0.0",
        // Free bits high enough that some dimensions sit under the floor and get no KL gradient.
        "PER_FEATURE, TANH, 1.0, 0.35",
    })
    void analyticGradientMatchesFiniteDifferences(
            DecoderVariance variance, Activation activation, double beta, double freeBits) {
        VaeConfig config =
                VaeConfig.builder(5)
                        .encoderHidden(7, 6)
                        .decoderHidden(4)
                        .latentDim(3)
                        .activation(activation)
                        .decoderVariance(variance)
                        .fixedSigma(0.8)
                        .sigmaMin(0.05)
                        .precision(Precision.DOUBLE)
                        .build();
        Vae vae = new Vae(config, VaeParameters.initialise(config, 11));
        SplittableRandom rnd = new SplittableRandom(3);
        INDArray x = randn(rnd, 9, 5);
        INDArray eps = randn(rnd, 9, 3);

        Map<String, INDArray> grads = vae.lossAndGradients(x, eps, beta, freeBits).gradients();
        assertThat(grads.keySet()).containsExactlyElementsOf(vae.parameters().names());

        double h = 1e-6;
        int checked = 0;
        for (String name : vae.parameters().names()) {
            INDArray p = vae.parameters().get(name);
            INDArray g = grads.get(name);
            assertThat(g.shape()).as(name).isEqualTo(p.shape());
            for (int i = 0; i < p.length(); i++) {
                double orig = p.getDouble(i);
                p.putScalar(i, orig + h);
                double up = vae.loss(x, eps, beta, freeBits);
                p.putScalar(i, orig - h);
                double down = vae.loss(x, eps, beta, freeBits);
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * h);
                double analytic = g.getDouble(i);
                double scale = Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic));
                assertThat(Math.abs(numeric - analytic) / scale)
                        .as("%s[%d]: analytic %s vs numeric %s", name, i, analytic, numeric)
                        .isLessThan(1e-5);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(vae.parameters().count());
    }

    private static INDArray randn(SplittableRandom rnd, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = gaussian(rnd);
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.DOUBLE);
    }

    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}

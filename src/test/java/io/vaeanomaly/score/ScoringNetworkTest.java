package io.vaeanomaly.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float scoring kernel against the model's ND4J forward pass in double precision (the
 * reference), for every decoder-variance mode and activation: encoder mu and sigma, decoder mu and
 * sigma (and log sigma) and the per-feature log-densities on a tile of latent samples.
 */
class ScoringNetworkTest {
    private static final int D = 11;
    private static final int K = 5;
    private static final int ROWS = 16;

    /** Float weights, float activations and a 1e-6 tanh approximation, through four layers. */
    private static final double TOL = 2e-5;

    @Test
    void forwardPassAgreesWithTheNd4jDoubleReference() {
        for (DecoderVariance variance : DecoderVariance.values()) {
            for (Activation activation : Activation.values()) {
                VaeConfig cfg =
                        VaeConfig.builder(D)
                                .encoderHidden(20, 13)
                                .decoderHidden(9, 24)
                                .latentDim(K)
                                .activation(activation)
                                .decoderVariance(variance)
                                .precision(Precision.DOUBLE)
                                .build();
                check(cfg, variance + "/" + activation);
            }
        }
    }

    @Test
    void forwardPassWithoutHiddenLayersAgreesToo() {
        for (DecoderVariance variance : DecoderVariance.values()) {
            VaeConfig cfg =
                    VaeConfig.builder(D)
                            .encoderHidden()
                            .decoderHidden()
                            .latentDim(K)
                            .decoderVariance(variance)
                            .precision(Precision.DOUBLE)
                            .build();
            check(cfg, variance + "/linear");
        }
    }

    private static void check(VaeConfig cfg, String what) {
        Random rnd = new Random(what.hashCode());
        Vae vae = new Vae(cfg, randomParameters(cfg, rnd));
        ScoringNetwork net = new ScoringNetwork(vae);
        ScoringNetwork.Tile tile = net.newTile(ROWS);

        // Encoder, one row at a time, against the batched double pass.
        double[][] x = new double[ROWS][D];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] = 1.5 * rnd.nextGaussian();
            }
        }
        Vae.EncoderPass ref = vae.encode(Nd4j.create(x));
        float[] mu = new float[K];
        float[] sigma = new float[K];
        for (int r = 0; r < ROWS; r++) {
            net.encode(x[r], mu, sigma, tile);
            for (int j = 0; j < K; j++) {
                double m = ref.muZ.getDouble(r, j);
                double s = ref.sigmaZ.getDouble(r, j);
                assertThat((double) mu[j])
                        .as("%s mu_z[%d][%d]", what, r, j)
                        .isCloseTo(m, within(TOL * (1 + Math.abs(m))));
                assertThat((double) sigma[j])
                        .as("%s sigma_z[%d][%d]", what, r, j)
                        .isCloseTo(s, within(TOL * (1 + Math.abs(s))));
            }
        }

        // Decoder on a tile of latent vectors.
        float[] z = new float[ROWS * K];
        double[][] zd = new double[ROWS][K];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < K; j++) {
                z[r * K + j] = (float) (2 * rnd.nextGaussian());
                zd[r][j] = z[r * K + j];
            }
        }
        net.decode(z, ROWS, tile);
        double[] event = new double[D];
        for (int j = 0; j < D; j++) {
            event[j] = rnd.nextGaussian();
        }
        net.logDensities(event, ROWS, tile);
        Vae.DecoderPass dec = vae.decode(Nd4j.create(zd));
        INDArray sigmaX = dec.sigmaX;
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < D; j++) {
                double m = dec.muX.getDouble(r, j);
                assertThat((double) tile.mu[r * net.stride() + j])
                        .as("%s mu_x[%d][%d]", what, r, j)
                        .isCloseTo(m, within(TOL * (1 + Math.abs(m))));
                double s = sigmaX.rows() == 1 ? sigmaX.getDouble(0, j) : sigmaX.getDouble(r, j);
                double t = (event[j] - m) / s;
                double logDensity = -0.5 * t * t - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
                assertThat((double) tile.logDensity[r * net.stride() + j])
                        .as("%s log p(x|z)[%d][%d]", what, r, j)
                        .isCloseTo(logDensity, within(TOL * (1 + Math.abs(logDensity))));
                if (net.heteroscedastic()) {
                    int g = r * net.stride() + j;
                    assertThat((double) tile.sigma[g])
                            .as("%s sigma_x[%d][%d]", what, r, j)
                            .isCloseTo(s, within(TOL * s));
                    assertThat((double) tile.logSigma[g])
                            .as("%s log sigma_x", what)
                            .isCloseTo(Math.log(s), within(TOL * (1 + Math.abs(Math.log(s)))));
                } else {
                    assertThat(net.sharedSigma[j])
                            .as("%s shared sigma_x", what)
                            .isCloseTo(s, within(1e-12 * s));
                }
            }
        }
        assertThat(sigmaX.dataType()).isEqualTo(DataType.DOUBLE);
    }

    /**
     * Glorot weights scaled up (so activations leave their linear range) and random biases and
     * decoder-sigma parameters (zero biases would not test the bias path).
     */
    private static VaeParameters randomParameters(VaeConfig cfg, Random rnd) {
        Map<String, double[]> p = VaeParameters.initialise(cfg, rnd.nextLong()).toArrays();
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : p.entrySet()) {
            double[] v = e.getValue().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getKey().endsWith(".W") ? 1.7 * v[i] : 0.4 * rnd.nextGaussian();
            }
            out.put(e.getKey(), v);
        }
        return VaeParameters.fromArrays(cfg, out);
    }

    @Test
    void aRowDecodesTheSameAloneAsInATileAndOnScalarAsOnVectorKernels() {
        KernelOps vector = KernelOps.vector().orElseThrow(); // surefire adds the module
        for (DecoderVariance variance : DecoderVariance.values()) {
            VaeConfig cfg =
                    VaeConfig.builder(D)
                            .hidden(24, 16)
                            .latentDim(K)
                            .decoderVariance(variance)
                            .build();
            Random rnd = new Random(17);
            Vae vae = new Vae(cfg, randomParameters(cfg, rnd));
            ScoringNetwork net = new ScoringNetwork(vae, vector);
            ScoringNetwork.Tile tile = net.newTile(ROWS);
            ScoringNetwork scalarNet = new ScoringNetwork(vae, KernelOps.scalar());
            ScoringNetwork.Tile scalarTile = scalarNet.newTile(ROWS);
            ScoringNetwork.Tile one = net.newTile(1);
            float[] z = new float[ROWS * K];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) rnd.nextGaussian();
            }
            double[] x = new double[D];
            for (int j = 0; j < D; j++) {
                x[j] = rnd.nextGaussian();
            }
            net.decode(z, ROWS, tile);
            net.logDensities(x, ROWS, tile);
            scalarNet.decode(z, ROWS, scalarTile);
            scalarNet.logDensities(x, ROWS, scalarTile);
            assertThat(tile.mu).as("%s scalar vs vector mu", variance).isEqualTo(scalarTile.mu);
            assertThat(tile.logSigma).isEqualTo(scalarTile.logSigma);
            assertThat(tile.logDensity).isEqualTo(scalarTile.logDensity);
            int w = net.stride();
            for (int r = 0; r < ROWS; r++) {
                net.decode(Arrays.copyOfRange(z, r * K, (r + 1) * K), 1, one);
                net.logDensities(x, 1, one);
                assertThat(one.mu)
                        .as("%s row %d alone vs in the tile", variance, r)
                        .isEqualTo(Arrays.copyOfRange(tile.mu, r * w, (r + 1) * w));
                assertThat(one.logDensity)
                        .isEqualTo(Arrays.copyOfRange(tile.logDensity, r * w, (r + 1) * w));
            }
            float[] mu = new float[K];
            float[] sigma = new float[K];
            float[] mu2 = new float[K];
            float[] sigma2 = new float[K];
            net.encode(x, mu, sigma, tile);
            scalarNet.encode(x, mu2, sigma2, scalarTile);
            assertThat(mu).isEqualTo(mu2);
            assertThat(sigma).isEqualTo(sigma2);
        }
    }
}

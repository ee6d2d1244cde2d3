package io.vaeanomaly.diagnostics;

import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The double-precision ND4J reference of {@link ModelEvaluator}: the evaluator as it was before
 * it moved onto the training kernel (forward passes through {@link Vae#encode} and {@link
 * Vae#decode}, sums in double), drawing the same noise in the same order. {@code
 * ModelEvaluatorTest} checks the kernel's figures against it.
 */
final class Nd4jReferenceEvaluator {
    private static final double ACTIVE_UNIT_THRESHOLD = ModelEvaluator.ACTIVE_UNIT_THRESHOLD;

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final int CHUNK_ROWS = 256;
    private static final int MI_MAX_ROWS = 512;

    private final int iwaeSamples;
    private final long seed;

    /**
     * @param iwaeSamples k for the IWAE bound; the ELBO's reconstruction term averages over the
     *     same k samples
     * @param seed seed of the evaluation noise
     */
    Nd4jReferenceEvaluator(int iwaeSamples, long seed) {
        if (iwaeSamples < 1) {
            throw new IllegalArgumentException("iwaeSamples: must be >= 1 but was " + iwaeSamples);
        }
        this.iwaeSamples = iwaeSamples;
        this.seed = seed;
    }

    int iwaeSamples() {
        return iwaeSamples;
    }

    /** Evaluates {@code vae} on {@code rows} (already normalised). */
    HeldOutMetrics evaluate(Vae vae, double[][] rows) {
        VaeConfig cfg = vae.config();
        int n = rows.length;
        int k = cfg.latentDim();
        int d = cfg.inputDim();
        int s = iwaeSamples;
        double sumRecon = 0;
        double sumIwae = 0;
        double[] klDim = new double[k];
        double[] muSum = new double[k];
        double[] muSq = new double[k];
        double sigmaFloorHits = 0;
        double sigmaCount = 0;
        double sigmaFloorLimit = cfg.sigmaMin() * 1.01;
        // Posterior parameters of the first rows, for the mutual-information estimate.
        int miRows = Math.min(n, MI_MAX_ROWS);
        double[][] miMu = new double[miRows][];
        double[][] miSigma = new double[miRows][];
        GaussianNoise noise = new GaussianNoise(seed);
        double[] logw = new double[s];

        for (int start = 0; start < n; start += CHUNK_ROWS) {
            int b = Math.min(CHUNK_ROWS, n - start);
            double[][] chunk = java.util.Arrays.copyOfRange(rows, start, start + b);
            INDArray x = Nd4j.create(chunk).castTo(cfg.precision().dataType());
            Vae.EncoderPass enc = vae.encode(x);
            double[] mu = enc.muZ.dup('c').data().asDouble();
            double[] sig = enc.sigmaZ.dup('c').data().asDouble();
            double[] eps = new double[b * s * k];
            noise.fill(eps);
            double[] z = new double[b * s * k];
            for (int i = 0; i < b; i++) {
                for (int l = 0; l < s; l++) {
                    int base = (i * s + l) * k;
                    for (int j = 0; j < k; j++) {
                        z[base + j] = mu[i * k + j] + sig[i * k + j] * eps[base + j];
                    }
                }
            }
            Vae.DecoderPass dec =
                    vae.decode(
                            Nd4j.create(z, new long[] {(long) b * s, k}, cfg.precision().dataType()));
            double[] muX = dec.muX.dup('c').data().asDouble();
            double[] sigmaX = dec.sigmaX.dup('c').data().asDouble();
            boolean shared = dec.sigmaX.rows() == 1;
            double[] logSigma = new double[sigmaX.length];
            for (int j = 0; j < sigmaX.length; j++) {
                logSigma[j] = Math.log(sigmaX[j]);
                sigmaCount++;
                if (sigmaX[j] <= sigmaFloorLimit) {
                    sigmaFloorHits++;
                }
            }
            for (int i = 0; i < b; i++) {
                double[] xi = chunk[i];
                double rowRecon = 0;
                for (int l = 0; l < s; l++) {
                    int r = i * s + l;
                    int so = shared ? 0 : r * d;
                    double lp = 0;
                    for (int j = 0; j < d; j++) {
                        double t = (xi[j] - muX[r * d + j]) / sigmaX[so + j];
                        lp += -0.5 * t * t - logSigma[so + j];
                    }
                    lp -= 0.5 * LOG_2PI * d;
                    rowRecon += lp;
                    // log p(z) - log q(z|x) for the importance weight.
                    double lpz = 0;
                    double lqz = 0;
                    int base = r * k;
                    for (int j = 0; j < k; j++) {
                        double zz = z[base + j];
                        double e = eps[base + j];
                        lpz += -0.5 * zz * zz;
                        lqz += -0.5 * e * e - Math.log(sig[i * k + j]);
                    }
                    logw[l] = lp + lpz - lqz;
                }
                sumRecon += rowRecon / s;
                sumIwae += LogMath.logMeanExp(logw, s);
                for (int j = 0; j < k; j++) {
                    double m = mu[i * k + j];
                    double sg = sig[i * k + j];
                    klDim[j] += 0.5 * (m * m + sg * sg - 1) - Math.log(sg);
                    muSum[j] += m;
                    muSq[j] += m * m;
                }
                int gi = start + i;
                if (gi < miRows) {
                    miMu[gi] = java.util.Arrays.copyOfRange(mu, i * k, (i + 1) * k);
                    miSigma[gi] = java.util.Arrays.copyOfRange(sig, i * k, (i + 1) * k);
                }
            }
        }
        double kl = 0;
        double[] latentVar = new double[k];
        int active = 0;
        for (int j = 0; j < k; j++) {
            klDim[j] /= n;
            kl += klDim[j];
            double mean = muSum[j] / n;
            latentVar[j] = n > 1 ? Math.max(0, (muSq[j] - n * mean * mean) / (n - 1)) : 0;
            if (latentVar[j] > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        double recon = sumRecon / n;
        return new HeldOutMetrics(
                n,
                recon - kl,
                recon,
                kl,
                klDim,
                active,
                latentVar,
                mutualInformation(miMu, miSigma, new GaussianNoise(seed ^ 0x5DEECE66DL)),
                sumIwae / n,
                s,
                sigmaCount == 0 ? 0 : sigmaFloorHits / sigmaCount);
    }

    /**
     * I(x; z) under q: E_x[E_q(z|x) log q(z|x)] - E_q(z)[log q(z)], with the aggregate posterior
     * q(z) estimated by the mixture of the rows' posteriors (He et al. 2019).
     */
    static double mutualInformation(double[][] mu, double[][] sigma, GaussianNoise noise) {
        int n = mu.length;
        if (n < 2) {
            return 0;
        }
        int k = mu[0].length;
        // E_x[-H(q(z|x))]
        double negEntropy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                negEntropy += -0.5 * LOG_2PI - Math.log(sigma[i][j]) - 0.5;
            }
        }
        negEntropy /= n;
        double logQz = 0;
        double[] z = new double[k];
        double[] terms = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                z[j] = mu[i][j] + sigma[i][j] * noise.next();
            }
            for (int m = 0; m < n; m++) {
                double lq = 0;
                for (int j = 0; j < k; j++) {
                    double t = (z[j] - mu[m][j]) / sigma[m][j];
                    lq += -0.5 * t * t - Math.log(sigma[m][j]) - 0.5 * LOG_2PI;
                }
                terms[m] = lq;
            }
            logQz += LogMath.logMeanExp(terms, n);
        }
        return negEntropy - logQz / n;
    }
}

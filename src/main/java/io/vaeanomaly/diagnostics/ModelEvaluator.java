package io.vaeanomaly.diagnostics;

import io.vaeanomaly.kernel.TrainingKernel;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;

/**
 * Computes {@link HeldOutMetrics} for a model: ELBO, KL per dimension, active units, the IWAE
 * bound and the mutual information. Noise comes from a fixed seed so that the same model on the
 * same rows always gets the same figures, and two models are compared on equal terms. Rows are
 * processed in chunks so memory stays bounded for any held-out size.
 *
 * <p>The forward passes run on the float {@link TrainingKernel}: at these layer widths ND4J's
 * batched decode of 65,536 rows ran at about 2 GFLOP/s, slower than the kernel by an order of
 * magnitude (measured; see the README's design notes). The figures are checked against the
 * double-precision ND4J reference in {@code ModelEvaluatorTest}.
 */
public final class ModelEvaluator {
    /** Latent dimensions with Cov_x(E_q[z_d]) above this count as active (Burda et al. 2016). */
    public static final double ACTIVE_UNIT_THRESHOLD = 0.01;

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final int CHUNK_ROWS = 256;
    private static final int MI_MAX_ROWS = 512;

    private final int iwaeSamples;
    private final long seed;
    private final int threads;

    /**
     * An evaluator on one thread.
     *
     * @param iwaeSamples k for the IWAE bound; the ELBO's reconstruction term averages over the
     *     same k samples
     * @param seed seed of the evaluation noise
     */
    public ModelEvaluator(int iwaeSamples, long seed) {
        this(iwaeSamples, seed, 1);
    }

    /** As above on {@code threads} threads (the figures do not depend on it). */
    public ModelEvaluator(int iwaeSamples, long seed, int threads) {
        if (iwaeSamples < 1) {
            throw new IllegalArgumentException("iwaeSamples: must be >= 1 but was " + iwaeSamples);
        }
        this.iwaeSamples = iwaeSamples;
        this.seed = seed;
        this.threads = threads;
    }

    public int iwaeSamples() {
        return iwaeSamples;
    }

    /** Evaluates {@code vae} on {@code rows} (already normalised). */
    public HeldOutMetrics evaluate(Vae vae, double[][] rows) {
        int chunk = Math.max(1, Math.min(CHUNK_ROWS, rows.length));
        try (TrainingKernel kernel = new TrainingKernel(vae.config(), chunk, threads)) {
            kernel.load(vae.parameters());
            return evaluate(kernel, rows);
        }
    }

    /**
     * Evaluates the parameters currently in {@code kernel} on {@code rows} (already normalised),
     * in chunks of the kernel's batch size.
     */
    public HeldOutMetrics evaluate(TrainingKernel kernel, double[][] rows) {
        int n = rows.length;
        int s = iwaeSamples;
        GaussianNoise noise = new GaussianNoise(seed);
        double[] iwaeSum = {0};
        double[] logw = new double[s];
        TrainingKernel.EvalStats e =
                kernel.evaluate(
                        rows,
                        s,
                        (buf, first, count) -> {
                            int len = count * s * kernel.latentDim();
                            for (int i = 0; i < len; i++) {
                                buf[i] = (float) noise.next();
                            }
                        },
                        (w, count, samples) -> {
                            for (int i = 0; i < count; i++) {
                                System.arraycopy(w, i * samples, logw, 0, samples);
                                iwaeSum[0] += LogMath.logMeanExp(logw, samples);
                            }
                        },
                        MI_MAX_ROWS);
        double kl = e.kl();
        double[] latentVar = e.latentVariance().clone();
        double recon = e.reconstruction();
        return new HeldOutMetrics(
                n,
                recon - kl,
                recon,
                kl,
                e.klPerDimension().clone(),
                activeUnits(latentVar),
                latentVar,
                mutualInformation(
                        e.posteriorMeans(),
                        e.posteriorSigmas(),
                        new GaussianNoise(seed ^ 0x5DEECE66DL)),
                iwaeSum[0] / n,
                s,
                e.sigmaAtFloorShare());
    }

    /** Latent dimensions whose posterior-mean variance is above {@link #ACTIVE_UNIT_THRESHOLD}. */
    public static int activeUnits(double[] latentVariance) {
        int active = 0;
        for (double v : latentVariance) {
            if (v > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        return active;
    }

    /**
     * I(x; z) under q: E_x[E_q(z|x) log q(z|x)] - E_q(z)[log q(z)], with the aggregate posterior
     * q(z) estimated by the mixture of the rows' posteriors (He et al. 2019).
     *
     * <p>The O(n^2 k) inner loop uses precomputed 1/sigma and per-row log-normalisers: no log
     * there.
     */
    static double mutualInformation(double[][] mu, double[][] sigma, GaussianNoise noise) {
        int n = mu.length;
        if (n < 2) {
            return 0;
        }
        int k = mu[0].length;
        double[][] inv = new double[n][k];
        // log N normaliser of row m's posterior: -sum_j log sigma_mj - k/2 log 2 pi.
        double[] logNorm = new double[n];
        // E_x[-H(q(z|x))]
        double negEntropy = 0;
        for (int m = 0; m < n; m++) {
            double ls = 0;
            for (int j = 0; j < k; j++) {
                inv[m][j] = 1.0 / sigma[m][j];
                ls += Math.log(sigma[m][j]);
            }
            logNorm[m] = -ls - 0.5 * LOG_2PI * k;
            negEntropy += logNorm[m] - 0.5 * k;
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
                double[] mm = mu[m];
                double[] im = inv[m];
                double q = 0;
                for (int j = 0; j < k; j++) {
                    double t = (z[j] - mm[j]) * im[j];
                    q += t * t;
                }
                terms[m] = logNorm[m] - 0.5 * q;
            }
            logQz += LogMath.logMeanExp(terms, n);
        }
        return negEntropy - logQz / n;
    }
}

package io.vaeanomaly.score;

import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores events by reconstruction probability (An and Cho 2015): draw L samples z_l ~ q(z|x),
 * combine the decoder log-densities log p(x|z_l) with {@link ScoreMode}.
 *
 * <p>The matrix work runs on ND4J for the whole batch (one encoder pass on B rows, one decoder
 * pass on B*L rows); the per-element log-densities, log-sum-exp and attribution run in plain Java
 * on the copied-out decoder means, which is cheaper than dozens of small ND4J calls.
 *
 * <p>Noise for an event is seeded from the event's own values and the scorer seed, never from a
 * shared stream: the same event and model give the same score whatever else is in the batch.
 *
 * <p>Per-feature attribution: in {@link ScoreMode#MEAN_LOG} the score is exactly the sum over
 * features of their mean log-densities. In {@link ScoreMode#LOG_MEAN_EXP} each feature gets its
 * log-density averaged with the samples' posterior weights w_l = p(x|z_l) / sum p(x|z_m), plus an
 * equal share of the remaining (non-negative) log-sum-exp gap, so the parts again add up exactly.
 *
 * <p>Not thread-safe (reuses buffers); use one per thread.
 */
public final class ReconstructionScorer {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final Vae vae;
    private final int samples;
    private final ScoreMode mode;
    private final int topK;
    private final long seed;
    private final int d;
    private final int k;
    private final DataType type;

    /**
     * @param vae the model
     * @param samples L, the number of latent samples per event
     * @param mode how samples are combined
     * @param topK how many features to report per event
     * @param seed mixed into every event's noise seed
     */
    public ReconstructionScorer(Vae vae, int samples, ScoreMode mode, int topK, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("score-samples: must be >= 1 but was " + samples);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k: must be >= 0 but was " + topK);
        }
        this.vae = vae;
        this.samples = samples;
        this.mode = mode;
        this.d = vae.config().inputDim();
        this.k = vae.config().latentDim();
        this.topK = Math.min(topK, d);
        this.seed = seed;
        this.type = vae.config().precision().dataType();
    }

    public int samples() {
        return samples;
    }

    public ScoreMode mode() {
        return mode;
    }

    /** Scores one event (normalised features). Prefer {@link #score(double[][])} for throughput. */
    public Score score(double[] row) {
        return score(new double[][] {row})[0];
    }

    /** Scores a batch of events (normalised features, each of length {@code inputDim}). */
    public Score[] score(double[][] rows) {
        int b = rows.length;
        Score[] out = new Score[b];
        if (b == 0) {
            return out;
        }
        double[] xs = new double[b * d];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " features, model expects " + d);
            }
            System.arraycopy(rows[i], 0, xs, i * d, d);
        }
        Vae.EncoderPass enc = vae.encode(Nd4j.create(xs, new long[] {b, d}, type));
        float[] mu = enc.muZ.dup('c').data().asFloat();
        float[] sig = enc.sigmaZ.dup('c').data().asFloat();
        int l = samples;
        float[] z = new float[b * l * k];
        for (int i = 0; i < b; i++) {
            GaussianNoise noise = new GaussianNoise(eventSeed(rows[i]));
            for (int s = 0; s < l; s++) {
                int base = (i * l + s) * k;
                for (int j = 0; j < k; j++) {
                    z[base + j] = (float) (mu[i * k + j] + sig[i * k + j] * noise.next());
                }
            }
        }
        Vae.DecoderPass dec =
                vae.decode(Nd4j.create(z, new long[] {(long) b * l, k}).castTo(type));
        float[] muX = dec.muX.dup('c').data().asFloat();
        float[] sigmaX = dec.sigmaX.dup('c').data().asFloat();
        boolean shared = dec.sigmaX.rows() == 1;
        double[] invSigma = new double[sigmaX.length];
        double[] logSigma = new double[sigmaX.length];
        for (int j = 0; j < sigmaX.length; j++) {
            invSigma[j] = 1.0 / sigmaX[j];
            logSigma[j] = Math.log(sigmaX[j]);
        }
        double[] perSample = new double[l * d];
        double[] sampleTotals = new double[l];
        for (int i = 0; i < b; i++) {
            double[] x = rows[i];
            for (int s = 0; s < l; s++) {
                int r = i * l + s;
                int so = shared ? 0 : r * d;
                double tot = 0;
                for (int j = 0; j < d; j++) {
                    double t = (x[j] - muX[r * d + j]) * invSigma[so + j];
                    double v = -0.5 * t * t - logSigma[so + j] - HALF_LOG_2PI;
                    perSample[s * d + j] = v;
                    tot += v;
                }
                sampleTotals[s] = tot;
            }
            out[i] = combine(perSample, sampleTotals);
        }
        return out;
    }

    private Score combine(double[] perSample, double[] totals) {
        int l = samples;
        double[] contrib = new double[d];
        double logProb;
        if (mode == ScoreMode.MEAN_LOG) {
            double sum = 0;
            for (int s = 0; s < l; s++) {
                sum += totals[s];
                for (int j = 0; j < d; j++) {
                    contrib[j] += perSample[s * d + j] / l;
                }
            }
            logProb = sum / l;
        } else {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < l; s++) {
                max = Math.max(max, totals[s]);
            }
            double norm = 0;
            double[] w = new double[l];
            for (int s = 0; s < l; s++) {
                w[s] = Math.exp(totals[s] - max);
                norm += w[s];
            }
            logProb = max + Math.log(norm / l);
            double weighted = 0;
            for (int s = 0; s < l; s++) {
                double ws = w[s] / norm;
                weighted += ws * totals[s];
                for (int j = 0; j < d; j++) {
                    contrib[j] += ws * perSample[s * d + j];
                }
            }
            double gapShare = (logProb - weighted) / d;
            for (int j = 0; j < d; j++) {
                contrib[j] += gapShare;
            }
        }
        return new Score(logProb, contrib, lowest(contrib, topK));
    }

    /** Indices of the n smallest values, smallest first (ties: lower index first). */
    static int[] lowest(double[] v, int n) {
        int[] idx = new int[n];
        boolean[] used = new boolean[v.length];
        for (int t = 0; t < n; t++) {
            int best = -1;
            for (int j = 0; j < v.length; j++) {
                if (!used[j] && (best < 0 || v[j] < v[best])) {
                    best = j;
                }
            }
            used[best] = true;
            idx[t] = best;
        }
        return idx;
    }

    /** A seed from the event's exact values and the scorer seed (murmur3 finaliser mixing). */
    long eventSeed(double[] x) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (double v : x) {
            h = mix(h ^ Double.doubleToLongBits(v));
        }
        return h;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The configured latent dimension, for callers sizing batches. */
    public VaeConfig config() {
        return vae.config();
    }
}

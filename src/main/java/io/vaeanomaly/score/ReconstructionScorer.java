package io.vaeanomaly.score;

import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;

/**
 * Scores events by reconstruction probability (An and Cho 2015): draw L samples z_l ~ q(z|x),
 * combine the decoder log-densities log p(x|z_l) with {@link ScoreMode}.
 *
 * <p>The forward pass runs in {@link ScoringNetwork}, a float snapshot of the trained model with a
 * fixed per-element summation order (see there for why not ND4J): the encoder on the event, then
 * the decoder on the L samples as one tile. The per-feature log-densities come out of the float
 * kernel (no {@code Math.log} per element); each sample's sum over features, the log-sum-exp over
 * samples and the attribution are computed in double precision from them.
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
    private final Vae vae;
    private final int samples;
    private final ScoreMode mode;
    private final int topK;
    private final long seed;
    private final int d;
    private final int k;
    private final ScoringNetwork net;
    private final ScoringNetwork.Tile tile;
    private final float[] muZ;
    private final float[] sigmaZ;
    private final float[] z;
    private final double[] sampleTotals;
    private final double[] weights;

    /**
     * @param vae the model
     * @param samples L, the number of latent samples per event
     * @param mode how samples are combined
     * @param topK how many features to report per event
     * @param seed mixed into every event's noise seed
     */
    public ReconstructionScorer(Vae vae, int samples, ScoreMode mode, int topK, long seed) {
        this(vae, samples, mode, topK, seed, KernelOps.get());
    }

    /** As above, on the given kernel implementation (tests compare scalar and vector). */
    ReconstructionScorer(Vae vae, int samples, ScoreMode mode, int topK, long seed, KernelOps ops) {
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
        this.net = new ScoringNetwork(vae, ops);
        this.tile = net.newTile(samples);
        muZ = new float[k];
        sigmaZ = new float[k];
        z = new float[samples * k];
        sampleTotals = new double[samples];
        weights = new double[samples];
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

    /**
     * Scores a batch of events (normalised features, each of length {@code inputDim}). Each row is
     * computed on its own, so its score does not depend on the rest of the batch.
     */
    public Score[] score(double[][] rows) {
        Score[] out = new Score[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " features, model expects " + d);
            }
            out[i] = scoreRow(rows[i]);
        }
        return out;
    }

    private Score scoreRow(double[] x) {
        int l = samples;
        net.encode(x, muZ, sigmaZ, tile);
        GaussianNoise noise = new GaussianNoise(eventSeed(x));
        for (int s = 0; s < l; s++) {
            for (int j = 0; j < k; j++) {
                z[s * k + j] = (float) (muZ[j] + (double) sigmaZ[j] * noise.next());
            }
        }
        net.decode(z, l, tile);
        net.logDensities(x, l, tile);
        float[] logDensity = tile.logDensity;
        int stride = net.stride();
        double[] totals = sampleTotals;
        sampleTotals(logDensity, stride, totals);
        return combine(logDensity, stride, totals);
    }

    /**
     * Each sample's total over features, in double, adding the features in order; four samples at
     * a time, so that four independent sums share the adder instead of one long chain.
     */
    private void sampleTotals(float[] logDensity, int stride, double[] totals) {
        int l = samples;
        int s = 0;
        for (; s + 3 < l; s += 4) {
            double t0 = 0;
            double t1 = 0;
            double t2 = 0;
            double t3 = 0;
            int g = s * stride;
            for (int j = 0; j < d; j++, g++) {
                t0 += logDensity[g];
                t1 += logDensity[g + stride];
                t2 += logDensity[g + 2 * stride];
                t3 += logDensity[g + 3 * stride];
            }
            totals[s] = t0;
            totals[s + 1] = t1;
            totals[s + 2] = t2;
            totals[s + 3] = t3;
        }
        for (; s < l; s++) {
            double t = 0;
            for (int j = 0, g = s * stride; j < d; j++, g++) {
                t += logDensity[g];
            }
            totals[s] = t;
        }
    }

    Score combineForProfile(float[] perSample, int stride, double[] totals) {
        sampleTotals(perSample, stride, totals);
        return combine(perSample, stride, totals);
    }

    private Score combine(float[] perSample, int stride, double[] totals) {
        int l = samples;
        double[] contrib = new double[d];
        double logProb;
        if (mode == ScoreMode.MEAN_LOG) {
            double sum = 0;
            for (int s = 0; s < l; s++) {
                sum += totals[s];
                for (int j = 0, g = s * stride; j < d; j++, g++) {
                    contrib[j] += perSample[g] / (double) l;
                }
            }
            logProb = sum / l;
        } else {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < l; s++) {
                max = Math.max(max, totals[s]);
            }
            double norm = 0;
            double[] w = weights;
            for (int s = 0; s < l; s++) {
                w[s] = Math.exp(totals[s] - max);
                norm += w[s];
            }
            logProb = max + Math.log(norm / l);
            double weighted = 0;
            for (int s = 0; s < l; s++) {
                double ws = w[s] / norm;
                weighted += ws * totals[s];
                for (int j = 0, g = s * stride; j < d; j++, g++) {
                    contrib[j] += ws * perSample[g];
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

package io.vaeanomaly.score;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import java.util.Map;

/**
 * A read-only float snapshot of a {@link Vae} with a forward pass in plain Java, for scoring.
 *
 * <p>Why not ND4J here: BLAS kernels sum in an order that depends on the batch size and on a
 * row's position in it (measured: the same row's encoder output differs in the last bits between
 * batches of 16 and 32), so scores would depend on what else is in the batch. This kernel computes
 * each row on its own, in a fixed order (out += x[k] * W[k, :], k ascending, a loop the JIT
 * vectorises), so the same event and model always give bit-identical results. It also avoids
 * ND4J's per-call overhead, which dominates at these layer sizes.
 *
 * <p>Activations use the same formulas as training up to float rounding: tanh by a (7,6) Padé
 * approximant (max error below 1e-6 on the clamped range), which is several times cheaper than
 * {@link Math#tanh}.
 */
final class ScoringNetwork {
    private final VaeConfig config;
    private final float[][] encW;
    private final float[][] encB;
    private final int[] encOut;
    private final float[] muZW;
    private final float[] muZB;
    private final float[] sigZW;
    private final float[] sigZB;
    private final float[][] decW;
    private final float[][] decB;
    private final int[] decOut;
    private final float[] muXW;
    private final float[] muXB;
    private final float[] sigXW;
    private final float[] sigXB;
    private final int encLast;
    private final int decLast;
    /** Shared decoder sigma per feature (per-feature or fixed variance), else null. */
    final double[] sharedSigma;

    ScoringNetwork(Vae vae) {
        this.config = vae.config();
        Map<String, double[]> p = vae.parameters().toArrays();
        int[] enc = config.encoderHidden();
        encW = new float[enc.length][];
        encB = new float[enc.length][];
        encOut = enc;
        for (int i = 0; i < enc.length; i++) {
            encW[i] = f(p.get("enc." + i + ".W"));
            encB[i] = f(p.get("enc." + i + ".b"));
        }
        encLast = enc.length == 0 ? config.inputDim() : enc[enc.length - 1];
        muZW = f(p.get("enc.mu.W"));
        muZB = f(p.get("enc.mu.b"));
        sigZW = f(p.get("enc.sigma.W"));
        sigZB = f(p.get("enc.sigma.b"));
        int[] dec = config.decoderHidden();
        decW = new float[dec.length][];
        decB = new float[dec.length][];
        decOut = dec;
        for (int i = 0; i < dec.length; i++) {
            decW[i] = f(p.get("dec." + i + ".W"));
            decB[i] = f(p.get("dec." + i + ".b"));
        }
        decLast = dec.length == 0 ? config.latentDim() : dec[dec.length - 1];
        muXW = f(p.get("dec.mu.W"));
        muXB = f(p.get("dec.mu.b"));
        if (config.decoderVariance() == DecoderVariance.HETEROSCEDASTIC) {
            sigXW = f(p.get("dec.sigma.W"));
            sigXB = f(p.get("dec.sigma.b"));
            sharedSigma = null;
        } else {
            sigXW = null;
            sigXB = null;
            sharedSigma = vae.sharedDecoderSigma();
        }
    }

    private static float[] f(double[] v) {
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) v[i];
        }
        return o;
    }

    int maxWidth() {
        int m = Math.max(config.inputDim(), config.latentDim());
        for (int h : encOut) {
            m = Math.max(m, h);
        }
        for (int h : decOut) {
            m = Math.max(m, h);
        }
        return m;
    }

    /** Work buffers for one thread. */
    final class Buffers {
        final float[] a = new float[maxWidth()];
        final float[] b = new float[maxWidth()];
        final float[] hidden = new float[maxWidth()];
    }

    Buffers newBuffers() {
        return new Buffers();
    }

    /** Encoder: writes mu and sigma of q(z|x) for one row. */
    void encode(double[] x, double[] muOut, double[] sigmaOut, Buffers buf) {
        float[] in = buf.a;
        int n = config.inputDim();
        for (int j = 0; j < n; j++) {
            in[j] = (float) x[j];
        }
        float[] cur = in;
        float[] next = buf.b;
        for (int i = 0; i < encOut.length; i++) {
            dense(cur, n, encW[i], encB[i], encOut[i], next);
            activate(next, encOut[i]);
            n = encOut[i];
            float[] t = cur;
            cur = next;
            next = t;
        }
        int k = config.latentDim();
        dense(cur, n, muZW, muZB, k, buf.hidden);
        for (int j = 0; j < k; j++) {
            muOut[j] = buf.hidden[j];
        }
        dense(cur, n, sigZW, sigZB, k, buf.hidden);
        for (int j = 0; j < k; j++) {
            sigmaOut[j] = softplus(buf.hidden[j]) + VaeConfig.ENCODER_SIGMA_MIN;
        }
    }

    /**
     * Decoder: writes mu_x for latent {@code z} into {@code muOut}; when heteroscedastic also the
     * sigma into {@code sigmaOut}.
     */
    void decode(float[] z, float[] muOut, double[] sigmaOut, Buffers buf) {
        float[] cur = z;
        int n = config.latentDim();
        float[] next = buf.a;
        float[] spare = buf.b;
        for (int i = 0; i < decOut.length; i++) {
            dense(cur, n, decW[i], decB[i], decOut[i], next);
            activate(next, decOut[i]);
            n = decOut[i];
            cur = next;
            float[] t = next == buf.a ? spare : buf.a;
            next = t;
        }
        int d = config.inputDim();
        dense(cur, n, muXW, muXB, d, muOut);
        if (sigXW != null) {
            dense(cur, n, sigXW, sigXB, d, buf.hidden);
            for (int j = 0; j < d; j++) {
                sigmaOut[j] = softplus(buf.hidden[j]) + config.sigmaMin();
            }
        }
    }

    /** out[0..m) = b + sum_k in[k] * W[k, :], k ascending. */
    private static void dense(float[] in, int n, float[] w, float[] bias, int m, float[] out) {
        System.arraycopy(bias, 0, out, 0, m);
        for (int k = 0; k < n; k++) {
            float a = in[k];
            int base = k * m;
            for (int j = 0; j < m; j++) {
                out[j] += a * w[base + j];
            }
        }
    }

    private void activate(float[] v, int m) {
        Activation act = config.activation();
        switch (act) {
            case TANH -> {
                for (int j = 0; j < m; j++) {
                    v[j] = tanh(v[j]);
                }
            }
            case RELU -> {
                for (int j = 0; j < m; j++) {
                    v[j] = Math.max(0f, v[j]);
                }
            }
            case SOFTPLUS -> {
                for (int j = 0; j < m; j++) {
                    v[j] = (float) softplus(v[j]);
                }
            }
        }
    }

    /** tanh by the (7,6) Padé approximant, clamped where it reaches +-1 in float precision. */
    static float tanh(float x) {
        if (x > 4.97f) {
            return 1f;
        }
        if (x < -4.97f) {
            return -1f;
        }
        float x2 = x * x;
        float num = x * (135135f + x2 * (17325f + x2 * (378f + x2)));
        float den = 135135f + x2 * (62370f + x2 * (3150f + 28f * x2));
        return num / den;
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }
}

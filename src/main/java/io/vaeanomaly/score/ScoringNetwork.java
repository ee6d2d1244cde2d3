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
 * each row on its own, in a fixed order (out += x[k..k+3] * W[k..k+3, :], a loop the JIT
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

    /**
     * Decodes {@code rows} latent vectors at once ({@code z} is rows x k, row-major) into {@code
     * muOut} (rows x d). Each row is summed in the same order as a single-row pass, so results
     * are bit-identical to decoding rows one by one; batching only saves loop overhead.
     */
    void decodeRows(float[] z, int rows, float[] muOut, BatchBuffers buf) {
        float[] cur = z;
        int n = config.latentDim();
        float[] next = buf.a;
        for (int i = 0; i < decOut.length; i++) {
            denseRows(cur, rows, n, decW[i], decB[i], decOut[i], next);
            activate(next, rows * decOut[i]);
            n = decOut[i];
            cur = next;
            next = next == buf.a ? buf.b : buf.a;
        }
        denseRows(cur, rows, n, muXW, muXB, config.inputDim(), muOut);
    }

    /** Work buffers for {@link #decodeRows}. */
    final class BatchBuffers {
        final float[] a;
        final float[] b;

        BatchBuffers(int rows) {
            a = new float[rows * maxWidth()];
            b = new float[rows * maxWidth()];
        }
    }

    private static void denseRows(
            float[] in, int rows, int n, float[] w, float[] bias, int m, float[] out) {
        int r = 0;
        for (; r + 1 < rows; r += 2) {
            denseTwo(in, r * n, n, w, bias, m, out, r * m);
        }
        for (; r < rows; r++) {
            denseAt(in, r * n, n, w, bias, m, out, r * m);
        }
    }

    /**
     * Two rows at once: each weight element is loaded once for both. Every row's arithmetic is
     * exactly that of {@link #denseAt}, so results do not depend on the pairing.
     */
    private static void denseTwo(
            float[] in, int inOff, int n, float[] w, float[] bias, int m, float[] out, int outOff) {
        int o0 = outOff;
        int o1 = outOff + m;
        int i0 = inOff;
        int i1 = inOff + n;
        System.arraycopy(bias, 0, out, o0, m);
        System.arraycopy(bias, 0, out, o1, m);
        int k = 0;
        for (; k + 3 < n; k += 4) {
            float a0 = in[i0 + k];
            float a1 = in[i0 + k + 1];
            float a2 = in[i0 + k + 2];
            float a3 = in[i0 + k + 3];
            float c0 = in[i1 + k];
            float c1 = in[i1 + k + 1];
            float c2 = in[i1 + k + 2];
            float c3 = in[i1 + k + 3];
            int b0 = k * m;
            int b1 = b0 + m;
            int b2 = b1 + m;
            int b3 = b2 + m;
            for (int j = 0; j < m; j++) {
                float w0 = w[b0 + j];
                float w1 = w[b1 + j];
                float w2 = w[b2 + j];
                float w3 = w[b3 + j];
                out[o0 + j] += a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3;
                out[o1 + j] += c0 * w0 + c1 * w1 + c2 * w2 + c3 * w3;
            }
        }
        for (; k < n; k++) {
            float a = in[i0 + k];
            float c = in[i1 + k];
            int base = k * m;
            for (int j = 0; j < m; j++) {
                out[o0 + j] += a * w[base + j];
                out[o1 + j] += c * w[base + j];
            }
        }
    }

    /** out[0..m) = b + sum_k in[k] * W[k, :], in a fixed order. */
    private static void dense(float[] in, int n, float[] w, float[] bias, int m, float[] out) {
        denseAt(in, 0, n, w, bias, m, out, 0);
    }

    /**
     * One row of {@code out = in W + b}, four inputs per pass over the output so each output
     * element is loaded and stored once per four multiply-adds; the order of the additions is
     * fixed (it depends only on n), so every row's result is reproducible on its own.
     */
    private static void denseAt(
            float[] in, int inOff, int n, float[] w, float[] bias, int m, float[] out, int outOff) {
        System.arraycopy(bias, 0, out, outOff, m);
        int k = 0;
        for (; k + 3 < n; k += 4) {
            float a0 = in[inOff + k];
            float a1 = in[inOff + k + 1];
            float a2 = in[inOff + k + 2];
            float a3 = in[inOff + k + 3];
            int b0 = k * m;
            int b1 = b0 + m;
            int b2 = b1 + m;
            int b3 = b2 + m;
            for (int j = 0; j < m; j++) {
                out[outOff + j] += a0 * w[b0 + j] + a1 * w[b1 + j] + a2 * w[b2 + j] + a3 * w[b3 + j];
            }
        }
        for (; k < n; k++) {
            float a = in[inOff + k];
            int base = k * m;
            for (int j = 0; j < m; j++) {
                out[outOff + j] += a * w[base + j];
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
    static float tanh(float v) {
        // Branch-free clamp: keeps the activation loop vectorisable. At +-4.97 the approximant
        // is within 1e-6 of +-1.
        float x = Math.max(-4.97f, Math.min(4.97f, v));
        float x2 = x * x;
        float num = x * (135135f + x2 * (17325f + x2 * (378f + x2)));
        float den = 135135f + x2 * (62370f + x2 * (3150f + 28f * x2));
        return num / den;
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }
}

package io.vaeanomaly.score;

import io.vaeanomaly.kernel.FloatMath;
import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import java.util.Map;

/**
 * A read-only float snapshot of a {@link Vae} with a forward pass on the deterministic float
 * kernels of {@link KernelOps}, for scoring.
 *
 * <p>Why not ND4J here: BLAS kernels sum in an order that depends on the batch size and on a row's
 * position in it (measured: the same row's encoder output differs in the last bits between batches
 * of 16 and 32), so scores would depend on what else is in the batch. {@link KernelOps#gemm}
 * accumulates every output element in an order fixed by the shapes alone (the bias, then one fused
 * multiply-add per input in input order), and its scalar and vector implementations agree bit for
 * bit, so the same event and model always give bit-identical results. It also avoids ND4J's
 * per-call overhead, which dominates at these layer sizes.
 *
 * <p>The decoder runs on a tile: the L latent samples of one event go through every layer together
 * (L x k -> L x hidden -> L x d), so each weight is loaded once per tile rather than once per
 * sample. Layer widths are padded to {@link KernelOps#LANES} with zero weights and biases. The
 * encoder's mu and sigma heads are one product (their weights side by side).
 *
 * <p>A heteroscedastic decoder's sigma and log sigma, and every per-feature log-density, come out
 * of the same kernels in float (polynomial approximations of {@link FloatMath}, no {@code
 * Math.log} per element). Activations use the training kernel's formulas, so scoring sees the
 * model exactly as training computed it, up to float rounding.
 */
final class ScoringNetwork {
    /** A dense layer: {@code w} is {@code n x m} row-major with {@code m} padded, {@code b} m. */
    private record Layer(int n, int m, float[] w, float[] b) {}

    private final KernelOps ops;
    private final Activation activation;
    private final int d;
    private final int k;
    private final int dPad;
    private final int kPad;
    private final Layer[] encoder;

    /** mu in columns [0, kPad), sigma's pre-activation in [kPad, 2 kPad). */
    private final Layer encoderHeads;

    private final Layer[] decoder;
    private final Layer decoderMu;
    private final Layer decoderSigma;
    private final float sigmaMin;
    private final int maxWidth;

    /** Shared decoder sigma per feature (per-feature or fixed variance), else null. */
    final double[] sharedSigma;

    /** 1 / sharedSigma as floats, zero in the padding; null when heteroscedastic. */
    private final float[] sharedInvSigma;

    /** log(sharedSigma) + log(2 pi) / 2 as floats, zero in the padding; null when heteroscedastic. */
    private final float[] sharedLogNorm;

    /** log(2 pi) / 2, the Gaussian's normalising constant beside log sigma. */
    static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2 * Math.PI));

    ScoringNetwork(Vae vae) {
        this(vae, KernelOps.get());
    }

    ScoringNetwork(Vae vae, KernelOps ops) {
        VaeConfig config = vae.config();
        Map<String, double[]> p = vae.parameters().toArrays();
        this.ops = ops;
        this.activation = config.activation();
        this.d = config.inputDim();
        this.k = config.latentDim();
        this.dPad = KernelOps.padded(d);
        this.kPad = KernelOps.padded(k);
        int[] enc = config.encoderHidden();
        encoder = new Layer[enc.length];
        int n = d;
        int widest = Math.max(dPad, kPad);
        for (int i = 0; i < enc.length; i++) {
            encoder[i] = layer(p, "enc." + i, n, enc[i]);
            n = enc[i];
            widest = Math.max(widest, encoder[i].m());
        }
        encoderHeads = sideBySide(layer(p, "enc.mu", n, k), layer(p, "enc.sigma", n, k));
        int[] dec = config.decoderHidden();
        decoder = new Layer[dec.length];
        n = k;
        for (int i = 0; i < dec.length; i++) {
            decoder[i] = layer(p, "dec." + i, n, dec[i]);
            n = dec[i];
            widest = Math.max(widest, decoder[i].m());
        }
        decoderMu = layer(p, "dec.mu", n, d);
        if (config.decoderVariance() == DecoderVariance.HETEROSCEDASTIC) {
            decoderSigma = layer(p, "dec.sigma", n, d);
            sharedSigma = null;
            sharedInvSigma = null;
            sharedLogNorm = null;
        } else {
            decoderSigma = null;
            sharedSigma = vae.sharedDecoderSigma();
            sharedInvSigma = new float[dPad];
            sharedLogNorm = new float[dPad];
            for (int j = 0; j < d; j++) {
                sharedInvSigma[j] = (float) (1.0 / sharedSigma[j]);
                sharedLogNorm[j] = (float) (Math.log(sharedSigma[j]) + 0.5 * Math.log(2 * Math.PI));
            }
        }
        this.sigmaMin = (float) config.sigmaMin();
        this.maxWidth = widest;
    }

    private static Layer layer(Map<String, double[]> p, String name, int n, int m) {
        int mPad = KernelOps.padded(m);
        double[] w = p.get(name + ".W");
        double[] b = p.get(name + ".b");
        float[] wf = new float[n * mPad];
        float[] bf = new float[mPad];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                wf[i * mPad + j] = (float) w[i * m + j];
            }
        }
        for (int j = 0; j < m; j++) {
            bf[j] = (float) b[j];
        }
        return new Layer(n, mPad, wf, bf);
    }

    /** Two layers on the same input as one, their (padded) columns side by side. */
    private static Layer sideBySide(Layer left, Layer right) {
        int m = left.m() + right.m();
        float[] w = new float[left.n() * m];
        for (int i = 0; i < left.n(); i++) {
            System.arraycopy(left.w(), i * left.m(), w, i * m, left.m());
            System.arraycopy(right.w(), i * right.m(), w, i * m + left.m(), right.m());
        }
        float[] b = new float[m];
        System.arraycopy(left.b(), 0, b, 0, left.m());
        System.arraycopy(right.b(), 0, b, left.m(), right.m());
        return new Layer(left.n(), m, w, b);
    }

    boolean heteroscedastic() {
        return decoderSigma != null;
    }

    /**
     * Row stride of the tile's per-feature arrays ({@link Tile#mu}, {@link Tile#sigma}, {@link
     * Tile#logSigma}, {@link Tile#logDensity}): feature j of row r is at r * stride + j.
     */
    int stride() {
        return dPad;
    }

    /** Work buffers for one thread, for tiles of up to {@code rows} rows. */
    final class Tile {
        final int rows;
        private final float[] in = new float[d];
        private final float[] pre;
        private final float[] a;
        private final float[] b;
        private final float[] deriv;
        private final float[] encHeads = new float[2 * kPad];
        private final float[] x = new float[dPad];

        /** Decoder mean, rows x stride. */
        final float[] mu;

        /** Heteroscedastic only: sigma, rows x stride. */
        final float[] sigma;

        /** Heteroscedastic only: log sigma, rows x stride. */
        final float[] logSigma;

        /** log p(x_j | z_r) after {@link #logDensities}, rows x stride. */
        final float[] logDensity;

        private final float[] sigmaPre;
        private final float[] gate;

        Tile(int rows) {
            this.rows = rows;
            int cap = Math.max(1, rows) * maxWidth;
            pre = new float[cap];
            a = new float[cap];
            b = new float[cap];
            deriv = activation == Activation.SOFTPLUS ? new float[cap] : null;
            int n = rows * dPad;
            mu = new float[n];
            logDensity = new float[n];
            int s = heteroscedastic() ? n : 0;
            sigma = new float[s];
            logSigma = new float[s];
            sigmaPre = new float[s];
            gate = new float[s];
        }
    }

    Tile newTile(int rows) {
        return new Tile(rows);
    }

    /** Encoder for one row: writes mu and sigma of q(z|x) (length k). */
    void encode(double[] x, float[] muOut, float[] sigmaOut, Tile t) {
        for (int j = 0; j < d; j++) {
            t.in[j] = (float) x[j];
        }
        float[] cur = forward(encoder, t.in, d, 1, t);
        int stride = encoder.length == 0 ? d : encoder[encoder.length - 1].m();
        dense(encoderHeads, cur, stride, 1, t.encHeads);
        float floor = (float) VaeConfig.ENCODER_SIGMA_MIN;
        for (int j = 0; j < k; j++) {
            muOut[j] = t.encHeads[j];
            sigmaOut[j] = FloatMath.softplus(t.encHeads[kPad + j]) + floor;
        }
    }

    /**
     * Decoder for a tile of {@code rows} latent vectors ({@code z} is rows x k, row-major): mu_x
     * into {@link Tile#mu} and, when heteroscedastic, sigma and log sigma into {@link Tile#sigma}
     * and {@link Tile#logSigma}.
     */
    void decode(float[] z, int rows, Tile t) {
        if (rows > t.rows) {
            throw new IllegalArgumentException("tile holds " + t.rows + " rows, got " + rows);
        }
        float[] cur = forward(decoder, z, k, rows, t);
        int stride = decoder.length == 0 ? k : decoder[decoder.length - 1].m();
        dense(decoderMu, cur, stride, rows, t.mu);
        if (decoderSigma != null) {
            int n = rows * dPad;
            dense(decoderSigma, cur, stride, rows, t.sigmaPre);
            ops.softplusSigmoid(t.sigmaPre, t.sigma, t.gate, 0, n, sigmaMin);
            ops.log(t.sigma, 0, n, t.logSigma, 0);
        }
    }

    /**
     * {@link Tile#logDensity}: the Gaussian log-density of each feature of the event {@code x}
     * under each of the tile's first {@code rows} decoded rows, {@code -((x - mu) / sigma)^2 / 2 -
     * log sigma - log(2 pi) / 2}, in float.
     */
    void logDensities(double[] x, int rows, Tile t) {
        for (int j = 0; j < d; j++) {
            t.x[j] = (float) x[j];
        }
        if (decoderSigma != null) {
            ops.gaussianLogDensity(
                    t.x, t.mu, t.sigma, t.logSigma, HALF_LOG_2PI, rows, dPad, t.logDensity);
        } else {
            ops.gaussianLogDensityShared(
                    t.x, t.mu, sharedInvSigma, sharedLogNorm, rows, dPad, t.logDensity);
        }
    }

    /**
     * The hidden layers on {@code rows} rows of {@code in}; returns the buffer holding the output.
     */
    private float[] forward(Layer[] layers, float[] in, int inStride, int rows, Tile t) {
        float[] cur = in;
        int stride = inStride;
        float[] next = t.a;
        for (Layer l : layers) {
            dense(l, cur, stride, rows, t.pre);
            ops.activate(activation, t.pre, next, t.deriv, 0, rows * l.m());
            cur = next;
            stride = l.m();
            next = next == t.a ? t.b : t.a;
        }
        return cur;
    }

    private void dense(Layer l, float[] in, int inStride, int rows, float[] out) {
        ops.gemm(
                in, 0, inStride, 1, rows, l.n(), l.w(), 0, l.m(), out, 0, l.m(), l.m(), l.b(), 0,
                0);
    }
}

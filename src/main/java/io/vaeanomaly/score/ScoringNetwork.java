package io.vaeanomaly.score;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import java.util.Map;

/**
 * A read-only float snapshot of a {@link Vae} with a forward pass in plain Java, for scoring.
 *
 * <p>Why not ND4J here: BLAS kernels sum in an order that depends on the batch size and on a row's
 * position in it (measured: the same row's encoder output differs in the last bits between batches
 * of 16 and 32), so scores would depend on what else is in the batch. Here every output element is
 * its bias followed by fused multiply-adds in input order ({@link ScalarTileKernels#dense}),
 * whatever the tile, so the same event and model always give bit-identical results. It also avoids
 * ND4J's per-call overhead, which dominates at these layer sizes.
 *
 * <p>The decoder runs on a tile: the L latent samples of one event go through every layer together
 * (L x k -> L x hidden -> L x d), so each weight is loaded once per tile rather than once per
 * sample. Layer widths are padded to {@link TileKernels#PAD} with zero weights.
 *
 * <p>Heads are fused: the encoder's mu and sigma heads are one layer of width 2 kPad, the
 * heteroscedastic decoder's mu and sigma heads one layer of width 2 dPad, whose sigma half is
 * turned into sigma, log sigma and 1/sigma by {@link TileKernels#sigmaHead} (float polynomial
 * approximations from {@link FloatApprox}, no {@code Math.log} per element).
 *
 * <p>Activations use the same formulas as training up to float rounding: tanh by a (13,12) Padé
 * approximant (within 3e-7 of tanh), softplus by {@link FloatApprox#softplus}.
 */
final class ScoringNetwork {
    /** A dense layer: {@code w} is {@code n x m} row-major with {@code m} padded, {@code b} m. */
    private record Layer(int n, int m, float[] w, float[] b) {}

    private final Activation activation;
    private final int d;
    private final int k;
    private final int dPad;
    private final int kPad;
    private final Layer[] encoder;
    private final Layer encoderHead;
    private final Layer[] decoder;
    private final Layer decoderHead;
    private final boolean heteroscedastic;
    private final float sigmaMin;
    private final int maxWidth;

    /** Shared decoder sigma per feature (per-feature or fixed variance), else null. */
    final double[] sharedSigma;

    ScoringNetwork(Vae vae) {
        VaeConfig config = vae.config();
        Map<String, double[]> p = vae.parameters().toArrays();
        this.activation = config.activation();
        this.d = config.inputDim();
        this.k = config.latentDim();
        this.dPad = TileKernels.padded(d);
        this.kPad = TileKernels.padded(k);
        int[] enc = config.encoderHidden();
        encoder = new Layer[enc.length];
        int n = d;
        int widest = Math.max(d, k);
        for (int i = 0; i < enc.length; i++) {
            encoder[i] = layer(p, "enc." + i, n, enc[i]);
            n = enc[i];
            widest = Math.max(widest, encoder[i].m());
        }
        encoderHead = fused(p, "enc.mu", "enc.sigma", n, k);
        int[] dec = config.decoderHidden();
        decoder = new Layer[dec.length];
        n = k;
        for (int i = 0; i < dec.length; i++) {
            decoder[i] = layer(p, "dec." + i, n, dec[i]);
            n = dec[i];
            widest = Math.max(widest, decoder[i].m());
        }
        this.heteroscedastic = config.decoderVariance() == DecoderVariance.HETEROSCEDASTIC;
        if (heteroscedastic) {
            decoderHead = fused(p, "dec.mu", "dec.sigma", n, d);
            sharedSigma = null;
        } else {
            decoderHead = layer(p, "dec.mu", n, d);
            sharedSigma = vae.sharedDecoderSigma();
        }
        this.sigmaMin = (float) config.sigmaMin();
        this.maxWidth = widest;
    }

    private static Layer layer(Map<String, double[]> p, String name, int n, int m) {
        int mPad = TileKernels.padded(m);
        float[] w = new float[n * mPad];
        float[] b = new float[mPad];
        place(p.get(name + ".W"), p.get(name + ".b"), n, m, w, b, mPad, 0);
        return new Layer(n, mPad, w, b);
    }

    /** Two heads of width m side by side: the first at column 0, the second at mPad. */
    private static Layer fused(Map<String, double[]> p, String first, String second, int n, int m) {
        int mPad = TileKernels.padded(m);
        float[] w = new float[n * 2 * mPad];
        float[] b = new float[2 * mPad];
        place(p.get(first + ".W"), p.get(first + ".b"), n, m, w, b, 2 * mPad, 0);
        place(p.get(second + ".W"), p.get(second + ".b"), n, m, w, b, 2 * mPad, mPad);
        return new Layer(n, 2 * mPad, w, b);
    }

    private static void place(
            double[] w, double[] b, int n, int m, float[] wOut, float[] bOut, int stride, int col) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                wOut[i * stride + col + j] = (float) w[i * m + j];
            }
        }
        for (int j = 0; j < m; j++) {
            bOut[col + j] = (float) b[j];
        }
    }

    boolean heteroscedastic() {
        return heteroscedastic;
    }

    /** Row stride of {@link Tile#head}: decoder mu of row r, feature j is at r * stride + j. */
    int headStride() {
        return decoderHead.m();
    }

    /** Row stride of {@link Tile#sigma}, {@link Tile#logSigma} and {@link Tile#invSigma}. */
    int sigmaStride() {
        return dPad;
    }

    /** Work buffers for one thread, for tiles of up to {@code rows} rows. */
    final class Tile {
        final int rows;
        final float[] in = new float[d];
        final float[] a;
        final float[] b;

        /** Decoder head output: mu in columns [0, d) (and sigma's pre-activation after dPad). */
        final float[] head;

        /** Heteroscedastic only: sigma, log sigma and 1/sigma, rows x dPad. */
        final float[] sigma;

        final float[] logSigma;
        final float[] invSigma;
        private final float[] encHead = new float[encoderHead.m()];

        Tile(int rows) {
            this.rows = rows;
            int cap = Math.max(1, rows) * Math.max(maxWidth, TileKernels.padded(maxWidth));
            a = new float[cap];
            b = new float[cap];
            head = new float[rows * decoderHead.m()];
            int sig = heteroscedastic ? rows * dPad : 0;
            sigma = new float[sig];
            logSigma = new float[sig];
            invSigma = new float[sig];
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
        float[] cur = t.in;
        int curStride = d;
        float[] next = t.a;
        for (Layer l : encoder) {
            TileKernels.dense(cur, curStride, 1, l.n(), l.w(), l.b(), l.m(), next);
            activate(next, l.m());
            cur = next;
            curStride = l.m();
            next = next == t.a ? t.b : t.a;
        }
        Layer h = encoderHead;
        TileKernels.dense(cur, curStride, 1, h.n(), h.w(), h.b(), h.m(), t.encHead);
        for (int j = 0; j < k; j++) {
            muOut[j] = t.encHead[j];
            sigmaOut[j] =
                    FloatApprox.softplus(t.encHead[kPad + j]) + (float) VaeConfig.ENCODER_SIGMA_MIN;
        }
    }

    /**
     * Decoder for a tile of {@code rows} latent vectors ({@code z} is rows x k, row-major): mu_x
     * into {@link Tile#head} and, when heteroscedastic, sigma, log sigma and 1/sigma into the
     * tile's sigma arrays.
     */
    void decode(float[] z, int rows, Tile t) {
        if (rows > t.rows) {
            throw new IllegalArgumentException("tile holds " + t.rows + " rows, got " + rows);
        }
        float[] cur = z;
        int curStride = k;
        float[] next = t.a;
        for (Layer l : decoder) {
            TileKernels.dense(cur, curStride, rows, l.n(), l.w(), l.b(), l.m(), next);
            activate(next, rows * l.m());
            cur = next;
            curStride = l.m();
            next = next == t.a ? t.b : t.a;
        }
        Layer h = decoderHead;
        TileKernels.dense(cur, curStride, rows, h.n(), h.w(), h.b(), h.m(), t.head);
        if (heteroscedastic) {
            TileKernels.sigmaHead(
                    t.head, rows, h.m(), dPad, dPad, sigmaMin, t.sigma, t.logSigma, t.invSigma);
        }
    }

    private void activate(float[] v, int len) {
        switch (activation) {
            case TANH -> TileKernels.tanh(v, len);
            case RELU -> TileKernels.relu(v, len);
            case SOFTPLUS -> TileKernels.softplus(v, len);
        }
    }
}

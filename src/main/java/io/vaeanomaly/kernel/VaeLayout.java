package io.vaeanomaly.kernel;

import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where every parameter tensor of a {@link VaeConfig} lives, in two layouts: the flat layout of
 * {@link VaeParameters} (tensors back to back, row-major, unpadded) and the kernel's padded
 * layout (same order, each weight row and bias widened to a multiple of {@link KernelOps#LANES}
 * with zeros). Also the offsets of each weight's transpose in a separate buffer.
 */
final class VaeLayout {

    /** One dense layer {@code out = in W + b}, W of shape {@code [in, out]}. */
    static final class Dense {
        final int in;
        final int out;
        final int inP;
        final int outP;
        /** Offsets of W and b in the flat layout. */
        final int wFlat;

        final int bFlat;
        /** Offsets of W ({@code [in, outP]}) and b ({@code [outP]}) in the padded layout. */
        final int w;

        final int b;
        /** Offset of W transposed ({@code [out, inP]}) in the transposed buffer. */
        final int t;

        Dense(int in, int out, int wFlat, int bFlat, int w, int b, int t) {
            this.in = in;
            this.out = out;
            this.inP = KernelOps.padded(in);
            this.outP = KernelOps.padded(out);
            this.wFlat = wFlat;
            this.bFlat = bFlat;
            this.w = w;
            this.b = b;
            this.t = t;
        }
    }

    final VaeConfig config;
    final int d;
    final int dP;
    final int k;
    final int kP;
    final Dense[] enc;
    final Dense encMu;
    final Dense encSigma;
    final Dense[] dec;
    final Dense decMu;
    /** The heteroscedastic sigma head, else null. */
    final Dense decSigma;
    /** Offsets of the per-feature {@code rho} in both layouts, else -1. */
    final int rhoFlat;

    final int rho;
    final int flatSize;
    final int paddedSize;
    final int transposedSize;
    /** The widest padded row of any layer. */
    final int maxWidth;
    /** Every dense layer, in parameter order. */
    final Dense[] layers;

    private int nextPadded;
    private int nextTransposed;
    private final Map<String, Integer> flatOffsets = new LinkedHashMap<>();

    VaeLayout(VaeConfig config) {
        this.config = config;
        d = config.inputDim();
        dP = KernelOps.padded(d);
        k = config.latentDim();
        kP = KernelOps.padded(k);
        LinkedHashMap<String, long[]> shapes = VaeParameters.shapes(config);
        int off = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            flatOffsets.put(e.getKey(), off);
            off += (int) (e.getValue()[0] * e.getValue()[1]);
        }
        flatSize = off;
        int[] eh = config.encoderHidden();
        enc = new Dense[eh.length];
        int in = d;
        for (int i = 0; i < eh.length; i++) {
            enc[i] = dense("enc." + i, in, eh[i]);
            in = eh[i];
        }
        encMu = dense("enc.mu", in, k);
        encSigma = dense("enc.sigma", in, k);
        int[] dh = config.decoderHidden();
        dec = new Dense[dh.length];
        in = k;
        for (int i = 0; i < dh.length; i++) {
            dec[i] = dense("dec." + i, in, dh[i]);
            in = dh[i];
        }
        decMu = dense("dec.mu", in, d);
        if (config.decoderVariance() == DecoderVariance.HETEROSCEDASTIC) {
            decSigma = dense("dec.sigma", in, d);
        } else {
            decSigma = null;
        }
        if (config.decoderVariance() == DecoderVariance.PER_FEATURE) {
            rhoFlat = flatOffsets.get("dec.sigma.rho");
            rho = nextPadded;
            nextPadded += dP;
        } else {
            rhoFlat = -1;
            rho = -1;
        }
        paddedSize = nextPadded;
        transposedSize = nextTransposed;
        int m = Math.max(dP, kP);
        for (Dense l : enc) {
            m = Math.max(m, l.outP);
        }
        for (Dense l : dec) {
            m = Math.max(m, l.outP);
        }
        maxWidth = m;
        layers = collectLayers();
    }

    private Dense dense(String name, int in, int out) {
        int outP = KernelOps.padded(out);
        int inP = KernelOps.padded(in);
        Dense l =
                new Dense(
                        in,
                        out,
                        flatOffsets.get(name + ".W"),
                        flatOffsets.get(name + ".b"),
                        nextPadded,
                        nextPadded + in * outP,
                        nextTransposed);
        nextPadded += in * outP + outP;
        nextTransposed += out * inP;
        return l;
    }

    private Dense[] collectLayers() {
        int n = enc.length + 2 + dec.length + 1 + (decSigma == null ? 0 : 1);
        Dense[] all = new Dense[n];
        int i = 0;
        for (Dense l : enc) {
            all[i++] = l;
        }
        all[i++] = encMu;
        all[i++] = encSigma;
        for (Dense l : dec) {
            all[i++] = l;
        }
        all[i++] = decMu;
        if (decSigma != null) {
            all[i] = decSigma;
        }
        return all;
    }

    /** Copies flat values into the padded layout; padding is left as it is (zero). */
    void toPadded(float[] flat, float[] padded) {
        for (Dense l : layers) {
            for (int r = 0; r < l.in; r++) {
                System.arraycopy(flat, l.wFlat + r * l.out, padded, l.w + r * l.outP, l.out);
            }
            System.arraycopy(flat, l.bFlat, padded, l.b, l.out);
        }
        if (rho >= 0) {
            System.arraycopy(flat, rhoFlat, padded, rho, d);
        }
    }

    /** Copies the padded layout's real entries into the flat layout. */
    void toFlat(float[] padded, float[] flat) {
        for (Dense l : layers) {
            for (int r = 0; r < l.in; r++) {
                System.arraycopy(padded, l.w + r * l.outP, flat, l.wFlat + r * l.out, l.out);
            }
            System.arraycopy(padded, l.b, flat, l.bFlat, l.out);
        }
        if (rho >= 0) {
            System.arraycopy(padded, rho, flat, rhoFlat, d);
        }
    }

    /** The padded-layout offset of flat entry {@code i}. */
    int paddedIndex(int i) {
        for (Dense l : layers) {
            if (i >= l.wFlat && i < l.wFlat + l.in * l.out) {
                int r = (i - l.wFlat) / l.out;
                return l.w + r * l.outP + (i - l.wFlat) % l.out;
            }
            if (i >= l.bFlat && i < l.bFlat + l.out) {
                return l.b + i - l.bFlat;
            }
        }
        if (rho >= 0 && i >= rhoFlat && i < rhoFlat + d) {
            return rho + i - rhoFlat;
        }
        throw new IndexOutOfBoundsException("flat index " + i + " of " + flatSize);
    }

    /** Writes every layer's {@code W} transposed ({@code [out, inP]}) into {@code t}. */
    void transpose(float[] padded, float[] t) {
        for (Dense l : layers) {
            for (int r = 0; r < l.in; r++) {
                int src = l.w + r * l.outP;
                for (int c = 0; c < l.out; c++) {
                    t[l.t + c * l.inP + r] = padded[src + c];
                }
            }
        }
    }
}

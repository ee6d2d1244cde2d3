package io.vaeanomaly.score;

import static io.vaeanomaly.score.FloatApprox.A11;
import static io.vaeanomaly.score.FloatApprox.A13;
import static io.vaeanomaly.score.FloatApprox.A15;
import static io.vaeanomaly.score.FloatApprox.A3;
import static io.vaeanomaly.score.FloatApprox.A5;
import static io.vaeanomaly.score.FloatApprox.A7;
import static io.vaeanomaly.score.FloatApprox.A9;
import static io.vaeanomaly.score.FloatApprox.E2;
import static io.vaeanomaly.score.FloatApprox.E3;
import static io.vaeanomaly.score.FloatApprox.E4;
import static io.vaeanomaly.score.FloatApprox.E5;
import static io.vaeanomaly.score.FloatApprox.E6;
import static io.vaeanomaly.score.FloatApprox.E7;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarTileKernels} with {@code jdk.incubator.vector}: the same operations in the same
 * order, lane by lane, so results are bit-identical to the scalar path. Only {@code + - * / fma min
 * max}, abs, negation and bit operations touch float lanes; no lane reductions, no Vector-API
 * transcendental functions (their results depend on the platform's SVML).
 *
 * <p>Loaded only when the module is present ({@link TileKernels#VECTOR}); array lengths and widths
 * passed here are multiples of the species length ({@link TileKernels#PAD}).
 *
 * <p>{@link #dense} keeps a block of 4 rows x 2 vectors of outputs in registers over the whole k
 * loop: per input k it loads two weight vectors and four broadcasts for eight fused multiply-adds,
 * instead of loading and storing every output for every k.
 */
final class VectorTileKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorTileKernels() {}

    /** See {@link ScalarTileKernels#dense}. */
    static void dense(
            float[] in, int inStride, int rows, int n, float[] w, float[] b, int m, float[] out) {
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int i0 = r * inStride;
            int i1 = i0 + inStride;
            int i2 = i1 + inStride;
            int i3 = i2 + inStride;
            int o0 = r * m;
            int j = 0;
            for (; j + 2 * L <= m; j += 2 * L) {
                FloatVector b0 = FloatVector.fromArray(S, b, j);
                FloatVector b1 = FloatVector.fromArray(S, b, j + L);
                FloatVector c00 = b0;
                FloatVector c01 = b1;
                FloatVector c10 = b0;
                FloatVector c11 = b1;
                FloatVector c20 = b0;
                FloatVector c21 = b1;
                FloatVector c30 = b0;
                FloatVector c31 = b1;
                for (int k = 0, wo = j; k < n; k++, wo += m) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wo);
                    FloatVector w1 = FloatVector.fromArray(S, w, wo + L);
                    FloatVector a = FloatVector.broadcast(S, in[i0 + k]);
                    c00 = a.fma(w0, c00);
                    c01 = a.fma(w1, c01);
                    a = FloatVector.broadcast(S, in[i1 + k]);
                    c10 = a.fma(w0, c10);
                    c11 = a.fma(w1, c11);
                    a = FloatVector.broadcast(S, in[i2 + k]);
                    c20 = a.fma(w0, c20);
                    c21 = a.fma(w1, c21);
                    a = FloatVector.broadcast(S, in[i3 + k]);
                    c30 = a.fma(w0, c30);
                    c31 = a.fma(w1, c31);
                }
                c00.intoArray(out, o0 + j);
                c01.intoArray(out, o0 + j + L);
                c10.intoArray(out, o0 + m + j);
                c11.intoArray(out, o0 + m + j + L);
                c20.intoArray(out, o0 + 2 * m + j);
                c21.intoArray(out, o0 + 2 * m + j + L);
                c30.intoArray(out, o0 + 3 * m + j);
                c31.intoArray(out, o0 + 3 * m + j + L);
            }
            if (j < m) {
                FloatVector c0 = FloatVector.fromArray(S, b, j);
                FloatVector c1 = c0;
                FloatVector c2 = c0;
                FloatVector c3 = c0;
                for (int k = 0, wo = j; k < n; k++, wo += m) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wo);
                    c0 = FloatVector.broadcast(S, in[i0 + k]).fma(w0, c0);
                    c1 = FloatVector.broadcast(S, in[i1 + k]).fma(w0, c1);
                    c2 = FloatVector.broadcast(S, in[i2 + k]).fma(w0, c2);
                    c3 = FloatVector.broadcast(S, in[i3 + k]).fma(w0, c3);
                }
                c0.intoArray(out, o0 + j);
                c1.intoArray(out, o0 + m + j);
                c2.intoArray(out, o0 + 2 * m + j);
                c3.intoArray(out, o0 + 3 * m + j);
            }
        }
        for (; r < rows; r++) {
            denseRow(in, r * inStride, n, w, b, m, out, r * m);
        }
    }

    /**
     * One row (the encoder's case): up to four output vectors at a time, so that four independent
     * chains of fused multiply-adds hide each other's latency.
     */
    private static void denseRow(
            float[] in, int i0, int n, float[] w, float[] b, int m, float[] out, int o0) {
        int j = 0;
        for (; j + 4 * L <= m; j += 4 * L) {
            FloatVector c0 = FloatVector.fromArray(S, b, j);
            FloatVector c1 = FloatVector.fromArray(S, b, j + L);
            FloatVector c2 = FloatVector.fromArray(S, b, j + 2 * L);
            FloatVector c3 = FloatVector.fromArray(S, b, j + 3 * L);
            for (int k = 0, wo = j; k < n; k++, wo += m) {
                FloatVector a = FloatVector.broadcast(S, in[i0 + k]);
                c0 = a.fma(FloatVector.fromArray(S, w, wo), c0);
                c1 = a.fma(FloatVector.fromArray(S, w, wo + L), c1);
                c2 = a.fma(FloatVector.fromArray(S, w, wo + 2 * L), c2);
                c3 = a.fma(FloatVector.fromArray(S, w, wo + 3 * L), c3);
            }
            c0.intoArray(out, o0 + j);
            c1.intoArray(out, o0 + j + L);
            c2.intoArray(out, o0 + j + 2 * L);
            c3.intoArray(out, o0 + j + 3 * L);
        }
        for (; j < m; j += L) {
            FloatVector c = FloatVector.fromArray(S, b, j);
            for (int k = 0, wo = j; k < n; k++, wo += m) {
                c = FloatVector.broadcast(S, in[i0 + k]).fma(FloatVector.fromArray(S, w, wo), c);
            }
            c.intoArray(out, o0 + j);
        }
    }

    static void tanh(float[] v, int len) {
        int i = 0;
        // Four independent vectors per pass: one tanh is a chain of ~15 dependent operations,
        // so a single vector per pass would leave the FMA units waiting on latency.
        for (; i + 4 * L <= len; i += 4 * L) {
            FloatVector a = tanh(FloatVector.fromArray(S, v, i));
            FloatVector b = tanh(FloatVector.fromArray(S, v, i + L));
            FloatVector c = tanh(FloatVector.fromArray(S, v, i + 2 * L));
            FloatVector d = tanh(FloatVector.fromArray(S, v, i + 3 * L));
            a.intoArray(v, i);
            b.intoArray(v, i + L);
            c.intoArray(v, i + 2 * L);
            d.intoArray(v, i + 3 * L);
        }
        for (; i < len; i += L) {
            tanh(FloatVector.fromArray(S, v, i)).intoArray(v, i);
        }
    }

    static void relu(float[] v, int len) {
        for (int i = 0; i < len; i += L) {
            FloatVector.fromArray(S, v, i).max(0f).intoArray(v, i);
        }
    }

    static void softplus(float[] v, int len) {
        for (int i = 0; i < len; i += L) {
            softplus(FloatVector.fromArray(S, v, i)).intoArray(v, i);
        }
    }

    /** See {@link ScalarTileKernels#sigmaHead}. */
    static void sigmaHead(
            float[] head,
            int rows,
            int headStride,
            int off,
            int width,
            float sigmaMin,
            float[] sigma,
            float[] logSigma,
            float[] invSigma) {
        // Four loops, each in its own method, rather than one fused loop: softplus, log and a
        // division in one compiled method exceed C2's inlining budget, vector operations are
        // then left as calls and their vectors boxed (measured several times slower). Arrays,
        // not vectors, cross these calls, so they cost nothing when not inlined. logSigma holds
        // e^-|pre| between the first two.
        expNegAbs(head, rows, headStride, off, width, logSigma);
        softplusFinish(head, rows, headStride, off, width, logSigma, sigmaMin, sigma);
        logOf(sigma, rows * width, logSigma);
        reciprocalOf(sigma, rows * width, invSigma);
    }

    /** {@code out[r * width + j] = e^-|in[r * inStride + off + j]|}. */
    private static void expNegAbs(
            float[] in, int rows, int inStride, int off, int width, float[] out) {
        for (int r = 0; r < rows; r++) {
            int h = r * inStride + off;
            int o = r * width;
            for (int j = 0; j < width; j += L) {
                FloatVector x = FloatVector.fromArray(S, in, h + j);
                expNonPositive(x.abs().neg()).intoArray(out, o + j);
            }
        }
    }

    /**
     * {@code out = max(x, 0) + log1p(e) + add}, with {@code e = e^-|x|} from {@link #expNegAbs}:
     * {@link FloatApprox#softplus} plus a constant, in two passes.
     */
    private static void softplusFinish(
            float[] in,
            int rows,
            int inStride,
            int off,
            int width,
            float[] e,
            float add,
            float[] out) {
        for (int r = 0; r < rows; r++) {
            int h = r * inStride + off;
            int o = r * width;
            for (int j = 0; j < width; j += L) {
                FloatVector x = FloatVector.fromArray(S, in, h + j);
                FloatVector lp = log1pUnit(FloatVector.fromArray(S, e, o + j));
                x.max(0f).add(lp).add(add).intoArray(out, o + j);
            }
        }
    }

    private static void logOf(float[] in, int len, float[] out) {
        for (int i = 0; i < len; i += L) {
            log(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    private static void reciprocalOf(float[] in, int len, float[] out) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < len; i += L) {
            one.div(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    /** {@link FloatApprox#tanh}, lane by lane. */
    static FloatVector tanh(FloatVector v) {
        FloatVector x = v.min(FloatApprox.TANH_CLAMP).max(-FloatApprox.TANH_CLAMP);
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(FloatApprox.TP6, FloatApprox.TP5);
        p = p.fma(x2, c(FloatApprox.TP4));
        p = p.fma(x2, c(FloatApprox.TP3));
        p = p.fma(x2, c(FloatApprox.TP2));
        p = p.fma(x2, c(FloatApprox.TP1));
        p = p.fma(x2, c(1f));
        FloatVector q = x2.fma(FloatApprox.TQ6, FloatApprox.TQ5);
        q = q.fma(x2, c(FloatApprox.TQ4));
        q = q.fma(x2, c(FloatApprox.TQ3));
        q = q.fma(x2, c(FloatApprox.TQ2));
        q = q.fma(x2, c(FloatApprox.TQ1));
        q = q.fma(x2, c(1f));
        return x.mul(p).div(q);
    }

    /** {@link FloatApprox#expNonPositive}, lane by lane. */
    static FloatVector expNonPositive(FloatVector y) {
        FloatVector a = y.max(FloatApprox.EXP_MIN_ARG);
        FloatVector t = a.fma(FloatApprox.LOG2E, FloatApprox.ROUND_MAGIC);
        FloatVector n = t.sub(FloatApprox.ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(FloatApprox.ROUND_MAGIC_BITS);
        FloatVector r = n.fma(c(-FloatApprox.LN2_HI), a);
        r = n.fma(c(-FloatApprox.LN2_LO), r);
        FloatVector p = r.fma(E7, E6);
        p = p.fma(r, c(E5));
        p = p.fma(r, c(E4));
        p = p.fma(r, c(E3));
        p = p.fma(r, c(E2));
        p = p.fma(r, c(1f));
        p = p.fma(r, c(1f));
        FloatVector scale = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** {@link FloatApprox#log1pUnit}, lane by lane. */
    static FloatVector log1pUnit(FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector p = s2.fma(A15, A13);
        p = p.fma(s2, c(A11));
        p = p.fma(s2, c(A9));
        p = p.fma(s2, c(A7));
        p = p.fma(s2, c(A5));
        p = p.fma(s2, c(A3));
        p = p.fma(s2, c(1f));
        return s.mul(2f).mul(p);
    }

    /** {@link FloatApprox#softplus}, lane by lane. */
    static FloatVector softplus(FloatVector h) {
        return h.max(0f).add(log1pUnit(expNonPositive(h.abs().neg())));
    }

    /** {@link FloatApprox#log}, lane by lane. */
    static FloatVector log(FloatVector y) {
        IntVector bits =
                y.max(Float.MIN_NORMAL).reinterpretAsInts().sub(FloatApprox.SQRT_HALF_BITS);
        IntVector k = bits.lanewise(VectorOperators.ASHR, 23);
        FloatVector m =
                bits.and(FloatApprox.MANTISSA_MASK)
                        .add(FloatApprox.SQRT_HALF_BITS)
                        .reinterpretAsFloats();
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector p = s2.fma(A11, A9);
        p = p.fma(s2, c(A7));
        p = p.fma(s2, c(A5));
        p = p.fma(s2, c(A3));
        p = p.fma(s2, c(1f));
        FloatVector kf = (FloatVector) k.convert(VectorOperators.I2F, 0);
        return kf.fma(c(FloatApprox.LN2), s.mul(2f).mul(p));
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }
}

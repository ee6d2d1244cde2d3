package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelOps} on the Vector API, 8 floats per vector (AVX2). Each method applies, lane by
 * lane, exactly the operations of {@link ScalarOps} (fused multiply-add where that uses {@link
 * Math#fma}), and only correctly rounded ones ({@code + - * / fma sqrt min max}, comparisons,
 * blends and integer bit operations): never a lane reduction and never the Vector API's
 * transcendental operations, whose results vary. Loaded reflectively by {@link KernelOps} only
 * when the module {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p><b>Rules that keep C2 from boxing vectors</b> (JDK 17; each was measured to cost 10 to 100
 * times, or tens of kilobytes of garbage per training step):
 *
 * <ul>
 *   <li>No static final vector constants: a constant vector meeting a loop value at a phi stays
 *       boxed. Constants are broadcast where they are used.
 *   <li>No helper method takes or returns a vector. The Vector API's own methods are always
 *       inlined ({@code @ForceInline}); a helper of ours is not once the caller's compilation
 *       passes C2's node budget ({@code NodeCountInliningCutoff}), and then every vector crossing
 *       the call is boxed. So exp and log exist once each, as array operations ({@link #exp},
 *       {@link #log}), and larger steps call them through arrays, in separate passes (the
 *       intermediate values are floats either way, so the results are those of the scalar
 *       code).
 * </ul>
 */
final class VectorOps extends KernelOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;

    VectorOps() {
        // Fail at load time, not in the middle of training, if the module is unusable.
        float[] probe = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f};
        log(probe, 0, L, probe, 0);
        exp(probe, 0, L, probe, 0);
    }

    @Override
    public boolean vectorised() {
        return true;
    }

    private static void checkLanes(int n) {
        if (n % L != 0) {
            throw new IllegalArgumentException("length " + n + " is not a multiple of " + L);
        }
    }

    // ---------------------------------------------------------------- exp and log

    @Override
    public void exp(float[] v, int off, int n, float[] out, int outOff) {
        checkLanes(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector negLn2Hi = FloatVector.broadcast(S, -FloatMath.LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(S, -FloatMath.LN2_LO);
        FloatVector e5 = FloatVector.broadcast(S, FloatMath.E5);
        FloatVector e4 = FloatVector.broadcast(S, FloatMath.E4);
        FloatVector e3 = FloatVector.broadcast(S, FloatMath.E3);
        FloatVector e2 = FloatVector.broadcast(S, FloatMath.E2);
        for (int i = 0; i < n; i += L) {
            FloatVector x =
                    FloatVector.fromArray(S, v, off + i)
                            .max(FloatMath.EXP_LO)
                            .min(FloatMath.EXP_HI);
            FloatVector t = x.fma(FloatMath.LOG2E, FloatMath.ROUND_MAGIC);
            FloatVector k = t.sub(FloatMath.ROUND_MAGIC);
            FloatVector r = k.fma(negLn2Hi, x);
            r = k.fma(negLn2Lo, r);
            FloatVector p = r.fma(FloatMath.E7, FloatMath.E6);
            p = p.fma(r, e5);
            p = p.fma(r, e4);
            p = p.fma(r, e3);
            p = p.fma(r, e2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            FloatVector scale =
                    ((IntVector) t.reinterpretAsInts())
                            .add(127 - FloatMath.ROUND_MAGIC_BITS)
                            .lanewise(VectorOperators.LSHL, 23)
                            .reinterpretAsFloats();
            p.mul(scale).intoArray(out, outOff + i);
        }
    }

    @Override
    public void log(float[] v, int off, int n, float[] out, int outOff) {
        checkLanes(n);
        FloatVector ln2Hi = FloatVector.broadcast(S, FloatMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, FloatMath.LN2_LO);
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, v, off + i);
            IntVector bits = (IntVector) x.reinterpretAsInts();
            IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
            FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
            VectorMask<Float> fold = m.compare(VectorOperators.GT, FloatMath.SQRT2);
            m = m.blend(m.mul(0.5f), fold);
            // float(e) exactly, by bits (|e| < 2^22): cheaper for C2 than a lane conversion.
            FloatVector k =
                    e.add(FloatMath.ROUND_MAGIC_BITS)
                            .reinterpretAsFloats()
                            .sub(FloatMath.ROUND_MAGIC);
            k = k.blend(k.add(1f), fold);
            FloatVector f = m.sub(1f);
            FloatVector s = f.div(f.add(2f));
            FloatVector z = s.mul(s);
            FloatVector w = z.mul(z);
            FloatVector r =
                    z.mul(w.fma(FloatMath.LG3, FloatMath.LG1))
                            .add(w.mul(w.fma(FloatMath.LG4, FloatMath.LG2)));
            FloatVector hfsq = f.mul(0.5f).mul(f);
            FloatVector logm = f.sub(hfsq.sub(s.mul(hfsq.add(r))));
            FloatVector result = k.fma(ln2Hi, k.fma(ln2Lo, logm));
            x.blend(result, x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY))
                    .intoArray(out, outOff + i);
        }
    }

    // ---------------------------------------------------------------- products

    @Override
    public void gemm(
            float[] a,
            int aOff,
            int aRowStride,
            int aColStride,
            int rows,
            int depth,
            float[] b,
            int bOff,
            int bStride,
            float[] c,
            int cOff,
            int cStride,
            int width,
            float[] init,
            int initOff,
            int initRowStride) {
        checkLanes(width);
        int i = 0;
        for (; i + 3 < rows; i += 4) {
            int j = 0;
            for (; j + 2 * L <= width; j += 2 * L) {
                block4x2(a, aOff + i * aRowStride, aRowStride, aColStride, depth, b, bOff + j,
                        bStride, c, cOff + i * cStride + j, cStride, init,
                        initOff + i * initRowStride + j, initRowStride);
            }
            if (j < width) {
                block4x1(a, aOff + i * aRowStride, aRowStride, aColStride, depth, b, bOff + j,
                        bStride, c, cOff + i * cStride + j, cStride, init,
                        initOff + i * initRowStride + j, initRowStride);
            }
        }
        for (; i < rows; i++) {
            for (int j = 0; j < width; j += L) {
                block1x1(a, aOff + i * aRowStride, aColStride, depth, b, bOff + j, bStride, c,
                        cOff + i * cStride + j, init, initOff + i * initRowStride + j);
            }
        }
    }

    /** Four rows by sixteen columns; every column's sum runs over p in order. */
    private static void block4x2(
            float[] a,
            int a0,
            int ars,
            int acs,
            int depth,
            float[] b,
            int bp,
            int bs,
            float[] c,
            int c0,
            int cs,
            float[] init,
            int i0,
            int is) {
        FloatVector x00 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0);
        FloatVector x01 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + L);
        FloatVector x10 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + is);
        FloatVector x11 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + is + L);
        FloatVector x20 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 2 * is);
        FloatVector x21 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 2 * is + L);
        FloatVector x30 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 3 * is);
        FloatVector x31 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 3 * is + L);
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int p = 0, ap = 0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            x00 = v.fma(b0, x00);
            x01 = v.fma(b1, x01);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            x10 = v.fma(b0, x10);
            x11 = v.fma(b1, x11);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            x20 = v.fma(b0, x20);
            x21 = v.fma(b1, x21);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            x30 = v.fma(b0, x30);
            x31 = v.fma(b1, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c0 + cs);
        x11.intoArray(c, c0 + cs + L);
        x20.intoArray(c, c0 + 2 * cs);
        x21.intoArray(c, c0 + 2 * cs + L);
        x30.intoArray(c, c0 + 3 * cs);
        x31.intoArray(c, c0 + 3 * cs + L);
    }

    private static void block4x1(
            float[] a,
            int a0,
            int ars,
            int acs,
            int depth,
            float[] b,
            int bp,
            int bs,
            float[] c,
            int c0,
            int cs,
            float[] init,
            int i0,
            int is) {
        FloatVector x0 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0);
        FloatVector x1 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + is);
        FloatVector x2 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 2 * is);
        FloatVector x3 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 3 * is);
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int p = 0, ap = 0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            x0 = FloatVector.broadcast(S, a[a0 + ap]).fma(b0, x0);
            x1 = FloatVector.broadcast(S, a[a1 + ap]).fma(b0, x1);
            x2 = FloatVector.broadcast(S, a[a2 + ap]).fma(b0, x2);
            x3 = FloatVector.broadcast(S, a[a3 + ap]).fma(b0, x3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + cs);
        x2.intoArray(c, c0 + 2 * cs);
        x3.intoArray(c, c0 + 3 * cs);
    }

    private static void block1x1(
            float[] a,
            int a0,
            int acs,
            int depth,
            float[] b,
            int bp,
            int bs,
            float[] c,
            int c0,
            float[] init,
            int i0) {
        FloatVector x = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0);
        for (int p = 0, ap = a0; p < depth; p++, bp += bs, ap += acs) {
            x = FloatVector.broadcast(S, a[ap]).fma(FloatVector.fromArray(S, b, bp), x);
        }
        x.intoArray(c, c0);
    }

    @Override
    public void columnSums(
            float[] src, int off, int stride, int rows, int width, float[] dst, int dstOff) {
        checkLanes(width);
        for (int j = 0; j < width; j += L) {
            FloatVector s = FloatVector.zero(S);
            for (int r = 0, o = off + j; r < rows; r++, o += stride) {
                s = s.add(FloatVector.fromArray(S, src, o));
            }
            s.intoArray(dst, dstOff + j);
        }
    }

    @Override
    public void columnSumsAndSquares(
            float[] src,
            int off,
            int stride,
            int rows,
            int width,
            float[] sums,
            float[] squares,
            int dstOff) {
        checkLanes(width);
        for (int j = 0; j < width; j += L) {
            FloatVector s = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (int r = 0, o = off + j; r < rows; r++, o += stride) {
                FloatVector v = FloatVector.fromArray(S, src, o);
                s = s.add(v);
                q = v.fma(v, q);
            }
            s.intoArray(sums, dstOff + j);
            q.intoArray(squares, dstOff + j);
        }
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public void activate(
            Activation act, float[] pre, float[] out, float[] deriv, int off, int n) {
        checkLanes(n);
        switch (act) {
            case TANH -> {
                // out = exp(2 min(|x|, 9)), then the Padé or exponential form.
                for (int i = off; i < off + n; i += L) {
                    FloatVector.fromArray(S, pre, i)
                            .abs()
                            .min(FloatMath.TANH_CLAMP)
                            .mul(2f)
                            .intoArray(out, i);
                }
                exp(out, off, n, out, off);
                tanhFinish(pre, out, off, n);
            }
            case RELU -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector.fromArray(S, pre, i).max(0f).intoArray(out, i);
                }
            }
            case SOFTPLUS -> softplusSigmoid(pre, out, deriv, off, n, 0f);
        }
    }

    /** {@code out = tanh(pre)} given {@code out = exp(2 min(|pre|, 9))}. */
    private static void tanhFinish(float[] pre, float[] out, int off, int n) {
        FloatVector t1 = FloatVector.broadcast(S, FloatMath.T1);
        FloatVector t3 = FloatVector.broadcast(S, FloatMath.T3);
        FloatVector d2 = FloatVector.broadcast(S, FloatMath.D2);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = off; i < off + n; i += L) {
            FloatVector v = FloatVector.fromArray(S, pre, i);
            FloatVector e = FloatVector.fromArray(S, out, i);
            FloatVector x2 = v.mul(v);
            FloatVector num = v.mul(x2.add(FloatMath.T5).fma(x2, t3).fma(x2, t1));
            FloatVector den = x2.fma(FloatMath.D6, FloatMath.D4).fma(x2, d2).fma(x2, t1);
            FloatVector pade = num.div(den);
            FloatVector t = one.sub(two.div(e.add(1f)));
            FloatVector far = t.blend(t.neg(), v.compare(VectorOperators.LT, 0f));
            far.blend(pade, v.abs().compare(VectorOperators.LE, 1f)).intoArray(out, i);
        }
    }

    @Override
    public void activationGradient(
            Activation act, float[] deriv, float[] out, int off, float[] d, int dOff, int n) {
        checkLanes(n);
        switch (act) {
            case TANH -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (int i = 0; i < n; i += L) {
                    FloatVector t = FloatVector.fromArray(S, out, off + i);
                    FloatVector dv = FloatVector.fromArray(S, d, dOff + i);
                    dv.mul(t.neg().fma(t, one)).intoArray(d, dOff + i);
                }
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (int i = 0; i < n; i += L) {
                    FloatVector t = FloatVector.fromArray(S, out, off + i);
                    FloatVector dv = FloatVector.fromArray(S, d, dOff + i);
                    zero.blend(dv, t.compare(VectorOperators.GT, 0f)).intoArray(d, dOff + i);
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i += L) {
                    FloatVector g = FloatVector.fromArray(S, deriv, off + i);
                    FloatVector.fromArray(S, d, dOff + i).mul(g).intoArray(d, dOff + i);
                }
            }
        }
    }

    /** In passes (see the class comment): e = exp(-|x|), then log(1 + e), then the rest. */
    @Override
    public void softplusSigmoid(float[] x, float[] sp, float[] sg, int off, int n, float add) {
        checkLanes(n);
        for (int i = off; i < off + n; i += L) {
            FloatVector.fromArray(S, x, i).abs().neg().intoArray(sg, i);
        }
        exp(sg, off, n, sg, off);
        for (int i = off; i < off + n; i += L) {
            FloatVector.fromArray(S, sg, i).add(1f).intoArray(sp, i);
        }
        log(sp, off, n, sp, off);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = off; i < off + n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = FloatVector.fromArray(S, sg, i);
            FloatVector u = e.add(1f);
            // log1p(e) = log(u) + (e - (u - 1)) / u corrects for the rounding of 1 + e.
            FloatVector log1p = FloatVector.fromArray(S, sp, i).add(e.sub(u.sub(1f)).div(u));
            v.max(0f).add(log1p).add(add).intoArray(sp, i);
            e.blend(one, v.compare(VectorOperators.GE, 0f)).div(u).intoArray(sg, i);
        }
    }

    @Override
    public void sampleLatent(
            float[] mu, float[] sigma, float[] eps, int epsOff, float[] z, int off, int n) {
        checkLanes(n);
        for (int i = 0; i < n; i += L) {
            FloatVector s = FloatVector.fromArray(S, sigma, off + i);
            s.fma(FloatVector.fromArray(S, eps, epsOff + i), FloatVector.fromArray(S, mu, off + i))
                    .intoArray(z, off + i);
        }
    }

    @Override
    public void klColumnSums(
            float[] mu,
            float[] sigma,
            float[] logSigma,
            int off,
            int rows,
            int width,
            float[] dst,
            int dstOff) {
        checkLanes(width);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        FloatVector minusOne = FloatVector.broadcast(S, -1f);
        for (int j = 0; j < width; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0, o = off + j; r < rows; r++, o += width) {
                FloatVector m = FloatVector.fromArray(S, mu, o);
                FloatVector s = FloatVector.fromArray(S, sigma, o);
                FloatVector t = m.fma(m, s.fma(s, minusOne));
                acc = acc.add(half.fma(t, FloatVector.fromArray(S, logSigma, o).neg()));
            }
            acc.intoArray(dst, dstOff + j);
        }
    }

    @Override
    public void gaussianOutputShared(
            float[] x,
            float[] mu,
            int off,
            int rows,
            int width,
            float[] invSigma,
            float negInvB,
            float invB,
            float[] dMu,
            int dOff,
            float[] r2Sums,
            float[] dSigmaSums,
            int sumOff) {
        checkLanes(width);
        // The two cases in separate loops: a vector updated under a condition in the loop
        // would meet itself at a phi (see the class comment).
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < width; j += L) {
            FloatVector inv = FloatVector.fromArray(S, invSigma, j);
            FloatVector r2 = FloatVector.zero(S);
            if (dSigmaSums == null) {
                for (int row = 0; row < rows; row++) {
                    int o = off + row * width + j;
                    FloatVector r =
                            FloatVector.fromArray(S, x, o)
                                    .sub(FloatVector.fromArray(S, mu, o))
                                    .mul(inv);
                    r.mul(inv).mul(negInvB).intoArray(dMu, dOff + row * width + j);
                    r2 = r.fma(r, r2);
                }
            } else {
                FloatVector ds = FloatVector.zero(S);
                for (int row = 0; row < rows; row++) {
                    int o = off + row * width + j;
                    FloatVector r =
                            FloatVector.fromArray(S, x, o)
                                    .sub(FloatVector.fromArray(S, mu, o))
                                    .mul(inv);
                    r.mul(inv).mul(negInvB).intoArray(dMu, dOff + row * width + j);
                    r2 = r.fma(r, r2);
                    ds = ds.add(r.neg().fma(r, one).mul(inv).mul(invB));
                }
                ds.intoArray(dSigmaSums, sumOff + j);
            }
            r2.intoArray(r2Sums, sumOff + j);
        }
    }

    @Override
    public void gaussianOutputPerRow(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] gate,
            int off,
            int rows,
            int width,
            float[] mask,
            float negInvB,
            float invB,
            float[] dMu,
            float[] dSigmaPre,
            int dOff,
            float[] r2Sums,
            int sumOff) {
        checkLanes(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < width; j += L) {
            FloatVector mk = FloatVector.fromArray(S, mask, j);
            FloatVector r2 = FloatVector.zero(S);
            for (int row = 0; row < rows; row++) {
                int o = off + row * width + j;
                int od = dOff + row * width + j;
                FloatVector s = FloatVector.fromArray(S, sigma, o);
                FloatVector inv = one.div(s);
                FloatVector r =
                        FloatVector.fromArray(S, x, o)
                                .sub(FloatVector.fromArray(S, mu, o))
                                .mul(inv);
                r.mul(inv).mul(negInvB).intoArray(dMu, od);
                FloatVector ds = r.neg().fma(r, one).mul(inv).mul(invB);
                ds.mul(FloatVector.fromArray(S, gate, o)).mul(mk).intoArray(dSigmaPre, od);
                r2 = r.fma(r, r2);
            }
            r2.intoArray(r2Sums, sumOff + j);
        }
    }

    @Override
    public void latentGradient(
            float[] mu,
            float[] sigma,
            float[] gate,
            float[] eps,
            int off,
            float[] dZ,
            int dOff,
            float[] klScale,
            int rows,
            int width,
            float[] dMu,
            float[] dSigmaPre) {
        checkLanes(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < width; j += L) {
            FloatVector scale = FloatVector.fromArray(S, klScale, j);
            for (int row = 0; row < rows; row++) {
                int o = off + row * width + j;
                int od = dOff + row * width + j;
                FloatVector dz = FloatVector.fromArray(S, dZ, od);
                FloatVector s = FloatVector.fromArray(S, sigma, o);
                FloatVector.fromArray(S, mu, o).fma(scale, dz).intoArray(dMu, od);
                FloatVector ds =
                        s.sub(one.div(s)).fma(scale, dz.mul(FloatVector.fromArray(S, eps, o)));
                ds.mul(FloatVector.fromArray(S, gate, o)).intoArray(dSigmaPre, od);
            }
        }
    }

    @Override
    public void residualSquares(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] invSigma,
            int off,
            int rows,
            int width,
            float[] out,
            int outOff) {
        checkLanes(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int oo = outOff + row * width;
            if (sigma != null) {
                for (int j = 0; j < width; j += L) {
                    FloatVector inv = one.div(FloatVector.fromArray(S, sigma, o + j));
                    FloatVector r =
                            FloatVector.fromArray(S, x, o + j)
                                    .sub(FloatVector.fromArray(S, mu, o + j))
                                    .mul(inv);
                    r.mul(r).intoArray(out, oo + j);
                }
            } else {
                for (int j = 0; j < width; j += L) {
                    FloatVector inv = FloatVector.fromArray(S, invSigma, j);
                    FloatVector r =
                            FloatVector.fromArray(S, x, o + j)
                                    .sub(FloatVector.fromArray(S, mu, o + j))
                                    .mul(inv);
                    r.mul(r).intoArray(out, oo + j);
                }
            }
        }
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        checkLanes(n);
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, dst, dstOff + i)
                    .add(FloatVector.fromArray(S, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
    }

    @Override
    public void adam(
            float[] p,
            float[] m,
            float[] v,
            float[] g,
            int off,
            int n,
            float scale,
            float b1,
            float ob1,
            float b2,
            float ob2,
            float c2,
            float eps,
            float lrc1) {
        checkLanes(n);
        for (int i = off; i < off + n; i += L) {
            FloatVector gs = FloatVector.fromArray(S, g, i).mul(scale);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gs.mul(ob1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gs.mul(gs).mul(ob2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector den = vi.div(c2).lanewise(VectorOperators.SQRT).add(eps);
            FloatVector.fromArray(S, p, i).sub(mi.div(den).mul(lrc1)).intoArray(p, i);
        }
    }
}

package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelOps} on the Vector API. Each method applies, lane by lane, exactly the operations of
 * {@link ScalarOps} (fused multiply-add where that uses {@link Math#fma}), and only correctly
 * rounded ones ({@code + - * / fma sqrt min max}, comparisons, blends and integer bit operations):
 * never a lane reduction and never the Vector API's transcendental operations, whose results vary.
 * So results do not depend on the vector width either. Loaded reflectively by {@link KernelOps}
 * only when the module {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p><b>One species per JVM</b> ({@link #species}): 256 bits unless {@link
 * KernelOps#VECTOR_BITS_PROPERTY} asks for another width the CPU has. Rows are padded to {@link
 * KernelOps#LANES} (8) floats, so with 512-bit vectors (16 lanes) the columns or elements beyond
 * the last whole vector go to {@link ScalarOps}, the specification, which gives the same bits.
 * Measured on the project's AMD EPYC (Zen 4, AVX-512 on 256-bit units; JDK 17): a 16x64x64 product
 * runs at 55 GMAC/s with 4x4 blocks of 256-bit vectors and the same with 512-bit ones, and the
 * 8-lane tails of a 40-wide layer and the 8-wide latent layers then cost more than 512 bits gain.
 *
 * <p><b>Rules that keep C2 from boxing vectors</b> (JDK 17; each was measured to cost 10 to 100
 * times, or tens of kilobytes of garbage per training step):
 *
 * <ul>
 *   <li>One vector species in the whole JVM. The Vector API's shared methods ({@code
 *       FloatVector.abs}, {@code fma}, ...) keep one type profile for every caller; once two
 *       species have run through them, C2 inlines both shapes behind a type check and then fails
 *       to intrinsify (measured: a 512-bit product 20 times slower after 256-bit code had run).
 *   <li>No static final vector constants: a constant vector meeting a loop value at a phi stays
 *       boxed. Constants are broadcast where they are used.
 *   <li>No helper method takes or returns a vector. The Vector API's own methods are always
 *       inlined ({@code @ForceInline}); a helper of ours is not once the caller's compilation
 *       passes C2's node budget ({@code NodeCountInliningCutoff}), and then every vector crossing
 *       the call is boxed. So exp and log exist once each, as array operations ({@link #exp},
 *       {@link #log}), and larger steps call them through arrays, in separate passes (the
 *       intermediate values are floats either way, so the results are those of the scalar
 *       code).
 *   <li>A clamp to a nonzero constant is a compare and a blend, not {@code min}/{@code max}: C2
 *       expands a lane-wise min or max into about five instructions to get Java's NaN and signed
 *       zero rules, which a compare against a constant other than zero gives the same way (a NaN
 *       compares false and stays NaN). {@code max(x, 0)} keeps {@code max}: it must turn -0 into
 *       +0.
 * </ul>
 */
final class VectorOps extends KernelOps {
    private static final VectorSpecies<Float> S = species(System.getProperty(VECTOR_BITS_PROPERTY));
    private static final int L = S.length();
    private static final ScalarOps TAIL = ScalarOps.INSTANCE;

    VectorOps() {
        // Fail at load time, not in the middle of training, if the module is unusable.
        float[] probe = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f};
        log(probe, 0, LANES, probe, 0);
        exp(probe, 0, LANES, probe, 0);
    }

    /**
     * The species for a requested width in bits (null: {@link #DEFAULT_BITS}), never wider than
     * the CPU's preferred one (a wider species would be emulated, in Java, lane by lane).
     */
    static VectorSpecies<Float> species(String bits) {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int want = DEFAULT_BITS;
        if (bits != null && !bits.isBlank()) {
            try {
                want = Integer.parseInt(bits.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        VECTOR_BITS_PROPERTY + ": not a number of bits: " + bits, e);
            }
            if (want != 128 && want != 256 && want != 512) {
                throw new IllegalArgumentException(
                        VECTOR_BITS_PROPERTY + ": must be 128, 256 or 512 but was " + bits);
            }
        }
        return VectorShape.forBitSize(Math.min(want, preferred)).withLanes(float.class);
    }

    /** The default vector width: see the class comment for why not the preferred one. */
    static final int DEFAULT_BITS = 256;

    @Override
    public boolean vectorised() {
        return true;
    }

    @Override
    public int vectorLanes() {
        return L;
    }

    private static void checkLanes(int n) {
        if (n % LANES != 0) {
            throw new IllegalArgumentException("length " + n + " is not a multiple of " + LANES);
        }
    }

    /** {@code n} rounded down to whole vectors. */
    private static int whole(int n) {
        return n - n % L;
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
        FloatVector lo = FloatVector.broadcast(S, FloatMath.EXP_LO);
        FloatVector hi = FloatVector.broadcast(S, FloatMath.EXP_HI);
        int m = whole(n);
        for (int i = 0; i < m; i += L) {
            FloatVector x = FloatVector.fromArray(S, v, off + i);
            x = x.blend(lo, x.compare(VectorOperators.LT, FloatMath.EXP_LO));
            x = x.blend(hi, x.compare(VectorOperators.GT, FloatMath.EXP_HI));
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
                    t.reinterpretAsInts()
                            .add(127 - FloatMath.ROUND_MAGIC_BITS)
                            .lanewise(VectorOperators.LSHL, 23)
                            .reinterpretAsFloats();
            p.mul(scale).intoArray(out, outOff + i);
        }
        if (m < n) {
            TAIL.exp(v, off + m, n - m, out, outOff + m);
        }
    }

    @Override
    public void log(float[] v, int off, int n, float[] out, int outOff) {
        checkLanes(n);
        FloatVector ln2Hi = FloatVector.broadcast(S, FloatMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, FloatMath.LN2_LO);
        int m = whole(n);
        for (int i = 0; i < m; i += L) {
            FloatVector x = FloatVector.fromArray(S, v, off + i);
            IntVector bits = x.reinterpretAsInts();
            IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
            FloatVector mant = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
            VectorMask<Float> fold = mant.compare(VectorOperators.GT, FloatMath.SQRT2);
            mant = mant.blend(mant.mul(0.5f), fold);
            // float(e) exactly, by bits (|e| < 2^22): cheaper for C2 than a lane conversion.
            FloatVector k =
                    e.add(FloatMath.ROUND_MAGIC_BITS)
                            .reinterpretAsFloats()
                            .sub(FloatMath.ROUND_MAGIC);
            k = k.blend(k.add(1f), fold);
            FloatVector f = mant.sub(1f);
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
        if (m < n) {
            TAIL.log(v, off + m, n - m, out, outOff + m);
        }
    }

    // ---------------------------------------------------------------- products

    /**
     * Register blocks of 4 rows by 4 or 5 vectors (16 or 20 independent accumulators: enough to
     * keep both FMA pipes busy through the FMA latency; 4 rows by 2 vectors measured 35 instead of
     * 55 GMAC/s), 8 rows by 1 vector for narrow layers, and rows left over one at a time across
     * up to 8 vectors.
     */
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
        int vw = whole(width);
        int rows4 = rows & ~3;
        for (int j = 0; j < vw; ) {
            int r = (vw - j) / L;
            int nv = r >= 5 && r % 4 != 0 ? 5 : r >= 4 ? 4 : r >= 2 ? 2 : 1;
            int i = 0;
            if (nv == 1) {
                for (; i + 7 < rows; i += 8) {
                    block8x1(a, aOff + i * aRowStride, aRowStride, aColStride, depth, b, bOff + j,
                            bStride, c, cOff + i * cStride + j, cStride, init,
                            initOff + i * initRowStride + j, initRowStride);
                }
            }
            for (; i < rows4; i += 4) {
                int ai = aOff + i * aRowStride;
                int ci = cOff + i * cStride + j;
                int ii = initOff + i * initRowStride + j;
                switch (nv) {
                    case 5 -> block4x5(a, ai, aRowStride, aColStride, depth, b, bOff + j, bStride,
                            c, ci, cStride, init, ii, initRowStride);
                    case 4 -> block4x4(a, ai, aRowStride, aColStride, depth, b, bOff + j, bStride,
                            c, ci, cStride, init, ii, initRowStride);
                    case 2 -> block4x2(a, ai, aRowStride, aColStride, depth, b, bOff + j, bStride,
                            c, ci, cStride, init, ii, initRowStride);
                    default -> block4x1(a, ai, aRowStride, aColStride, depth, b, bOff + j,
                            bStride, c, ci, cStride, init, ii, initRowStride);
                }
            }
            j += nv * L;
        }
        for (int i = rows4; i < rows; i++) {
            int ai = aOff + i * aRowStride;
            int ci = cOff + i * cStride;
            int ii = initOff + i * initRowStride;
            int j = 0;
            for (; j + 8 * L <= vw; j += 8 * L) {
                block1x8(a, ai, aColStride, depth, b, bOff + j, bStride, c, ci + j, init, ii + j);
            }
            for (; j + 4 * L <= vw; j += 4 * L) {
                block1x4(a, ai, aColStride, depth, b, bOff + j, bStride, c, ci + j, init, ii + j);
            }
            for (; j < vw; j += L) {
                block1x1(a, ai, aColStride, depth, b, bOff + j, bStride, c, ci + j, init, ii + j);
            }
        }
        if (vw < width) {
            TAIL.gemm(a, aOff, aRowStride, aColStride, rows, depth, b, bOff + vw, bStride, c,
                    cOff + vw, cStride, width - vw, init, initOff + vw, initRowStride);
        }
    }

    /** Four rows by five vectors (a 40-wide output layer in one block at 8 lanes). */
    private static void block4x5(
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
        FloatVector x00;
        FloatVector x01;
        FloatVector x02;
        FloatVector x03;
        FloatVector x04;
        FloatVector x10;
        FloatVector x11;
        FloatVector x12;
        FloatVector x13;
        FloatVector x14;
        FloatVector x20;
        FloatVector x21;
        FloatVector x22;
        FloatVector x23;
        FloatVector x24;
        FloatVector x30;
        FloatVector x31;
        FloatVector x32;
        FloatVector x33;
        FloatVector x34;
        if (init == null) {
            x00 = FloatVector.zero(S);
            x01 = x00;
            x02 = x00;
            x03 = x00;
            x04 = x00;
            x10 = x00;
            x11 = x00;
            x12 = x00;
            x13 = x00;
            x14 = x00;
            x20 = x00;
            x21 = x00;
            x22 = x00;
            x23 = x00;
            x24 = x00;
            x30 = x00;
            x31 = x00;
            x32 = x00;
            x33 = x00;
            x34 = x00;
        } else {
            x00 = FloatVector.fromArray(S, init, i0);
            x01 = FloatVector.fromArray(S, init, i0 + L);
            x02 = FloatVector.fromArray(S, init, i0 + 2 * L);
            x03 = FloatVector.fromArray(S, init, i0 + 3 * L);
            x04 = FloatVector.fromArray(S, init, i0 + 4 * L);
            x10 = FloatVector.fromArray(S, init, i0 + is);
            x11 = FloatVector.fromArray(S, init, i0 + is + L);
            x12 = FloatVector.fromArray(S, init, i0 + is + 2 * L);
            x13 = FloatVector.fromArray(S, init, i0 + is + 3 * L);
            x14 = FloatVector.fromArray(S, init, i0 + is + 4 * L);
            x20 = FloatVector.fromArray(S, init, i0 + 2 * is);
            x21 = FloatVector.fromArray(S, init, i0 + 2 * is + L);
            x22 = FloatVector.fromArray(S, init, i0 + 2 * is + 2 * L);
            x23 = FloatVector.fromArray(S, init, i0 + 2 * is + 3 * L);
            x24 = FloatVector.fromArray(S, init, i0 + 2 * is + 4 * L);
            x30 = FloatVector.fromArray(S, init, i0 + 3 * is);
            x31 = FloatVector.fromArray(S, init, i0 + 3 * is + L);
            x32 = FloatVector.fromArray(S, init, i0 + 3 * is + 2 * L);
            x33 = FloatVector.fromArray(S, init, i0 + 3 * is + 3 * L);
            x34 = FloatVector.fromArray(S, init, i0 + 3 * is + 4 * L);
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int p = 0, ap = 0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bp + 4 * L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            x00 = v.fma(b0, x00);
            x01 = v.fma(b1, x01);
            x02 = v.fma(b2, x02);
            x03 = v.fma(b3, x03);
            x04 = v.fma(b4, x04);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            x10 = v.fma(b0, x10);
            x11 = v.fma(b1, x11);
            x12 = v.fma(b2, x12);
            x13 = v.fma(b3, x13);
            x14 = v.fma(b4, x14);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            x20 = v.fma(b0, x20);
            x21 = v.fma(b1, x21);
            x22 = v.fma(b2, x22);
            x23 = v.fma(b3, x23);
            x24 = v.fma(b4, x24);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            x30 = v.fma(b0, x30);
            x31 = v.fma(b1, x31);
            x32 = v.fma(b2, x32);
            x33 = v.fma(b3, x33);
            x34 = v.fma(b4, x34);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x04.intoArray(c, c0 + 4 * L);
        x10.intoArray(c, c0 + cs);
        x11.intoArray(c, c0 + cs + L);
        x12.intoArray(c, c0 + cs + 2 * L);
        x13.intoArray(c, c0 + cs + 3 * L);
        x14.intoArray(c, c0 + cs + 4 * L);
        x20.intoArray(c, c0 + 2 * cs);
        x21.intoArray(c, c0 + 2 * cs + L);
        x22.intoArray(c, c0 + 2 * cs + 2 * L);
        x23.intoArray(c, c0 + 2 * cs + 3 * L);
        x24.intoArray(c, c0 + 2 * cs + 4 * L);
        x30.intoArray(c, c0 + 3 * cs);
        x31.intoArray(c, c0 + 3 * cs + L);
        x32.intoArray(c, c0 + 3 * cs + 2 * L);
        x33.intoArray(c, c0 + 3 * cs + 3 * L);
        x34.intoArray(c, c0 + 3 * cs + 4 * L);
    }

    /** Four rows by four vectors; every column's sum runs over p in order. */
    private static void block4x4(
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
        FloatVector x00;
        FloatVector x01;
        FloatVector x02;
        FloatVector x03;
        FloatVector x10;
        FloatVector x11;
        FloatVector x12;
        FloatVector x13;
        FloatVector x20;
        FloatVector x21;
        FloatVector x22;
        FloatVector x23;
        FloatVector x30;
        FloatVector x31;
        FloatVector x32;
        FloatVector x33;
        if (init == null) {
            x00 = FloatVector.zero(S);
            x01 = x00;
            x02 = x00;
            x03 = x00;
            x10 = x00;
            x11 = x00;
            x12 = x00;
            x13 = x00;
            x20 = x00;
            x21 = x00;
            x22 = x00;
            x23 = x00;
            x30 = x00;
            x31 = x00;
            x32 = x00;
            x33 = x00;
        } else {
            x00 = FloatVector.fromArray(S, init, i0);
            x01 = FloatVector.fromArray(S, init, i0 + L);
            x02 = FloatVector.fromArray(S, init, i0 + 2 * L);
            x03 = FloatVector.fromArray(S, init, i0 + 3 * L);
            x10 = FloatVector.fromArray(S, init, i0 + is);
            x11 = FloatVector.fromArray(S, init, i0 + is + L);
            x12 = FloatVector.fromArray(S, init, i0 + is + 2 * L);
            x13 = FloatVector.fromArray(S, init, i0 + is + 3 * L);
            x20 = FloatVector.fromArray(S, init, i0 + 2 * is);
            x21 = FloatVector.fromArray(S, init, i0 + 2 * is + L);
            x22 = FloatVector.fromArray(S, init, i0 + 2 * is + 2 * L);
            x23 = FloatVector.fromArray(S, init, i0 + 2 * is + 3 * L);
            x30 = FloatVector.fromArray(S, init, i0 + 3 * is);
            x31 = FloatVector.fromArray(S, init, i0 + 3 * is + L);
            x32 = FloatVector.fromArray(S, init, i0 + 3 * is + 2 * L);
            x33 = FloatVector.fromArray(S, init, i0 + 3 * is + 3 * L);
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int p = 0, ap = 0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            x00 = v.fma(b0, x00);
            x01 = v.fma(b1, x01);
            x02 = v.fma(b2, x02);
            x03 = v.fma(b3, x03);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            x10 = v.fma(b0, x10);
            x11 = v.fma(b1, x11);
            x12 = v.fma(b2, x12);
            x13 = v.fma(b3, x13);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            x20 = v.fma(b0, x20);
            x21 = v.fma(b1, x21);
            x22 = v.fma(b2, x22);
            x23 = v.fma(b3, x23);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            x30 = v.fma(b0, x30);
            x31 = v.fma(b1, x31);
            x32 = v.fma(b2, x32);
            x33 = v.fma(b3, x33);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c0 + cs);
        x11.intoArray(c, c0 + cs + L);
        x12.intoArray(c, c0 + cs + 2 * L);
        x13.intoArray(c, c0 + cs + 3 * L);
        x20.intoArray(c, c0 + 2 * cs);
        x21.intoArray(c, c0 + 2 * cs + L);
        x22.intoArray(c, c0 + 2 * cs + 2 * L);
        x23.intoArray(c, c0 + 2 * cs + 3 * L);
        x30.intoArray(c, c0 + 3 * cs);
        x31.intoArray(c, c0 + 3 * cs + L);
        x32.intoArray(c, c0 + 3 * cs + 2 * L);
        x33.intoArray(c, c0 + 3 * cs + 3 * L);
    }

    /** Four rows by two vectors. */
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

    /** Eight rows by one vector: as many independent sums as four by two, for narrow layers. */
    private static void block8x1(
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
        FloatVector x4 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 4 * is);
        FloatVector x5 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 5 * is);
        FloatVector x6 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 6 * is);
        FloatVector x7 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 7 * is);
        for (int p = 0, ap = a0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            x0 = FloatVector.broadcast(S, a[ap]).fma(b0, x0);
            x1 = FloatVector.broadcast(S, a[ap + ars]).fma(b0, x1);
            x2 = FloatVector.broadcast(S, a[ap + 2 * ars]).fma(b0, x2);
            x3 = FloatVector.broadcast(S, a[ap + 3 * ars]).fma(b0, x3);
            x4 = FloatVector.broadcast(S, a[ap + 4 * ars]).fma(b0, x4);
            x5 = FloatVector.broadcast(S, a[ap + 5 * ars]).fma(b0, x5);
            x6 = FloatVector.broadcast(S, a[ap + 6 * ars]).fma(b0, x6);
            x7 = FloatVector.broadcast(S, a[ap + 7 * ars]).fma(b0, x7);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + cs);
        x2.intoArray(c, c0 + 2 * cs);
        x3.intoArray(c, c0 + 3 * cs);
        x4.intoArray(c, c0 + 4 * cs);
        x5.intoArray(c, c0 + 5 * cs);
        x6.intoArray(c, c0 + 6 * cs);
        x7.intoArray(c, c0 + 7 * cs);
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

    /** One row by eight vectors (a single event's encoder: eight independent sums). */
    private static void block1x8(
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
        FloatVector x0 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0);
        FloatVector x1 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + L);
        FloatVector x2 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector x3 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 3 * L);
        FloatVector x4 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 4 * L);
        FloatVector x5 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 5 * L);
        FloatVector x6 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 6 * L);
        FloatVector x7 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 7 * L);
        for (int p = 0, ap = a0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, bp + 2 * L), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, bp + 3 * L), x3);
            x4 = v.fma(FloatVector.fromArray(S, b, bp + 4 * L), x4);
            x5 = v.fma(FloatVector.fromArray(S, b, bp + 5 * L), x5);
            x6 = v.fma(FloatVector.fromArray(S, b, bp + 6 * L), x6);
            x7 = v.fma(FloatVector.fromArray(S, b, bp + 7 * L), x7);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
        x2.intoArray(c, c0 + 2 * L);
        x3.intoArray(c, c0 + 3 * L);
        x4.intoArray(c, c0 + 4 * L);
        x5.intoArray(c, c0 + 5 * L);
        x6.intoArray(c, c0 + 6 * L);
        x7.intoArray(c, c0 + 7 * L);
    }

    /** One row by four vectors. */
    private static void block1x4(
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
        FloatVector x0 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0);
        FloatVector x1 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + L);
        FloatVector x2 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector x3 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i0 + 3 * L);
        for (int p = 0, ap = a0; p < depth; p++, bp += bs, ap += acs) {
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, bp + 2 * L), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, bp + 3 * L), x3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
        x2.intoArray(c, c0 + 2 * L);
        x3.intoArray(c, c0 + 3 * L);
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
        int m = whole(width);
        for (int j = 0; j < m; j += L) {
            FloatVector s = FloatVector.zero(S);
            for (int r = 0, o = off + j; r < rows; r++, o += stride) {
                s = s.add(FloatVector.fromArray(S, src, o));
            }
            s.intoArray(dst, dstOff + j);
        }
        if (m < width) {
            TAIL.columnSums(src, off + m, stride, rows, width - m, dst, dstOff + m);
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
        int m = whole(width);
        for (int j = 0; j < m; j += L) {
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
        if (m < width) {
            TAIL.columnSumsAndSquares(
                    src, off + m, stride, rows, width - m, sums, squares, dstOff + m);
        }
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public void activate(
            Activation act, float[] pre, float[] out, float[] deriv, int off, int n) {
        checkLanes(n);
        int m = whole(n);
        switch (act) {
            case TANH -> {
                // x P(x^2) / Q(x^2) with x clamped, as FloatMath.tanh.
                FloatVector p2 = FloatVector.broadcast(S, FloatMath.TP2);
                FloatVector p1 = FloatVector.broadcast(S, FloatMath.TP1);
                FloatVector p0 = FloatVector.broadcast(S, FloatMath.TP0);
                FloatVector q2 = FloatVector.broadcast(S, FloatMath.TQ2);
                FloatVector q1 = FloatVector.broadcast(S, FloatMath.TQ1);
                FloatVector one = FloatVector.broadcast(S, 1f);
                FloatVector minusOne = FloatVector.broadcast(S, -1f);
                FloatVector hi = FloatVector.broadcast(S, FloatMath.TANH_CLAMP);
                FloatVector lo = FloatVector.broadcast(S, -FloatMath.TANH_CLAMP);
                for (int i = off; i < off + m; i += L) {
                    FloatVector x = FloatVector.fromArray(S, pre, i);
                    x = x.blend(hi, x.compare(VectorOperators.GT, FloatMath.TANH_CLAMP));
                    x = x.blend(lo, x.compare(VectorOperators.LT, -FloatMath.TANH_CLAMP));
                    FloatVector x2 = x.mul(x);
                    FloatVector p =
                            x2.fma(FloatMath.TP4, FloatMath.TP3)
                                    .fma(x2, p2)
                                    .fma(x2, p1)
                                    .fma(x2, p0);
                    FloatVector q =
                            x2.fma(FloatMath.TQ4, FloatMath.TQ3)
                                    .fma(x2, q2)
                                    .fma(x2, q1)
                                    .fma(x2, one);
                    FloatVector t = x.mul(p).div(q);
                    t = t.blend(one, t.compare(VectorOperators.GT, 1f));
                    t.blend(minusOne, t.compare(VectorOperators.LT, -1f)).intoArray(out, i);
                }
                if (m < n) {
                    TAIL.activate(act, pre, out, deriv, off + m, n - m);
                }
            }
            case RELU -> {
                for (int i = off; i < off + m; i += L) {
                    FloatVector.fromArray(S, pre, i).max(0f).intoArray(out, i);
                }
                if (m < n) {
                    TAIL.activate(act, pre, out, deriv, off + m, n - m);
                }
            }
            case SOFTPLUS -> softplusSigmoid(pre, out, deriv, off, n, 0f);
        }
    }

    @Override
    public void activationGradient(
            Activation act, float[] deriv, float[] out, int off, float[] d, int dOff, int n) {
        checkLanes(n);
        int m = whole(n);
        switch (act) {
            case TANH -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (int i = 0; i < m; i += L) {
                    FloatVector t = FloatVector.fromArray(S, out, off + i);
                    FloatVector dv = FloatVector.fromArray(S, d, dOff + i);
                    dv.mul(t.neg().fma(t, one)).intoArray(d, dOff + i);
                }
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (int i = 0; i < m; i += L) {
                    FloatVector t = FloatVector.fromArray(S, out, off + i);
                    FloatVector dv = FloatVector.fromArray(S, d, dOff + i);
                    zero.blend(dv, t.compare(VectorOperators.GT, 0f)).intoArray(d, dOff + i);
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < m; i += L) {
                    FloatVector g = FloatVector.fromArray(S, deriv, off + i);
                    FloatVector.fromArray(S, d, dOff + i).mul(g).intoArray(d, dOff + i);
                }
            }
        }
        if (m < n) {
            TAIL.activationGradient(act, deriv, out, off + m, d, dOff + m, n - m);
        }
    }

    /** In passes (see the class comment): e = exp(-|x|), then log(1 + e), then the rest. */
    @Override
    public void softplusSigmoid(float[] x, float[] sp, float[] sg, int off, int n, float add) {
        checkLanes(n);
        int m = whole(n);
        for (int i = off; i < off + m; i += L) {
            FloatVector.fromArray(S, x, i).abs().neg().intoArray(sg, i);
        }
        exp(sg, off, m, sg, off);
        for (int i = off; i < off + m; i += L) {
            FloatVector.fromArray(S, sg, i).add(1f).intoArray(sp, i);
        }
        log(sp, off, m, sp, off);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = off; i < off + m; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = FloatVector.fromArray(S, sg, i);
            FloatVector u = e.add(1f);
            // log1p(e) = log(u) + (e - (u - 1)) / u corrects for the rounding of 1 + e.
            FloatVector log1p = FloatVector.fromArray(S, sp, i).add(e.sub(u.sub(1f)).div(u));
            v.max(0f).add(log1p).add(add).intoArray(sp, i);
            e.blend(one, v.compare(VectorOperators.GE, 0f)).div(u).intoArray(sg, i);
        }
        if (m < n) {
            TAIL.softplusSigmoid(x, sp, sg, off + m, n - m, add);
        }
    }

    @Override
    public void sampleLatent(
            float[] mu, float[] sigma, float[] eps, int epsOff, float[] z, int off, int n) {
        checkLanes(n);
        int m = whole(n);
        for (int i = 0; i < m; i += L) {
            FloatVector s = FloatVector.fromArray(S, sigma, off + i);
            s.fma(FloatVector.fromArray(S, eps, epsOff + i), FloatVector.fromArray(S, mu, off + i))
                    .intoArray(z, off + i);
        }
        if (m < n) {
            TAIL.sampleLatent(mu, sigma, eps, epsOff + m, z, off + m, n - m);
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
        int m = whole(width);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        FloatVector minusOne = FloatVector.broadcast(S, -1f);
        for (int j = 0; j < m; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0, o = off + j; r < rows; r++, o += width) {
                FloatVector mv = FloatVector.fromArray(S, mu, o);
                FloatVector s = FloatVector.fromArray(S, sigma, o);
                FloatVector t = mv.fma(mv, s.fma(s, minusOne));
                acc = acc.add(half.fma(t, FloatVector.fromArray(S, logSigma, o).neg()));
            }
            acc.intoArray(dst, dstOff + j);
        }
        if (m < width) {
            TAIL.klColumnSumsFrom(m, mu, sigma, logSigma, off, rows, width, dst, dstOff);
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
        int m = whole(width);
        // The two cases in separate loops: a vector updated under a condition in the loop
        // would meet itself at a phi (see the class comment).
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < m; j += L) {
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
        if (m < width) {
            TAIL.gaussianOutputSharedFrom(m, x, mu, off, rows, width, invSigma, negInvB, invB,
                    dMu, dOff, r2Sums, dSigmaSums, sumOff);
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
        int m = whole(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < m; j += L) {
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
        if (m < width) {
            TAIL.gaussianOutputPerRowFrom(m, x, mu, sigma, gate, off, rows, width, mask, negInvB,
                    invB, dMu, dSigmaPre, dOff, r2Sums, sumOff);
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
        int m = whole(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < m; j += L) {
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
        if (m < width) {
            TAIL.latentGradientFrom(m, mu, sigma, gate, eps, off, dZ, dOff, klScale, rows, width,
                    dMu, dSigmaPre);
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
        int m = whole(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int oo = outOff + row * width;
            if (sigma != null) {
                for (int j = 0; j < m; j += L) {
                    FloatVector inv = one.div(FloatVector.fromArray(S, sigma, o + j));
                    FloatVector r =
                            FloatVector.fromArray(S, x, o + j)
                                    .sub(FloatVector.fromArray(S, mu, o + j))
                                    .mul(inv);
                    r.mul(r).intoArray(out, oo + j);
                }
            } else {
                for (int j = 0; j < m; j += L) {
                    FloatVector inv = FloatVector.fromArray(S, invSigma, j);
                    FloatVector r =
                            FloatVector.fromArray(S, x, o + j)
                                    .sub(FloatVector.fromArray(S, mu, o + j))
                                    .mul(inv);
                    r.mul(r).intoArray(out, oo + j);
                }
            }
        }
        if (m < width) {
            TAIL.residualSquaresFrom(m, x, mu, sigma, invSigma, off, rows, width, out, outOff);
        }
    }

    @Override
    public void gaussianLogDensity(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] logSigma,
            float c,
            int rows,
            int width,
            float[] out) {
        checkLanes(width);
        int m = whole(width);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < m; j += L) {
            FloatVector xv = FloatVector.fromArray(S, x, j);
            for (int row = 0, o = j; row < rows; row++, o += width) {
                FloatVector inv = one.div(FloatVector.fromArray(S, sigma, o));
                FloatVector r = xv.sub(FloatVector.fromArray(S, mu, o)).mul(inv);
                r.mul(r)
                        .mul(-0.5f)
                        .sub(FloatVector.fromArray(S, logSigma, o).add(c))
                        .intoArray(out, o);
            }
        }
        if (m < width) {
            TAIL.gaussianLogDensityFrom(m, x, mu, sigma, logSigma, c, rows, width, out);
        }
    }

    @Override
    public void gaussianLogDensityShared(
            float[] x,
            float[] mu,
            float[] invSigma,
            float[] logNorm,
            int rows,
            int width,
            float[] out) {
        checkLanes(width);
        int m = whole(width);
        for (int j = 0; j < m; j += L) {
            FloatVector xv = FloatVector.fromArray(S, x, j);
            FloatVector inv = FloatVector.fromArray(S, invSigma, j);
            FloatVector norm = FloatVector.fromArray(S, logNorm, j);
            for (int row = 0, o = j; row < rows; row++, o += width) {
                FloatVector r = xv.sub(FloatVector.fromArray(S, mu, o)).mul(inv);
                r.mul(r).mul(-0.5f).sub(norm).intoArray(out, o);
            }
        }
        if (m < width) {
            TAIL.gaussianLogDensitySharedFrom(m, x, mu, invSigma, logNorm, rows, width, out);
        }
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        checkLanes(n);
        int m = whole(n);
        for (int i = 0; i < m; i += L) {
            FloatVector.fromArray(S, dst, dstOff + i)
                    .add(FloatVector.fromArray(S, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
        if (m < n) {
            TAIL.add(src, srcOff + m, dst, dstOff + m, n - m);
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
        int w = whole(n);
        for (int i = off; i < off + w; i += L) {
            FloatVector gs = FloatVector.fromArray(S, g, i).mul(scale);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gs.mul(ob1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gs.mul(gs).mul(ob2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector den = vi.div(c2).lanewise(VectorOperators.SQRT).add(eps);
            FloatVector.fromArray(S, p, i).sub(mi.div(den).mul(lrc1)).intoArray(p, i);
        }
        if (w < n) {
            TAIL.adam(p, m, v, g, off + w, n - w, scale, b1, ob1, b2, ob2, c2, eps, lrc1);
        }
    }
}

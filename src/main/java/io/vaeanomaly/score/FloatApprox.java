package io.vaeanomaly.score;

/**
 * Float elementary functions for the scoring kernel, written with only {@code + - * / fma min max},
 * abs and bit operations, so that {@link VectorTileKernels} can evaluate exactly the same
 * operations lane by lane: the scalar and vector paths give bit-identical results, on every CPU (no
 * libm, no SVML, whose last bits differ between platforms and JDK versions).
 *
 * <p>Accuracy (measured by {@code FloatApproxTest} against double {@link Math}): relative error of
 * a few float ulps for {@link #exp}, {@link #log}, {@link #softplus}; {@link #tanh} within 3e-7
 * absolute.
 */
final class FloatApprox {
    /** tanh(9) = 1 - 3e-8: beyond it tanh is 1 to float precision. */
    static final float TANH_CLAMP = 9f;

    // The (13,12) Padé approximant of tanh (Lambert's continued fraction to depth 13), as
    // x P(x^2) / Q(x^2) with Q(0) = 1; all coefficients positive, so Horner's rule is stable.
    static final float TP1 = 0.14666666666666666667f;
    static final float TP2 = 0.0052173913043478260870f;
    static final float TP3 = 0.000066252587991718426501f;
    static final float TP4 = 3.2286836253274086989e-7f;
    static final float TP5 = 5.1797063507926342763e-10f;
    static final float TP6 = 1.2648855557491170394e-13f;
    static final float TQ1 = 0.48f;
    static final float TQ2 = 0.031884057971014492754f;
    static final float TQ3 = 0.00066252587991718426501f;
    static final float TQ4 = 5.2304674730304020922e-6f;
    static final float TQ5 = 1.5193805295658393877e-8f;
    static final float TQ6 = 1.1510458557316965058e-11f;
    static final float LOG2E = 1.44269504088896341f;

    /** ln 2 split so that n * LN2_HI is exact for |n| < 2^10 (Cody and Waite). */
    static final float LN2_HI = 0.693145751953125f;

    static final float LN2_LO = 1.428606765330187045e-06f;
    static final float LN2 = 0.693147180559945309f;

    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
    static final float ROUND_MAGIC = 12582912f;

    static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);

    /** exp(-87) is still a normal float, so 2^n below stays a normal scale. */
    static final float EXP_MIN_ARG = -87f;

    /** Bits of sqrt(1/2): log splits y = 2^k m with m in [sqrt(1/2), sqrt(2)). */
    static final int SQRT_HALF_BITS = 0x3f3504f3;

    static final int MANTISSA_MASK = 0x007fffff;

    // Taylor coefficients 1/n! for exp on [-ln2/2, ln2/2] (degree 7: error below 6e-9).
    static final float E2 = 1f / 2;
    static final float E3 = 1f / 6;
    static final float E4 = 1f / 24;
    static final float E5 = 1f / 120;
    static final float E6 = 1f / 720;
    static final float E7 = 1f / 5040;
    // 1/(2k+1) for 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...).
    static final float A3 = 1f / 3;
    static final float A5 = 1f / 5;
    static final float A7 = 1f / 7;
    static final float A9 = 1f / 9;
    static final float A11 = 1f / 11;
    static final float A13 = 1f / 13;
    static final float A15 = 1f / 15;

    private FloatApprox() {}

    /**
     * tanh by the (13,12) Padé approximant on [-9, 9] (within 4e-8 of tanh there in exact
     * arithmetic, 3e-7 in float), clamped outside, where tanh is +-1 to float precision.
     */
    static float tanh(float v) {
        float x = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, v));
        float x2 = x * x;
        float p = Math.fma(x2, TP6, TP5);
        p = Math.fma(p, x2, TP4);
        p = Math.fma(p, x2, TP3);
        p = Math.fma(p, x2, TP2);
        p = Math.fma(p, x2, TP1);
        p = Math.fma(p, x2, 1f);
        float q = Math.fma(x2, TQ6, TQ5);
        q = Math.fma(q, x2, TQ4);
        q = Math.fma(q, x2, TQ3);
        q = Math.fma(q, x2, TQ2);
        q = Math.fma(q, x2, TQ1);
        q = Math.fma(q, x2, 1f);
        return x * p / q;
    }

    /**
     * e^y for y &le; 0 (arguments below -87 give e^-87): Cody-Waite reduction y = n ln2 + r, |r|
     * &le; ln2/2, a degree-7 polynomial for e^r, and 2^n built from its exponent bits.
     */
    static float expNonPositive(float y) {
        float a = Math.max(y, EXP_MIN_ARG);
        float t = Math.fma(a, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int ni = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(n, -LN2_HI, a);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, E7, E6);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((ni + 127) << 23);
    }

    /** log(1 + e) for e in [0, 1], by 2 atanh(e / (2 + e)); accurate for tiny e too. */
    static float log1pUnit(float e) {
        float s = e / (2f + e);
        float s2 = s * s;
        float p = Math.fma(s2, A15, A13);
        p = Math.fma(p, s2, A11);
        p = Math.fma(p, s2, A9);
        p = Math.fma(p, s2, A7);
        p = Math.fma(p, s2, A5);
        p = Math.fma(p, s2, A3);
        p = Math.fma(p, s2, 1f);
        return 2f * s * p;
    }

    /** softplus(h) = log(1 + e^h) = max(h, 0) + log1p(e^-|h|). */
    static float softplus(float h) {
        return Math.max(h, 0f) + log1pUnit(expNonPositive(-Math.abs(h)));
    }

    /**
     * Natural log of a positive float (values below the smallest normal float are treated as it): y
     * = 2^k m with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)).
     */
    static float log(float y) {
        int bits = Float.floatToRawIntBits(Math.max(y, Float.MIN_NORMAL)) - SQRT_HALF_BITS;
        int k = bits >> 23;
        float m = Float.intBitsToFloat((bits & MANTISSA_MASK) + SQRT_HALF_BITS);
        float f = m - 1f;
        float s = f / (2f + f);
        float s2 = s * s;
        float p = Math.fma(s2, A11, A9);
        p = Math.fma(p, s2, A7);
        p = Math.fma(p, s2, A5);
        p = Math.fma(p, s2, A3);
        p = Math.fma(p, s2, 1f);
        return Math.fma((float) k, LN2, 2f * s * p);
    }
}

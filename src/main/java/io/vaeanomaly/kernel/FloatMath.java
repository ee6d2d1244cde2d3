package io.vaeanomaly.kernel;

/**
 * Float approximations of tanh, exp, log, softplus and sigmoid built only from {@code + - * /},
 * fused multiply-add, min, max, comparisons and exact bit operations.
 *
 * <p>Why not {@link Math#exp} and friends: their last bits may differ between the scalar library,
 * a JIT intrinsic and a vector library (the Vector API's EXP/LOG/TANH call SVML). Every operation
 * used here is correctly rounded by IEEE 754, so {@link VectorOps} applies the same sequence lane
 * by lane and gets bit-identical results, on any machine.
 *
 * <p>Accuracy (checked against {@link Math} in {@code FloatMathTest}): exp, log, softplus and
 * sigmoid within a few float ulps (sigmoid also within 1e-37 where it is tiny); tanh within 5e-7
 * (8 float ulps near 1), a rational function of degree (9, 8) with no exponential (see {@link
 * #tanh}). exp clamps its argument to [-87, 88], so exp(x) for x below -87 returns exp(-87) ~
 * 1.6e-38 instead of a smaller or subnormal value; log takes positive normal arguments (NaN and
 * +Inf propagate).
 */
public final class FloatMath {
    private FloatMath() {}

    /** tanh's argument is clamped to [-9, 9]: beyond, tanh(x) rounds to +-1 in float. */
    static final float TANH_CLAMP = 9f;

    /**
     * tanh(x) = x P(x^2) / Q(x^2) on [-9, 9]: a minimax fit of the relative error (9e-8 before
     * float rounding), P and Q of degree 4 with positive coefficients (so neither has
     * cancellation), Q(0) = 1.
     */
    static final float TP0 = 0.99999994f;

    static final float TP1 = 0.13361891f;
    static final float TP2 = 0.0034711566f;
    static final float TP3 = 2.0136076e-5f;
    static final float TP4 = 1.2570275e-8f;
    static final float TQ1 = 0.46695226f;
    static final float TQ2 = 0.025788533f;
    static final float TQ3 = 3.2426146e-4f;
    static final float TQ4 = 7.4823845e-7f;

    static final float EXP_LO = -87f;
    static final float EXP_HI = 88f;
    static final float LOG2E = 1.44269504f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
    static final float ROUND_MAGIC = 12582912f;

    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** ln 2 split so that n * LN2_HI is exact for the exponents used here. */
    static final float LN2_HI = 0.693145751953125f;

    static final float LN2_LO = 1.42860677e-6f;
    static final float E2 = 1f / 2;
    static final float E3 = 1f / 6;
    static final float E4 = 1f / 24;
    static final float E5 = 1f / 120;
    static final float E6 = 1f / 720;
    static final float E7 = 1f / 5040;

    static final float SQRT2 = 1.41421354f;
    /** Minimax coefficients of log(1+f) = f - hfsq + s (hfsq + R(s^2)), s = f / (2 + f). */
    static final float LG1 = 0.66666662693f;

    static final float LG2 = 0.40000972152f;
    static final float LG3 = 0.28498786688f;
    static final float LG4 = 0.24279078841f;

    /**
     * tanh as {@code x P(x^2) / Q(x^2)} with x clamped to [-9, 9] and the result to [-1, 1] (so
     * that 1 - t^2 is never negative): 8 fused multiply-adds, 2 products and a division, where
     * an exponential-based tanh costs about three times that. Within 5e-7 of tanh everywhere.
     */
    public static float tanh(float v) {
        float x = Math.max(Math.min(v, TANH_CLAMP), -TANH_CLAMP);
        float x2 = x * x;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(TP4, x2, TP3), x2, TP2), x2, TP1), x2, TP0);
        float q = Math.fma(Math.fma(Math.fma(Math.fma(TQ4, x2, TQ3), x2, TQ2), x2, TQ1), x2, 1f);
        return Math.max(Math.min(x * p / q, 1f), -1f);
    }

    /** The derivative of tanh from its output {@code t}: 1 - t^2 in one rounding. */
    public static float tanhDerivative(float t) {
        return Math.fma(-t, t, 1f);
    }

    /** e^v for v in [-87, 88] (clamped outside), within a few ulps. */
    public static float exp(float v) {
        float x = Math.min(Math.max(v, EXP_LO), EXP_HI);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(E7, r, E6);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int scale = (Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS + 127) << 23;
        return p * Float.intBitsToFloat(scale);
    }

    /** Natural log of a positive normal float; NaN and +Inf come back unchanged. */
    public static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        int e = (bits >>> 23) - 127;
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000);
        // Fold the mantissa from [1, 2) to [sqrt(1/2), sqrt(2)) so that |s| <= 0.1716.
        boolean fold = m > SQRT2;
        m = fold ? m * 0.5f : m;
        float k = fold ? e + 1 : e;
        float f = m - 1f;
        float s = f / (2f + f);
        float z = s * s;
        float w = z * z;
        float r = z * Math.fma(w, LG3, LG1) + w * Math.fma(w, LG4, LG2);
        float hfsq = 0.5f * f * f;
        float logm = f - (hfsq - s * (hfsq + r));
        float result = Math.fma(k, LN2_HI, Math.fma(k, LN2_LO, logm));
        return x < Float.POSITIVE_INFINITY ? result : x;
    }

    /** log(1 + e) for e in [0, 1], accurate also where 1 + e rounds. */
    static float log1pUnit(float e) {
        float u = 1f + e;
        // u - 1 and e - (u - 1) are exact: the second is the rounding error of 1 + e.
        return log(u) + (e - (u - 1f)) / u;
    }

    /** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
    public static float softplus(float x) {
        return Math.max(x, 0f) + log1pUnit(exp(-Math.abs(x)));
    }

    /** The logistic sigmoid 1 / (1 + e^-x), the derivative of softplus. */
    public static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float u = 1f + e;
        return (x >= 0f ? 1f : e) / u;
    }
}

package io.vaeanomaly.model;

import java.util.SplittableRandom;

/**
 * Standard normal draws from a seeded {@link SplittableRandom}, by the ziggurat method (Marsaglia
 * and Tsang 2000) with 256 layers. Plain Java rather than ND4J's generator so that noise, and so
 * training and scores, depend only on the seed.
 *
 * <p>Why the ziggurat: about 99% of draws cost one 64-bit random number, a table lookup, a multiply
 * and a compare, with no transcendental function; Box-Muller needs a log, a square root, a sine and
 * a cosine per pair, which made noise a sizeable share of scoring (16 latent samples of 8
 * dimensions per event). The rare slow paths (the wedges and the tail beyond r = 3.654) use {@link
 * StrictMath}, so the stream is the same on every JVM and CPU.
 *
 * <p>Bits: one {@code nextLong()} gives the layer (bits 0-7), the sign (bit 8) and a 53-bit uniform
 * (bits 11-63), so the layer and the value are independent (the correlation Doornik 2005 found in
 * the original 32-bit version does not arise).
 */
public final class GaussianNoise {
    private static final int LAYERS = 256;

    /** Start of the tail: the right edge of the base layer. */
    static final double R = 3.6541528853610088;

    /**
     * Area of each layer under exp(-x^2/2): r f(r) plus the tail's area. With R it closes the
     * recursion at x = 0 for 256 layers (computed to 40 digits; checked by a test).
     */
    static final double V = 0.004928673233974655;

    private static final double INV_R = 1.0 / R;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    /** Layer right edges: x[0] = V / f(R) (base layer incl. the tail), x[1] = R, x[256] = 0. */
    static final double[] X = new double[LAYERS + 1];

    /** f(x[i]) = exp(-x[i]^2 / 2); f[0] is unused. */
    private static final double[] F = new double[LAYERS + 1];

    /** X[i] * 2^-53, so a 53-bit integer times it is a uniform point of layer i. */
    private static final double[] X_ULP = new double[LAYERS];

    static {
        double fr = StrictMath.exp(-0.5 * R * R);
        X[0] = V / fr;
        X[1] = R;
        F[1] = fr;
        for (int i = 1; i < LAYERS - 1; i++) {
            double y = F[i] + V / X[i];
            X[i + 1] = StrictMath.sqrt(-2.0 * StrictMath.log(y));
            F[i + 1] = y;
        }
        X[LAYERS] = 0.0;
        F[LAYERS] = 1.0;
        for (int i = 0; i < LAYERS; i++) {
            X_ULP[i] = X[i] * TWO_POW_MINUS_53;
        }
    }

    private final SplittableRandom random;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next standard normal value. */
    public double next() {
        long bits = random.nextLong();
        int i = (int) bits & (LAYERS - 1);
        // u * X[i] with u = (bits >>> 11) 2^-53: scaling by a power of two is exact, so this is
        // the same product, rounded once.
        double x = (bits >>> 11) * X_ULP[i];
        if (x < X[i + 1]) {
            // Branch-free sign from bit 8: a 50/50 branch here would be mispredicted every other
            // draw.
            return Double.longBitsToDouble(Double.doubleToRawLongBits(x) | (bits & 0x100L) << 55);
        }
        return edge(i, x, bits);
    }

    /** The rare draws outside a layer's rectangle: the tail, the wedges, or a fresh draw. */
    private double edge(int i, double x, long bits) {
        boolean negative = (bits & 0x100L) != 0;
        if (i == 0) {
            double t = tail();
            return negative ? -t : t;
        }
        // Wedge: a uniform height within the layer against the density at x.
        double y = F[i] + random.nextDouble() * (F[i + 1] - F[i]);
        if (y < StrictMath.exp(-0.5 * x * x)) {
            return negative ? -x : x;
        }
        return next();
    }

    /** A draw from the normal tail beyond R (Marsaglia 1964). */
    private double tail() {
        while (true) {
            double a = -StrictMath.log(1.0 - random.nextDouble()) * INV_R;
            double b = -StrictMath.log(1.0 - random.nextDouble());
            if (b + b >= a * a) {
                return R + a;
            }
        }
    }

    /** Fills {@code out} with standard normal values. */
    public void fill(double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = next();
        }
    }

    /** Fills {@code out} with standard normal values. */
    public void fill(float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) next();
        }
    }

    /** A shuffled copy of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

package io.vaeanomaly.model;

import java.util.SplittableRandom;

/**
 * Standard normal draws from a seeded {@link SplittableRandom} (Box-Muller, both values used).
 * Plain Java rather than ND4J's generator so that noise, and so training and scores, depend only
 * on the seed.
 */
public final class GaussianNoise {
    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next standard normal value. */
    public double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
        double u2 = random.nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double a = 2 * Math.PI * u2;
        spare = r * Math.sin(a);
        hasSpare = true;
        return r * Math.cos(a);
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

package io.vaeanomaly.feature;

import java.util.Arrays;

/**
 * Immutable affine standardisation {@code z = (x - mean) / scale} for one model version.
 *
 * <p>Densities: the map has Jacobian {@code diag(1/scale)}, so a density in normalised space
 * converts to the raw space by {@code log p_x(x) = log p_z(z) + logDetJacobian()}.
 *
 * <p>Constant features: a feature whose standard deviation is at most
 * {@value #RELATIVE_CONSTANT_TOLERANCE}{@code * max(1, |mean|)} (the size of accumulated double
 * rounding noise), or any feature when fewer than two observations were seen, gets scale 1 rather
 * than a tiny floor. Why: the model never saw variation there, so a later deviation is passed on
 * in raw units instead of being blown up into an enormous z-score by a noise-level divisor, and
 * all outputs and {@link #logDetJacobian()} stay finite.
 */
public final class FrozenNormalizer {
    /** Relative standard deviation at or below which a feature is treated as constant. */
    public static final double RELATIVE_CONSTANT_TOLERANCE = 1e-10;

    private final double[] mean;
    private final double[] scale;
    private final double logDetJacobian;

    private FrozenNormalizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
        double sum = 0;
        for (double s : scale) {
            sum -= Math.log(s);
        }
        this.logDetJacobian = sum;
    }

    /**
     * A normaliser with the given per-feature mean and scale (both copied).
     *
     * @throws IllegalArgumentException if lengths differ or are 0, a mean is not finite, or a scale
     *     is not finite and strictly positive
     */
    public static FrozenNormalizer of(double[] mean, double[] scale) {
        if (mean.length == 0 || mean.length != scale.length) {
            throw new IllegalArgumentException("mean and scale must have the same non-zero length, "
                    + "got " + mean.length + " and " + scale.length);
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("mean[" + j + "] is not finite: " + mean[j]);
            }
            if (!(scale[j] > 0) || !Double.isFinite(scale[j])) {
                throw new IllegalArgumentException("scale[" + j + "] must be finite and > 0, got "
                        + scale[j]);
            }
        }
        return new FrozenNormalizer(mean.clone(), scale.clone());
    }

    /** The identity map (mean 0, scale 1) for {@code dimension} features. */
    public static FrozenNormalizer identity(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        double[] ones = new double[dimension];
        Arrays.fill(ones, 1.0);
        return new FrozenNormalizer(new double[dimension], ones);
    }

    /**
     * The scale used for one feature: {@code std}, or 1 if {@code count < 2} or the feature is
     * constant up to rounding ({@code std <= RELATIVE_CONSTANT_TOLERANCE * max(1, |mean|)}).
     */
    public static double scaleFor(double mean, double std, long count) {
        double tolerance = RELATIVE_CONSTANT_TOLERANCE * Math.max(1.0, Math.abs(mean));
        if (count < 2 || !(std > tolerance) || !Double.isFinite(std)) {
            return 1.0;
        }
        return std;
    }

    /** Number of features. */
    public int dimension() {
        return mean.length;
    }

    /** Per-feature mean (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-feature scale (a copy); all entries finite and strictly positive. */
    public double[] scale() {
        return scale.clone();
    }

    /**
     * {@code log |det d z / d x| = -sum_j log(scale_j)}: add it to a log-density computed in
     * normalised space to get the log-density of the raw input.
     */
    public double logDetJacobian() {
        return logDetJacobian;
    }

    /**
     * Writes {@code (in - mean) / scale} into {@code out}; {@code in} and {@code out} may be the
     * same array.
     *
     * @throws IllegalArgumentException if either length differs from {@link #dimension()}
     */
    public void normalize(double[] in, double[] out) {
        checkLengths(in, out);
        for (int j = 0; j < mean.length; j++) {
            out[j] = (in[j] - mean[j]) / scale[j];
        }
    }

    /** Returns {@code (in - mean) / scale} as a new array. */
    public double[] normalize(double[] in) {
        double[] out = new double[mean.length];
        normalize(in, out);
        return out;
    }

    /** Normalises every row into a new {@code [rows.length][dimension]} array. */
    public double[][] normalize(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = normalize(rows[i]);
        }
        return out;
    }

    /**
     * Writes {@code in * scale + mean} into {@code out} (inverse of {@link #normalize}); the arrays
     * may be the same.
     */
    public void denormalize(double[] in, double[] out) {
        checkLengths(in, out);
        for (int j = 0; j < mean.length; j++) {
            out[j] = in[j] * scale[j] + mean[j];
        }
    }

    /** Returns {@code in * scale + mean} as a new array. */
    public double[] denormalize(double[] in) {
        double[] out = new double[mean.length];
        denormalize(in, out);
        return out;
    }

    /** Denormalises every row into a new array. */
    public double[][] denormalize(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = denormalize(rows[i]);
        }
        return out;
    }

    private void checkLengths(double[] in, double[] out) {
        if (in.length != mean.length || out.length != mean.length) {
            throw new IllegalArgumentException("expected vectors of " + mean.length
                    + " features, got in=" + in.length + ", out=" + out.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrozenNormalizer other
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "FrozenNormalizer[mean=" + Arrays.toString(mean) + ", scale="
                + Arrays.toString(scale) + "]";
    }
}

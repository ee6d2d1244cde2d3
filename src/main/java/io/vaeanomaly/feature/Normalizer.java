package io.vaeanomaly.feature;

import java.util.Arrays;

/**
 * Online per-feature mean and variance (Welford's algorithm), used to standardise model inputs.
 *
 * <p>Welford's update is numerically stable for long streams (no catastrophic cancellation of
 * {@code sum(x^2) - n*mean^2}), and two instances can be {@linkplain #merge merged} exactly (Chan
 * et al.), so parallel Flink subtasks can each keep one and combine them.
 *
 * <p>The variance is the population variance (divide by {@code n}), as in the usual standard
 * scaler: the statistic describes the training data, it is not an estimate for a wider population.
 *
 * <p>Mutable and not thread-safe: one instance belongs to one operator or one training run. Call
 * {@link #freeze()} to get the immutable {@link FrozenNormalizer} that a model version uses.
 */
public final class Normalizer {
    private final int dimension;
    private long count;
    private final double[] mean;
    /** Sum of squared deviations from the current mean, per feature. */
    private final double[] m2;

    /**
     * An empty normaliser for vectors of {@code dimension} features.
     *
     * @throws IllegalArgumentException if {@code dimension < 1}
     */
    public Normalizer(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.mean = new double[dimension];
        this.m2 = new double[dimension];
    }

    private Normalizer(int dimension, long count, double[] mean, double[] m2) {
        this.dimension = dimension;
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    /**
     * Adds one observation.
     *
     * @throws IllegalArgumentException if {@code x.length != dimension()} or any value is NaN or
     *     infinite; the state is unchanged in that case (one bad value would otherwise poison the
     *     mean forever)
     */
    public void update(double[] x) {
        checkVector(x, "x");
        count++;
        for (int j = 0; j < dimension; j++) {
            double delta = x[j] - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (x[j] - mean[j]);
        }
    }

    /** Adds every row of {@code rows}, in order; see {@link #update(double[])}. */
    public void updateAll(double[][] rows) {
        for (double[] row : rows) {
            update(row);
        }
    }

    /**
     * Folds the statistics of {@code other} into this one, as if this instance had also seen all of
     * the other's observations. {@code other} is not modified.
     *
     * @throws IllegalArgumentException if the dimensions differ
     */
    public void merge(Normalizer other) {
        if (other.dimension != dimension) {
            throw new IllegalArgumentException("cannot merge a normaliser of dimension "
                    + other.dimension + " into one of dimension " + dimension);
        }
        if (other.count == 0) {
            return;
        }
        long total = count + other.count;
        double wOther = (double) other.count / total;
        double cross = (double) count * other.count / total;
        for (int j = 0; j < dimension; j++) {
            double delta = other.mean[j] - mean[j];
            mean[j] += delta * wOther;
            m2[j] += other.m2[j] + delta * delta * cross;
        }
        count = total;
    }

    /** Number of observations seen. */
    public long count() {
        return count;
    }

    /** Number of features per observation. */
    public int dimension() {
        return dimension;
    }

    /** Per-feature mean (a copy); zeros before the first observation. */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-feature population variance (a copy); zeros while {@code count() < 2}. */
    public double[] variance() {
        double[] v = new double[dimension];
        if (count >= 2) {
            for (int j = 0; j < dimension; j++) {
                // m2 can only go negative through rounding; clamp so std() never returns NaN.
                v[j] = Math.max(0.0, m2[j] / count);
            }
        }
        return v;
    }

    /** Per-feature population standard deviation (a copy); zeros while {@code count() < 2}. */
    public double[] std() {
        double[] v = variance();
        for (int j = 0; j < dimension; j++) {
            v[j] = Math.sqrt(v[j]);
        }
        return v;
    }

    /**
     * Snapshot of the current statistics as an immutable normaliser. Mean is the running mean;
     * the scale is the standard deviation, except for constant features, which get scale 1: see
     * {@link FrozenNormalizer#scaleFor(double, double, long)} for the exact rule.
     */
    public FrozenNormalizer freeze() {
        double[] std = std();
        double[] scale = new double[dimension];
        for (int j = 0; j < dimension; j++) {
            scale[j] = FrozenNormalizer.scaleFor(mean[j], std[j], count);
        }
        return FrozenNormalizer.of(mean, scale);
    }

    /** An independent copy of this state. */
    public Normalizer copy() {
        return new Normalizer(dimension, count, mean.clone(), m2.clone());
    }

    /**
     * The full state, for persistence.
     *
     * @param count observations seen
     * @param mean per-feature mean
     * @param m2 per-feature sum of squared deviations (Welford)
     */
    public record State(long count, double[] mean, double[] m2) {}

    /** This normaliser's state (copies). */
    public State state() {
        return new State(count, mean.clone(), m2.clone());
    }

    /**
     * Rebuilds a normaliser from {@link #state()}.
     *
     * @throws IllegalArgumentException on an empty or mismatched dimension or a negative count
     */
    public static Normalizer fromState(State s) {
        if (s.mean().length < 1 || s.m2().length != s.mean().length) {
            throw new IllegalArgumentException("dimension " + s.mean().length + " (m2 "
                    + s.m2().length + ")");
        }
        if (s.count() < 0) {
            throw new IllegalArgumentException("count " + s.count());
        }
        return new Normalizer(s.mean().length, s.count(), s.mean().clone(), s.m2().clone());
    }

    private void checkVector(double[] x, String name) {
        if (x.length != dimension) {
            throw new IllegalArgumentException(name + " has " + x.length + " features, expected "
                    + dimension);
        }
        for (int j = 0; j < dimension; j++) {
            if (!Double.isFinite(x[j])) {
                throw new IllegalArgumentException(name + "[" + j + "] is not finite: " + x[j]);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer other
                && dimension == other.dimension
                && count == other.count
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(m2, other.m2);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(count) + Arrays.hashCode(mean)) + Arrays.hashCode(m2);
    }

    @Override
    public String toString() {
        return "Normalizer[dimension=" + dimension + ", count=" + count + "]";
    }
}

package io.vaeanomaly.threshold;

import java.util.Arrays;

/** Order statistics and spread of calibration log-probabilities, shared by the thresholds. */
final class Calibration {
    /** IQR of a normal distribution in units of its standard deviation. */
    private static final double IQR_PER_SIGMA = 1.3489795003921634;
    /** Score scale, in nats, when the calibration data have no spread at all. */
    static final double FALLBACK_SCALE = 1.0;

    private Calibration() {
    }

    /**
     * A sorted copy of {@code values}.
     *
     * @throws IllegalArgumentException if empty or a value is NaN or infinite (naming the index)
     */
    static double[] sortedFinite(double[] values, String name) {
        if (values.length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is not finite: "
                        + values[i]);
            }
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * The {@code p}-quantile of sorted data with linear interpolation between order statistics
     * (Hyndman and Fan type 7, the default of R and NumPy).
     */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double frac = h - lo;
        return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    }

    /**
     * A robust spread of sorted data used as the logistic score scale: IQR / 1.349 (the standard
     * deviation if the data were normal, but insensitive to the far tails that thresholds care
     * about). Falls back to the standard deviation when the IQR is zero (heavily tied data), and
     * to {@link #FALLBACK_SCALE} nats when the data are constant, so the scale is always finite
     * and positive.
     */
    static double robustScale(double[] sorted) {
        double median = quantile(sorted, 0.5);
        double tolerance = 1e-12 * Math.max(1.0, Math.abs(median));
        double iqrScale = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / IQR_PER_SIGMA;
        if (iqrScale > tolerance && Double.isFinite(iqrScale)) {
            return iqrScale;
        }
        double mean = 0;
        for (double v : sorted) {
            mean += v;
        }
        mean /= sorted.length;
        double ss = 0;
        for (double v : sorted) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / sorted.length);
        if (std > tolerance && Double.isFinite(std)) {
            return std;
        }
        return FALLBACK_SCALE;
    }

    static void checkScale(double scale) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
    }
}

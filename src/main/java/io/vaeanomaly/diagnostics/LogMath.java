package io.vaeanomaly.diagnostics;

/** Numerically stable log-sum-exp helpers. */
public final class LogMath {
    private LogMath() {}

    /** log((1/n) * sum_{i<n} exp(v[i])), stable for any magnitude; -Inf only if all are -Inf. */
    public static double logMeanExp(double[] v, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (v[i] > max) {
                max = v[i];
            }
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(v[i] - max);
        }
        return max + Math.log(sum / n);
    }
}

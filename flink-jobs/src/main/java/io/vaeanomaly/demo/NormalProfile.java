package io.vaeanomaly.demo;

import java.util.List;

/**
 * Mean and standard deviation of each metric of one host under normal operation (daily cycle
 * included), estimated by simulating a twin of the host with independent noise. Anomaly
 * magnitudes are multiples of these standard deviations, so a spike is large compared with the
 * host's whole normal range, not just with its noise.
 */
final class NormalProfile {
    private final double[] mean;
    private final double[] sd;

    private NormalProfile(double[] mean, double[] sd) {
        this.mean = mean;
        this.sd = sd;
    }

    /** Simulates {@code ticks} ticks of {@code twin} and records moments per metric. */
    static NormalProfile estimate(HostProcess twin, int features, int ticks) {
        double[] sum = new double[features];
        double[] sumSq = new double[features];
        for (int t = 0; t < ticks; t++) {
            twin.step();
            for (int i = 0; i < features; i++) {
                double v = twin.normalValue(i);
                sum[i] += v;
                sumSq[i] += v * v;
            }
        }
        double[] mean = new double[features];
        double[] sd = new double[features];
        for (int i = 0; i < features; i++) {
            mean[i] = sum[i] / ticks;
            sd[i] = Math.sqrt(Math.max(1e-12, sumSq[i] / ticks - mean[i] * mean[i]));
        }
        return new NormalProfile(mean, sd);
    }

    double mean(int i) {
        return mean[i];
    }

    double sd(int i) {
        return sd[i];
    }

    /** Whether {@code spec} can move {@code sigmas} up from its mean without hitting its bound. */
    boolean roomAbove(List<FeatureCatalog.Spec> specs, int i, double sigmas) {
        return mean[i] + sigmas * sd[i] <= specs.get(i).upper();
    }

    /** Whether {@code spec} can move {@code sigmas} down from its mean without hitting a bound. */
    boolean roomBelow(List<FeatureCatalog.Spec> specs, int i, double sigmas) {
        return mean[i] - sigmas * sd[i] >= specs.get(i).lower();
    }
}

package io.vaeanomaly.threshold;

/**
 * The outcome of a {@link Threshold} for one log-probability.
 *
 * @param anomaly whether the value is below the threshold (or NaN)
 * @param anomalyScore in [0, 1]; 0.5 exactly at the threshold, higher = more anomalous
 * @param thresholdLogProb the threshold used for this decision
 */
public record Decision(boolean anomaly, double anomalyScore, double thresholdLogProb) {
    public Decision {
        if (!(anomalyScore >= 0.0 && anomalyScore <= 1.0)) {
            throw new IllegalArgumentException("anomalyScore must be in [0, 1], got "
                    + anomalyScore);
        }
        if (Double.isNaN(thresholdLogProb)) {
            throw new IllegalArgumentException("thresholdLogProb is NaN");
        }
    }

    /**
     * The decision every threshold in this package makes: anomaly iff {@code logProb <
     * thresholdLogProb} and score {@code 1 / (1 + exp((logProb - thresholdLogProb) / scale))},
     * the logistic of the distance below the threshold in units of {@code scale}. A NaN logProb
     * is an anomaly with score 1; -Infinity scores 1 and +Infinity scores 0.
     *
     * @throws IllegalArgumentException if {@code scale} is not finite and positive or the
     *     threshold is not finite
     */
    public static Decision of(double logProb, double thresholdLogProb, double scale) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        if (!Double.isFinite(thresholdLogProb)) {
            throw new IllegalArgumentException("thresholdLogProb must be finite, got "
                    + thresholdLogProb);
        }
        if (Double.isNaN(logProb)) {
            return new Decision(true, 1.0, thresholdLogProb);
        }
        double score = 1.0 / (1.0 + Math.exp((logProb - thresholdLogProb) / scale));
        return new Decision(logProb < thresholdLogProb, score, thresholdLogProb);
    }
}

package io.vaeanomaly.threshold;


/**
 * A fixed threshold chosen by the user.
 *
 * @param thresholdLogProb log-probabilities strictly below this are anomalies; finite
 * @param scoreScale logistic scale of the anomaly score, finite and > 0 (see {@link Decision#of})
 */
public record StaticThreshold(double thresholdLogProb, double scoreScale) implements Threshold {
    public StaticThreshold {
        if (!Double.isFinite(thresholdLogProb)) {
            throw new IllegalArgumentException("thresholdLogProb must be finite, got "
                    + thresholdLogProb);
        }
        Calibration.checkScale(scoreScale);
    }

    /**
     * A fixed threshold whose score scale is the robust spread of normal log-probabilities, by the
     * same rule as the quantile and SPOT thresholds.
     */
    public static StaticThreshold calibrated(double thresholdLogProb, double[] normalLogProbs) {
        double[] sorted = Calibration.sortedFinite(normalLogProbs, "normalLogProbs");
        return new StaticThreshold(thresholdLogProb, Calibration.robustScale(sorted));
    }

    @Override
    public Decision decide(double logProb) {
        return Decision.of(logProb, thresholdLogProb, scoreScale);
    }

    @Override
    public StaticThreshold copy() {
        return this;
    }
}

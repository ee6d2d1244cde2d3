package io.vaeanomaly.threshold;


/**
 * A fixed threshold at a low quantile of log-probabilities of held-out normal data: with
 * {@code lowerTailFraction = 0.001}, about 0.1% of normal points fall below it (the 99.9% normal
 * score cut), so the fraction is the target false-alarm rate on data like the calibration set.
 *
 * <p>Use {@link #fit}; the canonical constructor exists for restoring a saved threshold.
 *
 * @param thresholdLogProb the {@code lowerTailFraction}-quantile of the calibration log-probs
 * @param scoreScale robust spread (IQR / 1.349) of the calibration log-probs, the logistic scale
 *     of the score; 1 nat if they have no spread
 * @param lowerTailFraction the quantile level used, in (0, 1)
 * @param calibrationCount how many values the threshold was fitted on (for reports)
 */
public record QuantileThreshold(double thresholdLogProb, double scoreScale,
        double lowerTailFraction, long calibrationCount) implements Threshold {
    public QuantileThreshold {
        if (!Double.isFinite(thresholdLogProb)) {
            throw new IllegalArgumentException("thresholdLogProb must be finite, got "
                    + thresholdLogProb);
        }
        Calibration.checkScale(scoreScale);
        checkFraction(lowerTailFraction);
        if (calibrationCount < 1) {
            throw new IllegalArgumentException("calibrationCount must be >= 1, got "
                    + calibrationCount);
        }
    }

    /**
     * Fits the threshold as the {@code lowerTailFraction}-quantile (linear interpolation between
     * order statistics) of the given log-probabilities.
     *
     * @param heldOutNormalLogProbs log-probabilities of normal data not used for training; all
     *     finite. For a stable estimate use at least ~{@code 10 / lowerTailFraction} values.
     * @param lowerTailFraction fraction of normal data to flag, e.g. 0.001, in (0, 1)
     * @throws IllegalArgumentException if the data are empty or not finite (naming the index), or
     *     the fraction is out of range
     */
    public static QuantileThreshold fit(double[] heldOutNormalLogProbs, double lowerTailFraction) {
        checkFraction(lowerTailFraction);
        double[] sorted = Calibration.sortedFinite(heldOutNormalLogProbs, "heldOutNormalLogProbs");
        return new QuantileThreshold(Calibration.quantile(sorted, lowerTailFraction),
                Calibration.robustScale(sorted), lowerTailFraction, sorted.length);
    }

    @Override
    public Decision decide(double logProb) {
        return Decision.of(logProb, thresholdLogProb, scoreScale);
    }

    @Override
    public QuantileThreshold copy() {
        return this;
    }

    private static void checkFraction(double lowerTailFraction) {
        if (!(lowerTailFraction > 0 && lowerTailFraction < 1)) {
            throw new IllegalArgumentException("lowerTailFraction must be in (0, 1), got "
                    + lowerTailFraction);
        }
    }
}

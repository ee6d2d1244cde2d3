package io.vaeanomaly.detect;

import io.vaeanomaly.threshold.QuantileThreshold;
import io.vaeanomaly.threshold.SpotThreshold;
import io.vaeanomaly.threshold.StaticThreshold;
import io.vaeanomaly.threshold.Threshold;

/**
 * Which threshold a new model gets and how it is calibrated on the training sample's scores.
 *
 * @param type spot, quantile or static
 * @param risk SPOT risk q: the target probability of flagging a normal event
 * @param initialLevel SPOT initial quantile t
 * @param quantile for the quantile threshold: the share of normal scores kept above the cut
 *     (0.999 flags the lowest 0.1%)
 * @param staticLogProb for the static threshold
 */
public record ThresholdSettings(
        Type type, double risk, double initialLevel, double quantile, double staticLogProb) {

    /** Threshold types. */
    public enum Type {
        SPOT,
        QUANTILE,
        STATIC
    }

    public static final ThresholdSettings DEFAULT =
            new ThresholdSettings(Type.SPOT, 1e-4, 0.98, 0.999, -100);

    /** Calibrates on log-probabilities of normal rows. */
    public Threshold calibrate(double[] normalLogProbs) {
        return switch (type) {
            case SPOT -> SpotThreshold.calibrate(normalLogProbs, risk, initialLevel);
            case QUANTILE -> QuantileThreshold.fit(normalLogProbs, 1 - quantile);
            case STATIC -> StaticThreshold.calibrated(staticLogProb, normalLogProbs);
        };
    }
}

package io.vaeanomaly.detect;

/**
 * The decision for one event.
 *
 * @param scored false when no model existed yet (warm-up): the other fields are then neutral
 * @param logProb reconstruction log-probability (nats, normalised space of the model)
 * @param anomalyScore in [0, 1], 0.5 at the threshold
 * @param anomaly whether the threshold flags the event
 * @param thresholdLogProb the threshold in force
 * @param modelVersion version of the model that scored it (0 when unscored)
 * @param topFeatures indices of the features that contribute least probability, lowest first
 * @param topContributions their per-feature log-probability contributions
 */
public record Detection(
        boolean scored,
        double logProb,
        double anomalyScore,
        boolean anomaly,
        double thresholdLogProb,
        long modelVersion,
        int[] topFeatures,
        double[] topContributions) {

    /** The outcome for an event seen before any model existed. */
    public static final Detection UNSCORED =
            new Detection(false, Double.NaN, 0, false, Double.NaN, 0, new int[0], new double[0]);
}

package io.vaeanomaly.score;

/**
 * The reconstruction log-probability of one event, split per feature.
 *
 * @param logProb the score in nats (higher is more normal), in the space the model sees
 * @param contributions per-feature terms that add up to {@code logProb} exactly
 * @param topFeatures indices of the {@code k} lowest contributions, lowest first: the features
 *     that make the event improbable
 */
public record Score(double logProb, double[] contributions, int[] topFeatures) {}

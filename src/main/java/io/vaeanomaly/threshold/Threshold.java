package io.vaeanomaly.threshold;

/**
 * Turns a log-probability (higher = more normal, for example a VAE reconstruction log-probability)
 * into an anomaly decision and a score in [0, 1].
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>{@code anomaly} iff {@code logProb < thresholdLogProb()} (strictly), or logProb is NaN;
 *   <li>the score is {@link Decision#of the logistic score}: continuous, monotone decreasing in
 *       logProb, exactly 0.5 at the threshold, 1 for NaN;
 *   <li>{@link #decide} never changes state; streaming thresholds learn only in {@link #observe}.
 * </ul>
 *
 * <p>Implementations are not thread-safe; one instance belongs to one operator. Use
 * {@link #copy()} to hand a snapshot elsewhere; {@code io.vaeanomaly.persist.ThresholdMapper}
 * writes and restores them.
 */
public interface Threshold {
    /** Decides on one log-probability without learning from it. */
    Decision decide(double logProb);

    /** The current cut: log-probabilities strictly below it are anomalies. Always finite. */
    double thresholdLogProb();

    /**
     * The logistic scale (in log-probability units, > 0) of the anomaly score: a point this far
     * below the threshold scores {@code 1/(1+e^-1)} ~ 0.73.
     */
    double scoreScale();

    /**
     * Lets a streaming threshold learn from one more value. The default does nothing (fixed
     * thresholds). NaN values are ignored by every implementation.
     */
    default void observe(double logProb) {
    }

    /** {@link #decide} then {@link #observe}: the usual per-event call of a streaming detector. */
    default Decision decideAndObserve(double logProb) {
        Decision d = decide(logProb);
        observe(logProb);
        return d;
    }

    /** An independent copy (immutable implementations may return {@code this}). */
    Threshold copy();
}

package io.vaeanomaly.detect;

/**
 * The outcome of one training: the first model, a promotion, or a rejection, with why.
 *
 * @param outcome what happened
 * @param modelVersion the champion's version after the decision
 * @param reason in words
 * @param verdict the training verdict
 * @param trainingSamples rows trained on
 * @param seconds training wall time
 * @param heldoutElbo challenger held-out ELBO (nats per row, normalised space)
 * @param heldoutIwae challenger held-out IWAE bound
 * @param kl challenger held-out KL
 * @param activeUnits challenger active latent units
 * @param trainedAtMs when training finished (0 in deterministic mode)
 */
public record ModelEvent(
        Outcome outcome,
        long modelVersion,
        String reason,
        String verdict,
        long trainingSamples,
        double seconds,
        double heldoutElbo,
        double heldoutIwae,
        double kl,
        int activeUnits,
        long trainedAtMs) {

    /** What a training led to. */
    public enum Outcome {
        INITIAL,
        PROMOTED,
        REJECTED
    }
}

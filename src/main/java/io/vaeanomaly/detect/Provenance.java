package io.vaeanomaly.detect;

/**
 * Where a model came from.
 *
 * @param modelVersion 1 for the first model, +1 per promotion
 * @param trainedAtMs wall-clock time training finished (epoch millis); 0 in deterministic mode
 * @param trainingSamples rows the model was trained on (train plus held-out)
 * @param recipe recipe name
 * @param verdict training verdict
 * @param heldoutElbo held-out ELBO, nats per row in normalised space
 * @param heldoutIwae held-out IWAE bound, same units
 * @param activeUnits active latent units
 * @param epochs epochs trained
 */
public record Provenance(
        long modelVersion,
        long trainedAtMs,
        long trainingSamples,
        String recipe,
        String verdict,
        double heldoutElbo,
        double heldoutIwae,
        int activeUnits,
        int epochs) {}

package io.vaeanomaly.diagnostics;

/**
 * What one epoch of training did.
 *
 * @param epoch 1-based epoch number
 * @param beta KL weight at the end of the epoch
 * @param learningRate learning rate at the end of the epoch
 * @param trainElbo mean ELBO (beta = 1) over the epoch's minibatches
 * @param trainReconstruction mean reconstruction term over the epoch
 * @param trainKl mean KL over the epoch
 * @param gradientNorm mean gradient L2 norm before clipping
 * @param clippedShare share of steps whose gradient was clipped
 * @param heldOut diagnostics on held-out rows
 * @param seconds wall time since the start of the run
 */
public record EpochDiagnostics(
        int epoch,
        double beta,
        double learningRate,
        double trainElbo,
        double trainReconstruction,
        double trainKl,
        double gradientNorm,
        double clippedShare,
        HeldOutMetrics heldOut,
        double seconds) {}

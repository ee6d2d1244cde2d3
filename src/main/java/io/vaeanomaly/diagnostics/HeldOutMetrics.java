package io.vaeanomaly.diagnostics;

/**
 * Convergence diagnostics of a model on held-out rows. All likelihood figures are mean nats per
 * row in the space the model sees (after normalisation).
 *
 * @param rows rows evaluated
 * @param elbo ELBO: mean over samples of log p(x|z) minus the analytic KL
 * @param reconstruction the reconstruction term E_q[log p(x|z)]
 * @param kl total KL(q(z|x) || p(z))
 * @param klPerDimension KL per latent dimension
 * @param activeUnits latent dimensions with Cov_x(E_q[z_d]) above the activity threshold (Burda et
 *     al. 2016)
 * @param latentVariance Cov_x(E_q[z_d]) per dimension
 * @param mutualInformation estimate of I(x; z) under q (He et al. 2019)
 * @param iwae importance-weighted bound with {@code iwaeSamples} samples (Burda et al. 2016)
 * @param iwaeSamples k of the IWAE bound
 * @param sigmaAtFloorShare share of decoder sigmas within 1% of the floor sigmaMin
 */
public record HeldOutMetrics(
        int rows,
        double elbo,
        double reconstruction,
        double kl,
        double[] klPerDimension,
        int activeUnits,
        double[] latentVariance,
        double mutualInformation,
        double iwae,
        int iwaeSamples,
        double sigmaAtFloorShare) {

    /** True when every figure is finite. */
    public boolean isFinite() {
        return Double.isFinite(elbo)
                && Double.isFinite(reconstruction)
                && Double.isFinite(kl)
                && Double.isFinite(iwae);
    }

    /** Indices of the dimensions that are not active. */
    public int[] inactiveDimensions(double threshold) {
        return java.util.stream.IntStream.range(0, latentVariance.length)
                .filter(d -> !(latentVariance[d] > threshold))
                .toArray();
    }
}

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
 * @param mutualInformation estimate of I(x; z) under q (He et al. 2019); null where it was not
 *     computed (per-epoch figures between the scheduled diagnostics, see {@link
 *     io.vaeanomaly.train.TrainingRecipe#diagnosticsEvery()})
 * @param iwae importance-weighted bound with {@code iwaeSamples} samples (Burda et al. 2016); null
 *     where it was not computed
 * @param iwaeSamples k of the IWAE bound; 0 where it was not computed
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
        Double mutualInformation,
        Double iwae,
        int iwaeSamples,
        double sigmaAtFloorShare) {

    /** True when every figure that was computed is finite. */
    public boolean isFinite() {
        return Double.isFinite(elbo)
                && Double.isFinite(reconstruction)
                && Double.isFinite(kl)
                && (iwae == null || Double.isFinite(iwae));
    }

    /** Whether the expensive figures (IWAE bound, mutual information) were computed. */
    public boolean hasIwae() {
        return iwae != null;
    }

    /** These figures with the IWAE bound and mutual information of {@code full}. */
    public HeldOutMetrics withIwaeAndMutualInformation(HeldOutMetrics full) {
        return new HeldOutMetrics(
                rows,
                elbo,
                reconstruction,
                kl,
                klPerDimension,
                activeUnits,
                latentVariance,
                full.mutualInformation,
                full.iwae,
                full.iwaeSamples,
                sigmaAtFloorShare);
    }

    /** Indices of the dimensions that are not active. */
    public int[] inactiveDimensions(double threshold) {
        return java.util.stream.IntStream.range(0, latentVariance.length)
                .filter(d -> !(latentVariance[d] > threshold))
                .toArray();
    }
}

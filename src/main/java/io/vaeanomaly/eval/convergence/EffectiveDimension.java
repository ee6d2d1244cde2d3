package io.vaeanomaly.eval.convergence;

import io.vaeanomaly.linalg.SymmetricEigen;

/**
 * The effective dimension of a data set: the number of principal components needed to explain a
 * share (by default 90%) of the total variance of the rows, capped at a maximum (the latent size).
 *
 * <p>It is the yardstick for posterior collapse in the convergence study: a VAE whose number of
 * active latent units is below the effective dimension leaves linear structure of the data
 * unexplained by its latents, i.e. part of the posterior has collapsed to the prior. It is a
 * linear measure, so for strongly non-linear data it can overstate what a VAE needs; on the
 * probabilistic-PCA data of the tests it equals the true latent dimension.
 *
 * <p>Rows with no variance at all have effective dimension 0.
 */
public final class EffectiveDimension {
    /** Default share of variance: 90%. */
    public static final double DEFAULT_SHARE = 0.9;

    private static final double CONSTANT_TOLERANCE = 1e-20;

    private EffectiveDimension() {}

    private static double meanSquare(double[][] rows) {
        double s = 0;
        for (double[] r : rows) {
            for (double v : r) {
                s += v * v;
            }
        }
        return s / rows.length;
    }

    /**
     * @param rows data rows, all of one length (use the normalised rows the model sees)
     * @param share variance share in (0, 1]
     * @param cap upper bound, {@code >= 0} (the latent dimension)
     * @return the smallest k whose leading k eigenvalues of the population covariance reach
     *     {@code share} of the trace, at most {@code cap}
     */
    public static int of(double[][] rows, double share, int cap) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share: must be in (0, 1] but was " + share);
        }
        if (cap < 0) {
            throw new IllegalArgumentException("cap: must be >= 0 but was " + cap);
        }
        if (rows.length < 2) {
            return 0;
        }
        double[][] cov = covariance(rows);
        double trace = 0;
        for (int j = 0; j < cov.length; j++) {
            trace += cov[j][j];
        }
        // Variance at the level of rounding noise of the values counts as none.
        if (!(trace > CONSTANT_TOLERANCE * Math.max(1.0, meanSquare(rows)))) {
            return 0;
        }
        double[] eig = SymmetricEigen.valuesOf(cov);
        double total = 0;
        for (double v : eig) {
            total += Math.max(0, v); // tiny negative eigenvalues are rounding noise
        }
        double cum = 0;
        for (int k = 0; k < eig.length; k++) {
            cum += Math.max(0, eig[k]);
            if (cum >= share * total * (1 - 1e-12)) {
                return Math.min(cap, k + 1);
            }
        }
        return Math.min(cap, eig.length);
    }

    static double[][] covariance(double[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (double[] r : rows) {
            if (r.length != d) {
                throw new IllegalArgumentException("rows have different lengths");
            }
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                c[j] = r[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                double[] row = cov[a];
                for (int b = a; b < d; b++) {
                    row[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n;
                cov[b][a] = cov[a][b];
            }
        }
        return cov;
    }
}

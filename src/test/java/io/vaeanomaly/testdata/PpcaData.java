package io.vaeanomaly.testdata;

import io.vaeanomaly.model.GaussianNoise;

/**
 * Data from a known probabilistic-PCA model x = W z + mu + e, z ~ N(0, I_q), e ~ N(0, s2 I_d),
 * whose exact log-likelihood is available in closed form: x ~ N(mu, W W^T + s2 I).
 */
public final class PpcaData {
    public final int d;
    public final int q;
    public final double noiseVariance;
    public final double[][] w;
    public final double[] mu;
    private final double[][] choleskyL;
    private final double logDet;

    public PpcaData(int d, int q, double noiseVariance, long seed) {
        this.d = d;
        this.q = q;
        this.noiseVariance = noiseVariance;
        GaussianNoise rnd = new GaussianNoise(seed);
        w = new double[d][q];
        mu = new double[d];
        for (int i = 0; i < d; i++) {
            mu[i] = rnd.next();
            for (int j = 0; j < q; j++) {
                w[i][j] = rnd.next();
            }
        }
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < q; k++) {
                    s += w[i][k] * w[j][k];
                }
                c[i][j] = s + (i == j ? noiseVariance : 0);
            }
        }
        choleskyL = cholesky(c);
        double ld = 0;
        for (int i = 0; i < d; i++) {
            ld += 2 * Math.log(choleskyL[i][i]);
        }
        logDet = ld;
    }

    /** n samples from the model. */
    public double[][] sample(int n, long seed) {
        GaussianNoise rnd = new GaussianNoise(seed);
        double sd = Math.sqrt(noiseVariance);
        double[][] x = new double[n][d];
        double[] z = new double[q];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < q; j++) {
                z[j] = rnd.next();
            }
            for (int i = 0; i < d; i++) {
                double s = mu[i];
                for (int j = 0; j < q; j++) {
                    s += w[i][j] * z[j];
                }
                x[r][i] = s + sd * rnd.next();
            }
        }
        return x;
    }

    /** Exact mean log-likelihood per row under the true model. */
    public double meanLogLikelihood(double[][] x) {
        double total = 0;
        double[] y = new double[d];
        for (double[] row : x) {
            // Solve L y = (x - mu); quadratic form = |y|^2.
            double quad = 0;
            for (int i = 0; i < d; i++) {
                double s = row[i] - mu[i];
                for (int k = 0; k < i; k++) {
                    s -= choleskyL[i][k] * y[k];
                }
                y[i] = s / choleskyL[i][i];
                quad += y[i] * y[i];
            }
            total += -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
        }
        return total / x.length;
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        return l;
    }
}

package io.vaeanomaly.eval.baseline;

import java.util.Arrays;

/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method: repeated plane
 * rotations that zero one off-diagonal element at a time until the off-diagonal mass is negligible.
 * Slow for large matrices (O(d^3) per sweep) but simple, accurate and dependency-free for the
 * d &le; a few dozen of covariance matrices here.
 *
 * @param values eigenvalues in descending order
 * @param vectors {@code vectors[i][k]} is component {@code i} of the eigenvector for {@code
 *     values[k]} (eigenvectors are columns, orthonormal)
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 100;

    /** Decomposes {@code a} (square, symmetric; not modified). */
    public static SymmetricEigen of(double[][] a) {
        int d = a.length;
        double[][] m = new double[d][];
        for (int i = 0; i < d; i++) {
            if (a[i].length != d) {
                throw new IllegalArgumentException("matrix is not square");
            }
            m[i] = a[i].clone();
        }
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) {
            v[i][i] = 1.0;
        }
        double scale = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                scale += m[i][j] * m[i][j];
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(m) > 1e-30 * scale; sweep++) {
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = m[i][i];
        }
        return sorted(values, v);
    }

    private static double offDiagonal(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    s += m[i][j] * m[i][j];
                }
            }
        }
        return s;
    }

    /** Zeroes m[p][q] with a rotation (Golub & Van Loan, Algorithm 8.4.1) and updates v. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double apq = m[p][q];
        if (apq == 0) {
            return;
        }
        double theta = (m[q][q] - m[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int d = m.length;
        for (int k = 0; k < d; k++) {
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < d; k++) {
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < d; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static SymmetricEigen sorted(double[] values, double[][] v) {
        int d = values.length;
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[] vals = new double[d];
        double[][] vecs = new double[d][d];
        for (int k = 0; k < d; k++) {
            vals[k] = values[order[k]];
            for (int i = 0; i < d; i++) {
                vecs[i][k] = v[i][order[k]];
            }
        }
        return new SymmetricEigen(vals, vecs);
    }
}

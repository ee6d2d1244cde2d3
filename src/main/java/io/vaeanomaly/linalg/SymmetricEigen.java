package io.vaeanomaly.linalg;

import io.vaeanomaly.model.NdRuntime;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eigendecomposition of a real symmetric matrix, in double precision, by LAPACK's {@code dsyev}
 * (through ND4J's OpenBLAS backend): {@code A = V diag(values) V^T} with V orthonormal.
 *
 * <p>The result is canonical so that callers get the same answer on every run: eigenvalues are
 * sorted in descending order, and each eigenvector's sign is chosen so that its component of
 * largest magnitude (the first such, on ties) is positive. Eigenvectors of repeated eigenvalues are
 * any orthonormal basis of their eigenspace, as LAPACK returns it.
 *
 * <p>Typical use: principal axes and spectra of covariance matrices (the PCA baseline, effective
 * dimension, probabilistic-PCA maximum-likelihood fits). Cost O(d^3), fine into the thousands.
 *
 * @param values eigenvalues in descending order
 * @param vectors {@code vectors[i][k]} is component {@code i} of the unit eigenvector for {@code
 *     values[k]} (eigenvectors are the columns)
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    /**
     * Relative tolerance of the symmetry check: covariance matrices computed in floating point are
     * symmetric to the last bits at most, and LAPACK reads only one triangle, so a larger asymmetry
     * means the caller passed something that is not a symmetric matrix.
     */
    private static final double SYMMETRY_TOLERANCE = 1e-9;

    /**
     * Eigenvalues and eigenvectors of {@code a}.
     *
     * @param a square, symmetric, finite; not modified
     * @throws IllegalArgumentException if {@code a} is not square, not symmetric or not finite
     * @throws ArithmeticException if LAPACK does not converge
     */
    public static SymmetricEigen of(double[][] a) {
        int d = a.length;
        INDArray m = lapackInput(a);
        INDArray w = Nd4j.create(DataType.DOUBLE, d);
        if (d > 0) {
            syev('V', m, w);
        }
        double[] ascending = w.toDoubleVector();
        double[][] columns = d == 0 ? new double[0][0] : m.toDoubleMatrix();
        double[] values = new double[d];
        double[][] vectors = new double[d][d];
        for (int k = 0; k < d; k++) {
            int src = d - 1 - k;
            values[k] = ascending[src];
            int sign = signOfLargest(columns, src);
            for (int i = 0; i < d; i++) {
                vectors[i][k] = sign * columns[i][src];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * Eigenvalues only, in descending order (cheaper than {@link #of}: LAPACK skips the vectors).
     */
    public static double[] valuesOf(double[][] a) {
        int d = a.length;
        INDArray m = lapackInput(a);
        INDArray w = Nd4j.create(DataType.DOUBLE, d);
        if (d > 0) {
            syev('N', m, w);
        }
        double[] v = w.toDoubleVector();
        double[] out = new double[d];
        for (int k = 0; k < d; k++) {
            out[k] = v[d - 1 - k];
        }
        return out;
    }

    private static INDArray lapackInput(double[][] a) {
        int d = a.length;
        double scale = 0;
        for (double[] row : a) {
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "matrix is not square: " + d + " rows, a row of " + row.length);
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("matrix has a non-finite entry: " + v);
                }
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > SYMMETRY_TOLERANCE * scale) {
                    throw new IllegalArgumentException(
                            "matrix is not symmetric: a["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + a[i][j]
                                    + " but a["
                                    + j
                                    + "]["
                                    + i
                                    + "] = "
                                    + a[j][i]);
                }
            }
        }
        NdRuntime.configure();
        // Column-major copy: LAPACK's native layout, so no transposition happens inside.
        INDArray m = Nd4j.create(DataType.DOUBLE, new long[] {d, d}, 'f');
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                m.putScalar(i, j, a[i][j]);
            }
        }
        return m;
    }

    /** LAPACK dsyev on the lower triangle; overwrites {@code m} with the vectors (jobz 'V'). */
    private static void syev(char jobz, INDArray m, INDArray w) {
        int info = Nd4j.getBlasWrapper().lapack().syev(jobz, 'L', m, w);
        if (info != 0) {
            throw new ArithmeticException(
                    "LAPACK dsyev failed (info "
                            + info
                            + ") on a "
                            + m.rows()
                            + "x"
                            + m.rows()
                            + " matrix");
        }
    }

    /** +1 or -1: the sign that makes the largest-magnitude component of column k positive. */
    private static int signOfLargest(double[][] columns, int k) {
        int best = 0;
        for (int i = 1; i < columns.length; i++) {
            if (Math.abs(columns[i][k]) > Math.abs(columns[best][k])) {
                best = i;
            }
        }
        return columns[best][k] < 0 ? -1 : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymmetricEigen e
                && Arrays.equals(values, e.values)
                && Arrays.deepEquals(vectors, e.vectors);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + Arrays.deepHashCode(vectors);
    }

    @Override
    public String toString() {
        return "SymmetricEigen" + Arrays.toString(values);
    }
}

package io.vaeanomaly.eval.baseline;

import java.util.Arrays;

/**
 * Per-column z-transform fitted on training rows: {@code (x - mean) / std} with the population
 * standard deviation (divide by n, not n - 1). Constant columns follow a {@link ConstantColumns}
 * policy. Immutable.
 */
public final class Standardizer {
    private final double[] mean;
    private final double[] scale;
    private final int[] kept;

    private Standardizer(double[] mean, double[] scale, int[] kept) {
        this.mean = mean;
        this.scale = scale;
        this.kept = kept;
    }

    /** Fits on {@code train} (at least one row, all rows the same width). */
    public static Standardizer fit(double[][] train, ConstantColumns policy) {
        int d = Matrices.checkRectangular(train, "train");
        int n = train.length;
        double[] mean = new double[d];
        for (double[] row : train) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] var = new double[d];
        for (double[] row : train) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                var[j] += c * c;
            }
        }
        double[] scale = new double[d];
        int[] kept = new int[d];
        int k = 0;
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(var[j] / n);
            // Exactly constant columns only: a column that varies a little is real information.
            boolean constant = isConstant(train, j);
            if (constant && policy == ConstantColumns.DROP) {
                continue;
            }
            scale[j] = constant ? 1.0 : sd;
            kept[k++] = j;
        }
        return new Standardizer(mean, scale, Arrays.copyOf(kept, k));
    }

    private static boolean isConstant(double[][] train, int j) {
        double first = train[0][j];
        for (double[] row : train) {
            if (row[j] != first) {
                return false;
            }
        }
        return true;
    }

    /** Input width this was fitted on. */
    public int inputDimension() {
        return mean.length;
    }

    /** Output width: input width minus dropped constant columns. */
    public int outputDimension() {
        return kept.length;
    }

    /** Standardised copies of {@code rows}, {@code [n][outputDimension()]}. */
    public double[][] transform(double[][] rows) {
        int d = Matrices.checkRectangular(rows, "rows");
        if (d != mean.length) {
            throw new IllegalArgumentException(
                    "rows have " + d + " columns but the scorer was fitted on " + mean.length);
        }
        double[][] out = new double[rows.length][kept.length];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < kept.length; c++) {
                int j = kept[c];
                out[i][c] = (rows[i][j] - mean[j]) / scale[j];
            }
        }
        return out;
    }
}

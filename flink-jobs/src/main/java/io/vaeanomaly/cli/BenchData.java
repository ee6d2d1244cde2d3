package io.vaeanomaly.cli;

import io.vaeanomaly.model.GaussianNoise;

/**
 * The benchmark's fixed data set, generated from a seed so every run trains on the same rows: a
 * four-dimensional latent factor drives every feature linearly (correlated, low rank) and through
 * three nonlinear terms (a product, a sine, a square), plus 0.1 of independent noise; each column
 * is then standardised to mean 0 and standard deviation 1, as the job's normaliser would.
 */
final class BenchData {
    private static final int FACTORS = 4;
    private static final double NOISE = 0.1;

    private BenchData() {}

    static double[][] generate(int rows, int features, long seed) {
        GaussianNoise g = new GaussianNoise(seed);
        double[][] loading = new double[features][FACTORS];
        double[] product = new double[features];
        double[] sine = new double[features];
        double[] square = new double[features];
        for (int j = 0; j < features; j++) {
            for (int q = 0; q < FACTORS; q++) {
                loading[j][q] = g.next() / Math.sqrt(FACTORS);
            }
            product[j] = 0.5 * g.next();
            sine[j] = 0.5 * g.next();
            square[j] = 0.3 * g.next();
        }
        double[][] x = new double[rows][features];
        double[] u = new double[FACTORS];
        for (double[] row : x) {
            g.fill(u);
            double p = Math.tanh(u[0] * u[1]);
            double s = Math.sin(2 * u[2]);
            double q2 = u[3] * u[3] - 1;
            for (int j = 0; j < features; j++) {
                double v = product[j] * p + sine[j] * s + square[j] * q2 + NOISE * g.next();
                for (int q = 0; q < FACTORS; q++) {
                    v += loading[j][q] * u[q];
                }
                row[j] = v;
            }
        }
        standardise(x);
        return x;
    }

    private static void standardise(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[j];
            }
            mean /= n;
            double var = 0;
            for (double[] row : x) {
                var += (row[j] - mean) * (row[j] - mean);
            }
            double sd = Math.sqrt(var / n);
            for (double[] row : x) {
                row[j] = (row[j] - mean) / sd;
            }
        }
    }
}

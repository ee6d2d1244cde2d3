package io.vaeanomaly.threshold;

import java.util.function.ToDoubleFunction;

/**
 * Derivative-free minimisation (Nelder-Mead simplex with the standard coefficients). Infinite
 * function values are allowed and simply lose every comparison, which makes it convenient for
 * likelihoods with a restricted parameter space.
 */
final class NelderMead {
    private NelderMead() {
    }

    /**
     * Minimises {@code f} from {@code start} with an initial simplex of edge {@code step}.
     *
     * @param tolerance stop when the spread of function values and the simplex size are both
     *     below it
     * @param maxEvaluations hard cap on function evaluations (bounds the cost)
     * @return the best vertex found
     */
    static double[] minimize(ToDoubleFunction<double[]> f, double[] start, double step,
            double tolerance, int maxEvaluations) {
        int d = start.length;
        double[][] x = new double[d + 1][];
        double[] fx = new double[d + 1];
        for (int i = 0; i <= d; i++) {
            x[i] = start.clone();
            if (i > 0) {
                x[i][i - 1] += step;
            }
            fx[i] = f.applyAsDouble(x[i]);
        }
        int evaluations = d + 1;
        while (evaluations < maxEvaluations) {
            sort(x, fx);
            if (Math.abs(fx[d] - fx[0]) <= tolerance * (1 + Math.abs(fx[0]))
                    && size(x) <= tolerance * 100) {
                break;
            }
            double[] centroid = new double[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    centroid[j] += x[i][j] / d;
                }
            }
            double[] reflected = along(centroid, x[d], -1.0);
            double fr = f.applyAsDouble(reflected);
            evaluations++;
            if (fr < fx[0]) {
                double[] expanded = along(centroid, x[d], -2.0);
                double fe = f.applyAsDouble(expanded);
                evaluations++;
                if (fe < fr) {
                    x[d] = expanded;
                    fx[d] = fe;
                } else {
                    x[d] = reflected;
                    fx[d] = fr;
                }
            } else if (fr < fx[d - 1]) {
                x[d] = reflected;
                fx[d] = fr;
            } else {
                boolean outside = fr < fx[d];
                double[] contracted = along(centroid, x[d], outside ? -0.5 : 0.5);
                double fc = f.applyAsDouble(contracted);
                evaluations++;
                if (fc < Math.min(fr, fx[d])) {
                    x[d] = contracted;
                    fx[d] = fc;
                } else {
                    for (int i = 1; i <= d; i++) {
                        for (int j = 0; j < d; j++) {
                            x[i][j] = x[0][j] + 0.5 * (x[i][j] - x[0][j]);
                        }
                        fx[i] = f.applyAsDouble(x[i]);
                    }
                    evaluations += d;
                }
            }
        }
        sort(x, fx);
        return x[0];
    }

    /** {@code centroid + t * (vertex - centroid)}. */
    private static double[] along(double[] centroid, double[] vertex, double t) {
        double[] out = new double[centroid.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = centroid[j] + t * (vertex[j] - centroid[j]);
        }
        return out;
    }

    private static double size(double[][] x) {
        double max = 0;
        for (int i = 1; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                max = Math.max(max, Math.abs(x[i][j] - x[0][j]));
            }
        }
        return max;
    }

    /** Insertion sort of vertices by value; NaN never occurs (callers map it to +Infinity). */
    private static void sort(double[][] x, double[] fx) {
        for (int i = 1; i < fx.length; i++) {
            double fi = fx[i];
            double[] xi = x[i];
            int j = i - 1;
            while (j >= 0 && fx[j] > fi) {
                fx[j + 1] = fx[j];
                x[j + 1] = x[j];
                j--;
            }
            fx[j + 1] = fi;
            x[j + 1] = xi;
        }
    }
}

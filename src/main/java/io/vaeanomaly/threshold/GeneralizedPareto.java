package io.vaeanomaly.threshold;

/**
 * Generalized Pareto distribution of excesses {@code Y > 0} over a threshold:
 * {@code P(Y > y) = (1 + shape * y / scale)^(-1/shape)}, and {@code exp(-y / scale)} for shape 0.
 * It is the limit law of excesses over a high threshold (Pickands-Balkema-de Haan), which is what
 * lets SPOT extrapolate far into a tail from a modest number of peaks.
 *
 * @param shape the tail index gamma: {@code > 0} heavy tail, {@code 0} exponential, {@code < 0}
 *     bounded tail with endpoint {@code scale / -shape}
 * @param scale sigma, finite and {@code > 0}
 */
public record GeneralizedPareto(double shape, double scale) {
    /** Fitted shapes at or below this are rejected in favour of the exponential fit. */
    public static final double MIN_SHAPE = -1.0;
    /** |shape| below this is treated as exactly 0 in {@link #excessQuantile}. */
    private static final double ZERO_SHAPE = 1e-12;
    /** Grid points per bracket-search segment in {@link #fit}. */
    private static final int GRID = 16;

    public GeneralizedPareto {
        if (!Double.isFinite(shape)) {
            throw new IllegalArgumentException("shape must be finite, got " + shape);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
    }

    /**
     * The excess {@code y} with {@code P(Y > y) = tailProbability}, i.e.
     * {@code (scale/shape) * (p^(-shape) - 1)}, or {@code -scale * log(p)} for shape 0. Negative
     * when {@code tailProbability > 1} (callers asking beyond their data get an honest answer).
     *
     * @throws IllegalArgumentException if {@code tailProbability} is not finite and positive
     */
    public double excessQuantile(double tailProbability) {
        if (!(tailProbability > 0) || !Double.isFinite(tailProbability)) {
            throw new IllegalArgumentException("tailProbability must be finite and > 0, got "
                    + tailProbability);
        }
        double logP = Math.log(tailProbability);
        if (Math.abs(shape) < ZERO_SHAPE) {
            return -scale * logP;
        }
        return scale / shape * Math.expm1(-shape * logP);
    }

    /**
     * Log-likelihood of the first {@code count} excesses; -Infinity if one lies beyond a bounded
     * tail's endpoint.
     */
    public double logLikelihood(double[] excesses, int count) {
        double sum = 0;
        if (Math.abs(shape) < ZERO_SHAPE) {
            for (int i = 0; i < count; i++) {
                sum += excesses[i];
            }
            return -count * Math.log(scale) - sum / scale;
        }
        double ratio = shape / scale;
        for (int i = 0; i < count; i++) {
            double z = ratio * excesses[i];
            if (!(z > -1)) {
                return Double.NEGATIVE_INFINITY;
            }
            sum += log1p(z);
        }
        return -count * Math.log(scale) - (1 + 1 / shape) * sum;
    }

    /**
     * Log-likelihood of excesses each observed only because it was at most its truncation point:
     * {@code sum log f(y_i) - sum log F(c_i)} over the first {@code count} entries, where an
     * infinite {@code c_i} means "not truncated". -Infinity when a point is impossible.
     */
    public double truncatedLogLikelihood(double[] excesses, double[] truncations, int count) {
        double ll = logLikelihood(excesses, count);
        boolean exponential = Math.abs(shape) < ZERO_SHAPE;
        double ratio = shape / scale;
        for (int i = 0; i < count && ll > Double.NEGATIVE_INFINITY; i++) {
            double c = truncations[i];
            if (c == Double.POSITIVE_INFINITY) {
                continue;
            }
            double logSurvival;
            if (exponential) {
                logSurvival = -c / scale;
            } else {
                double z = ratio * c;
                // beyond a bounded tail's endpoint the survival is 0 and F(c) = 1
                logSurvival = z > -1 ? -log1p(z) / shape : Double.NEGATIVE_INFINITY;
            }
            double survival = Math.exp(logSurvival);
            // log(1 - S): direct when S is small (the usual case), expm1 when 1 - S cancels
            double logCdf = survival < 0.5 ? Math.log(1 - survival)
                    : Math.log(-Math.expm1(logSurvival));
            if (!(logCdf <= 0)) {
                return Double.NEGATIVE_INFINITY;
            }
            ll -= logCdf;
        }
        return ll;
    }

    /**
     * {@code log(1 + z)}: the intrinsic {@link Math#log} is several times faster than
     * {@link Math#log1p}, and only loses accuracy when |z| is small, where log1p is used.
     */
    private static double log1p(double z) {
        return Math.abs(z) < 1e-3 ? Math.log1p(z) : Math.log(1 + z);
    }

    /**
     * Maximum-likelihood fit by Grimshaw's method (Grimshaw 1993; as used by SPOT, Siffer et al.
     * 2017). With {@code x = shape/scale}, the non-trivial stationary points of the likelihood are
     * the roots of {@code u(x) v(x) = 1}, {@code u(x) = mean(1/(1+x*y))},
     * {@code v(x) = 1 + mean(log(1+x*y))}, and then {@code shape = v(x) - 1},
     * {@code scale = shape / x}. Roots lie in {@code (-1/max(y), 0)} or
     * {@code (0, 2(mean(y)-min(y))/min(y)^2)}; this implementation brackets them on a fixed
     * log-spaced grid ({@value #GRID} points per segment) and refines each bracket with the
     * Illinois method, then keeps the candidate with the highest likelihood among the roots and
     * the exponential fit (shape 0, scale = mean excess). The exponential candidate is always
     * valid, so the result is never NaN: constant excesses, no roots, or roots with shape
     * {@code <= MIN_SHAPE} or non-finite parameters all yield the exponential fit.
     *
     * <p>Cost: O(count) per evaluation, about 50-150 evaluations in total.
     *
     * @param excesses values {@code >= 0}, finite, not all 0; only the first {@code count} are used
     * @throws IllegalArgumentException if {@code count < 1} or the excesses are invalid
     */
    public static GeneralizedPareto fit(double[] excesses, int count) {
        if (count < 1 || count > excesses.length) {
            throw new IllegalArgumentException("count must be in [1, " + excesses.length
                    + "], got " + count);
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < count; i++) {
            double y = excesses[i];
            if (!(y >= 0) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("excesses[" + i + "] must be finite and >= 0, "
                        + "got " + y);
            }
            sum += y;
            min = Math.min(min, y);
            max = Math.max(max, y);
        }
        double mean = sum / count;
        if (!(mean > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("excesses have no positive mean: " + mean);
        }
        GeneralizedPareto best = new GeneralizedPareto(0.0, mean);
        if (max - min <= 1e-12 * max) {
            return best;
        }
        double bestLogLik = -count * (Math.log(mean) + 1);
        Grimshaw g = new Grimshaw(excesses, count);

        // Negative side: x = -s / max with s in (0, 1), dense near both ends.
        double sLow = Math.min(1e-4 * max / mean, 1e-2);
        double[] left = new double[2 * GRID];
        for (int k = 0; k < GRID; k++) {
            double s = sLow * Math.pow(0.5 / sLow, (double) k / (GRID - 1));
            left[k] = -s / max;
            double oneMinus = 1e-12 * Math.pow(0.5 / 1e-12, (double) k / (GRID - 1));
            left[2 * GRID - 1 - k] = -(1 - oneMinus) / max;
        }
        // Positive side: from x*mean = 1e-4 (shape indistinguishable from 0) to Grimshaw's bound.
        double xLow = 1e-4 / mean;
        double bound = min > 0 ? 2 * (mean - min) / (min * min) : Double.POSITIVE_INFINITY;
        double xHigh = Math.min(bound, 1e12 / mean);
        double[] right = new double[xHigh > xLow ? GRID : 0];
        for (int k = 0; k < right.length; k++) {
            right[k] = xLow * Math.pow(xHigh / xLow, (double) k / (GRID - 1));
        }

        for (double[] grid : new double[][] {left, right}) {
            double prevX = Double.NaN;
            double prevW = Double.NaN;
            for (double x : grid) {
                double w = g.w(x);
                if (Double.isFinite(prevW) && Double.isFinite(w) && (w == 0 || prevW * w < 0)) {
                    double root = w == 0 ? x : g.root(prevX, prevW, x, w);
                    GeneralizedPareto candidate = g.candidate(root);
                    if (candidate != null) {
                        double ll = -count * (Math.log(candidate.scale) + 1 + candidate.shape);
                        if (ll > bestLogLik) {
                            bestLogLik = ll;
                            best = candidate;
                        }
                    }
                }
                prevX = x;
                prevW = w;
            }
        }
        return best;
    }

    /**
     * Maximum-likelihood fit to excesses that were each kept only if at most a known truncation
     * point (as SPOT keeps only values below its current threshold). Ignoring that truncation
     * biases the tail towards lighter shapes; this maximises {@link #truncatedLogLikelihood}.
     *
     * <p>With no finite truncation point this is exactly {@link #fit}. Otherwise a Nelder-Mead
     * search over (shape, log scale) starts from {@code start} (typically the previous fit, so a
     * refit after one new peak converges in a few dozen evaluations) or, when null, from the
     * untruncated Grimshaw fit. The result is the best of the search, its start and the
     * exponential fit, so it is always a valid distribution.
     *
     * @param truncations same length as excesses; {@code +Infinity} for untruncated entries,
     *     otherwise {@code >= excesses[i]}
     * @param start starting point, or null
     */
    public static GeneralizedPareto fitTruncated(double[] excesses, double[] truncations,
            int count, GeneralizedPareto start) {
        boolean truncated = false;
        for (int i = 0; i < count; i++) {
            truncated |= truncations[i] != Double.POSITIVE_INFINITY;
        }
        GeneralizedPareto untruncated = start == null || !truncated ? fit(excesses, count) : null;
        if (!truncated) {
            return untruncated;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += excesses[i];
        }
        GeneralizedPareto from = start != null ? start : untruncated;
        java.util.function.ToDoubleFunction<double[]> negLogLik = theta -> {
            double shape = theta[0];
            double scale = Math.exp(theta[1]);
            if (!(shape > MIN_SHAPE) || !Double.isFinite(shape) || !(scale > 0)
                    || !Double.isFinite(scale)) {
                return Double.POSITIVE_INFINITY;
            }
            double ll = new GeneralizedPareto(shape, scale)
                    .truncatedLogLikelihood(excesses, truncations, count);
            return Double.isNaN(ll) ? Double.POSITIVE_INFINITY : -ll;
        };
        double[] best = NelderMead.minimize(negLogLik,
                new double[] {from.shape, Math.log(from.scale)}, 0.02, 1e-7, 300);
        GeneralizedPareto result = from;
        double bestValue = negLogLik.applyAsDouble(new double[] {from.shape, Math.log(from.scale)});
        double found = negLogLik.applyAsDouble(best);
        if (found < bestValue && Math.abs(best[0]) >= ZERO_SHAPE) {
            result = new GeneralizedPareto(best[0], Math.exp(best[1]));
            bestValue = found;
        }
        GeneralizedPareto exponential = new GeneralizedPareto(0.0, sum / count);
        if (exponential.truncatedLogLikelihood(excesses, truncations, count) > -bestValue) {
            result = exponential;
        }
        return result;
    }

    /** Grimshaw's equation for fixed data. */
    private static final class Grimshaw {
        private final double[] y;
        private final int m;

        Grimshaw(double[] y, int m) {
            this.y = y;
            this.m = m;
        }

        /** {@code u(x) v(x) - 1}. */
        double w(double x) {
            double su = 0;
            double sv = 0;
            for (int i = 0; i < m; i++) {
                double xy = x * y[i];
                su += 1 / (1 + xy);
                sv += log1p(xy);
            }
            return (su / m) * (1 + sv / m) - 1;
        }

        /** Illinois (modified regula falsi) on a bracket with {@code wa * wb < 0}. */
        double root(double a, double wa, double b, double wb) {
            int side = 0;
            double c = a;
            for (int iter = 0; iter < 100; iter++) {
                c = (a * wb - b * wa) / (wb - wa);
                if (!(c > Math.min(a, b) && c < Math.max(a, b))) {
                    c = 0.5 * (a + b);
                }
                double wc = w(c);
                if (wc == 0 || !Double.isFinite(wc)) {
                    return c;
                }
                if (wc * wb > 0) {
                    b = c;
                    wb = wc;
                    if (side == -1) {
                        wa /= 2;
                    }
                    side = -1;
                } else {
                    a = c;
                    wa = wc;
                    if (side == 1) {
                        wb /= 2;
                    }
                    side = 1;
                }
                if (Math.abs(b - a) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) {
                    break;
                }
            }
            return c;
        }

        /** The parameters at root {@code x}, or null if they are not a usable distribution. */
        GeneralizedPareto candidate(double x) {
            double sv = 0;
            for (int i = 0; i < m; i++) {
                sv += log1p(x * y[i]);
            }
            double shape = sv / m;
            double scale = shape / x;
            if (!Double.isFinite(shape) || !(shape > MIN_SHAPE) || Math.abs(shape) < ZERO_SHAPE
                    || !(scale > 0) || !Double.isFinite(scale)) {
                return null;
            }
            return new GeneralizedPareto(shape, scale);
        }
    }
}

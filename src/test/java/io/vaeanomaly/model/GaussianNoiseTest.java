package io.vaeanomaly.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The ziggurat generator against N(0, 1): moments, the Kolmogorov-Smirnov distance on a million
 * draws, the tail beyond the base layer (its own code path) on its own, and the tables. Bounds are
 * at least 4.5 standard errors (or the KS 0.1% critical value), so a correct generator fails about
 * once in a hundred thousand runs with a fixed seed: never, since the seeds are fixed.
 */
class GaussianNoiseTest {
    private static final int N = 1_000_000;

    @Test
    void momentsMatchTheStandardNormal() {
        double[] x = draws(17, N);
        double m1 = 0;
        for (double v : x) {
            m1 += v;
        }
        m1 /= N;
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        double lag = 0;
        for (int i = 0; i < N; i++) {
            double c = x[i] - m1;
            m2 += c * c;
            m3 += c * c * c;
            m4 += c * c * c * c;
            if (i > 0) {
                lag += x[i] * x[i - 1];
            }
        }
        m2 /= N;
        double skew = m3 / N / Math.pow(m2, 1.5);
        double kurtosis = m4 / N / (m2 * m2);
        assertThat(m1).as("mean").isCloseTo(0.0, within(5 / Math.sqrt(N)));
        assertThat(m2).as("variance").isCloseTo(1.0, within(5 * Math.sqrt(2.0 / N)));
        assertThat(skew).as("skewness").isCloseTo(0.0, within(5 * Math.sqrt(6.0 / N)));
        assertThat(kurtosis).as("kurtosis").isCloseTo(3.0, within(5 * Math.sqrt(24.0 / N)));
        assertThat(lag / (N - 1)).as("lag-1 correlation").isCloseTo(0.0, within(5 / Math.sqrt(N)));
    }

    @Test
    void kolmogorovSmirnovDistanceToTheNormalCdfIsSmall() {
        double[] x = draws(23, N);
        Arrays.sort(x);
        double d = 0;
        for (int i = 0; i < N; i++) {
            double cdf = normalCdf(x[i]);
            d = Math.max(d, Math.max(cdf - (double) i / N, (double) (i + 1) / N - cdf));
        }
        // 0.1% critical value of the one-sample KS statistic: 1.95 / sqrt(n).
        assertThat(d).isLessThan(1.95 / Math.sqrt(N));
    }

    @Test
    void tailFrequenciesMatch() {
        double[] x = draws(29, N);
        double[] cut = {1, 2, 3, GaussianNoise.R, 4};
        for (double c : cut) {
            long count = Arrays.stream(x).filter(v -> Math.abs(v) > c).count();
            double p = 2 * upperTail(c);
            double expected = p * N;
            double sd = Math.sqrt(N * p * (1 - p));
            assertThat((double) count).as("|x| > %s", c).isCloseTo(expected, within(5 * sd));
            long positive = Arrays.stream(x).filter(v -> v > c).count();
            assertThat((double) positive).as("x > %s", c).isCloseTo(expected / 2, within(5 * sd));
        }
    }

    @Test
    void valuesBeyondTheBaseLayerFollowTheNormalTail() {
        // The tail has its own sampler: test its conditional distribution on its own.
        GaussianNoise g = new GaussianNoise(31);
        double r = GaussianNoise.R;
        double[] tail = new double[4000];
        int n = 0;
        while (n < tail.length) {
            double v = Math.abs(g.next());
            if (v > r) {
                tail[n++] = v;
            }
        }
        Arrays.sort(tail);
        double q = upperTail(r);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double cdf = 1 - upperTail(tail[i]) / q;
            d = Math.max(d, Math.max(cdf - (double) i / n, (double) (i + 1) / n - cdf));
        }
        assertThat(d).isLessThan(1.95 / Math.sqrt(n));
    }

    @Test
    void tablesCloseTheZigguratAtTheTop() {
        double[] x = GaussianNoise.X;
        for (int i = 1; i < x.length; i++) {
            assertThat(x[i]).as("x[%d]", i).isLessThan(x[i - 1]);
        }
        // The top layer (from f(x[255]) to 1, width x[255]) has the same area V as the others.
        double top = x[255] * (1 - Math.exp(-0.5 * x[255] * x[255]));
        assertThat(top).isCloseTo(GaussianNoise.V, within(1e-9 * GaussianNoise.V));
        // The base layer holds r f(r) plus the tail's area.
        double base =
                GaussianNoise.R * Math.exp(-0.5 * GaussianNoise.R * GaussianNoise.R)
                        + Math.sqrt(2 * Math.PI) * upperTail(GaussianNoise.R);
        assertThat(base).isCloseTo(GaussianNoise.V, within(1e-12));
    }

    @Test
    void theStreamDependsOnlyOnTheSeed() {
        assertThat(draws(5, 1000)).isEqualTo(draws(5, 1000));
        assertThat(draws(5, 1000)).isNotEqualTo(draws(6, 1000));
        float[] f = new float[1000];
        new GaussianNoise(5).fill(f);
        double[] d = draws(5, 1000);
        for (int i = 0; i < f.length; i++) {
            assertThat(f[i]).isEqualTo((float) d[i]);
        }
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = new GaussianNoise(3).permutation(100);
        assertThat(Arrays.stream(p).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
        assertThat(p).isNotEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
    }

    private static double[] draws(long seed, int n) {
        double[] x = new double[n];
        new GaussianNoise(seed).fill(x);
        return x;
    }

    /**
     * Phi(x) by Marsaglia's (2004) Taylor series around 0, accurate to about 1e-15 absolute for |x|
     * below 8 (independent of the generator under test).
     */
    static double normalCdf(double x) {
        if (x < -8) {
            return 0;
        }
        if (x > 8) {
            return 1;
        }
        double s = x;
        double t = 0;
        double b = x;
        double q = x * x;
        double i = 1;
        while (s != t) {
            t = s;
            i += 2;
            b *= q / i;
            s = t + b;
        }
        return 0.5 + s * Math.exp(-0.5 * q - 0.91893853320467274178);
    }

    /** 1 - Phi(x) for x >= 0, by the continued fraction (Lentz), accurate in the far tail too. */
    static double upperTail(double x) {
        if (x < 3) {
            return 1 - normalCdf(x);
        }
        // Laplace continued fraction: Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))).
        double f = x;
        for (int k = 200; k >= 1; k--) {
            f = x + k / f;
        }
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / f;
    }
}

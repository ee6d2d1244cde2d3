package io.vaeanomaly.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GeneralizedParetoTest {
    /** Inverse-CDF samples of GPD(shape, scale). */
    private static double[] sample(double shape, double scale, int n, long seed) {
        GeneralizedPareto gpd = new GeneralizedPareto(shape, scale);
        Random rnd = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = gpd.excessQuantile(1 - rnd.nextDouble());
        }
        return y;
    }

    @ParameterizedTest
    @CsvSource({"0.3, 1.5", "0.0, 2.0", "-0.25, 1.0", "0.8, 0.1"})
    void grimshawRecoversKnownParameters(double shape, double scale) {
        int n = 5000;
        double[] y = sample(shape, scale, n, 17);
        GeneralizedPareto fit = GeneralizedPareto.fit(y, n);
        // MLE standard errors at n=5000 are ~0.02 for the shape and ~2.5% for the scale
        assertThat(fit.shape()).isCloseTo(shape, within(0.07));
        assertThat(fit.scale()).isCloseTo(scale, within(0.08 * scale));
        // it is a maximum: no worse than the true parameters or the exponential fit
        double ll = fit.logLikelihood(y, n);
        assertThat(ll).isGreaterThanOrEqualTo(new GeneralizedPareto(shape, scale)
                .logLikelihood(y, n) - 1e-6);
        double mean = Arrays.stream(y).average().orElseThrow();
        assertThat(ll).isGreaterThanOrEqualTo(new GeneralizedPareto(0, mean).logLikelihood(y, n)
                - 1e-6);
    }

    @Test
    void degenerateSamplesFallBackToExponential() {
        GeneralizedPareto constant = GeneralizedPareto.fit(new double[] {2, 2, 2, 2}, 4);
        assertThat(constant).isEqualTo(new GeneralizedPareto(0, 2));
        GeneralizedPareto single = GeneralizedPareto.fit(new double[] {0.5, 99}, 1);
        assertThat(single).isEqualTo(new GeneralizedPareto(0, 0.5));
        GeneralizedPareto two = GeneralizedPareto.fit(new double[] {1e-300, 1e300}, 2);
        assertThat(two.shape()).isFinite();
        assertThat(two.scale()).isFinite().isPositive();
        assertThatThrownBy(() -> GeneralizedPareto.fit(new double[] {0, 0}, 2))
                .hasMessageContaining("positive mean");
        assertThatThrownBy(() -> GeneralizedPareto.fit(new double[] {1, -1}, 2))
                .hasMessageContaining("excesses[1]");
    }

    @Test
    void excessQuantileInvertsTheSurvivalFunction() {
        GeneralizedPareto gpd = new GeneralizedPareto(0.2, 3);
        double y = gpd.excessQuantile(1e-3);
        assertThat(Math.pow(1 + 0.2 * y / 3, -1 / 0.2)).isCloseTo(1e-3, within(1e-15));
        assertThat(new GeneralizedPareto(0, 3).excessQuantile(1e-3))
                .isCloseTo(-3 * Math.log(1e-3), within(1e-12));
        // continuous in the shape at 0
        assertThat(new GeneralizedPareto(1e-9, 3).excessQuantile(1e-3))
                .isCloseTo(-3 * Math.log(1e-3), within(1e-6));
    }
}

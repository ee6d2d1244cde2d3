package io.vaeanomaly.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileThresholdTest {
    @Test
    void flagsTheExpectedFractionOfFreshNormalData() {
        Random rnd = new Random(42);
        double[] calibration = TestData.gaussian(rnd, 100_000, -30, 4);
        QuantileThreshold t = QuantileThreshold.fit(calibration, 0.01);

        // Phi^-1(0.01) = -2.3263; the sample quantile's sd here is ~0.01 sigma.
        assertThat(t.thresholdLogProb()).isCloseTo(-30 - 2.3263 * 4, within(0.2));
        // IQR / 1.349 of N(-30, 4^2) estimates 4
        assertThat(t.scoreScale()).isCloseTo(4, within(0.1));
        assertThat(t.calibrationCount()).isEqualTo(100_000);

        long flaggedCalibration = Arrays.stream(calibration)
                .filter(lp -> t.decide(lp).anomaly()).count();
        assertThat(flaggedCalibration).isEqualTo(1000);

        double[] fresh = TestData.gaussian(rnd, 100_000, -30, 4);
        long flagged = Arrays.stream(fresh).filter(lp -> t.decide(lp).anomaly()).count();
        // expected 1000, binomial sd ~31 plus threshold uncertainty: allow +-20%
        assertThat(flagged).isBetween(800L, 1200L);
    }

    @Test
    void scoreIsHalfAtTheFittedThreshold() {
        QuantileThreshold t = QuantileThreshold.fit(TestData.gaussian(new Random(1), 5000, 0, 1),
                0.001);
        assertThat(t.decide(t.thresholdLogProb()).anomalyScore()).isEqualTo(0.5);
        assertThat(t.decide(t.thresholdLogProb() - 1).anomalyScore()).isGreaterThan(0.5);
    }

    @Test
    void constantOrTiedCalibrationDataGiveFiniteThresholds() {
        double[] constant = new double[1000];
        Arrays.fill(constant, -7.0);
        QuantileThreshold c = QuantileThreshold.fit(constant, 0.001);
        assertThat(c.thresholdLogProb()).isEqualTo(-7.0);
        assertThat(c.scoreScale()).isEqualTo(1.0);
        assertThat(c.decide(-7.0).anomaly()).isFalse();
        assertThat(c.decide(-7.5).anomaly()).isTrue();

        // IQR 0 but some spread: falls back to the standard deviation
        double[] tied = new double[1000];
        Arrays.fill(tied, -7.0);
        tied[0] = -17;
        QuantileThreshold t = QuantileThreshold.fit(tied, 0.01);
        assertThat(t.scoreScale()).isFinite().isPositive().isNotEqualTo(1.0);
        assertThat(QuantileThreshold.fit(new double[] {-3}, 0.5).thresholdLogProb()).isEqualTo(-3);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> QuantileThreshold.fit(new double[] {1, Double.NaN}, 0.01))
                .hasMessageContaining("heldOutNormalLogProbs[1]");
        assertThatThrownBy(() -> QuantileThreshold.fit(new double[0], 0.01))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> QuantileThreshold.fit(new double[] {1}, 0))
                .hasMessageContaining("lowerTailFraction");
        assertThatThrownBy(() -> QuantileThreshold.fit(new double[] {1}, 1))
                .hasMessageContaining("lowerTailFraction");
    }
}

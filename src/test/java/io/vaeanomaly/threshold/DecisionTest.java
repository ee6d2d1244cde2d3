package io.vaeanomaly.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecisionTest {
    @Test
    void scoreIsHalfAtThresholdAndMonotoneDecreasing() {
        double threshold = -12.5;
        double scale = 2;
        assertThat(Decision.of(threshold, threshold, scale).anomalyScore()).isEqualTo(0.5);
        assertThat(Decision.of(threshold, threshold, scale).anomaly()).isFalse();
        double previous = 1.0;
        for (double lp = -60; lp <= 40; lp += 0.01) {
            Decision d = Decision.of(lp, threshold, scale);
            assertThat(d.anomalyScore()).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);
            assertThat(d.anomaly()).isEqualTo(lp < threshold);
            assertThat(d.anomalyScore() > 0.5).isEqualTo(lp < threshold);
            previous = d.anomalyScore();
        }
        // one scale below the threshold: logistic(1)
        assertThat(Decision.of(threshold - scale, threshold, scale).anomalyScore())
                .isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));
    }

    @Test
    void scoreIsContinuousAcrossTheThreshold() {
        double below = Decision.of(-1e-9, 0, 1).anomalyScore();
        double above = Decision.of(1e-9, 0, 1).anomalyScore();
        assertThat(below - above).isPositive().isLessThan(1e-8);
    }

    @Test
    void nanAndInfinities() {
        Decision nan = Decision.of(Double.NaN, 0, 1);
        assertThat(nan.anomaly()).isTrue();
        assertThat(nan.anomalyScore()).isEqualTo(1.0);
        assertThat(Decision.of(Double.NEGATIVE_INFINITY, 0, 1))
                .isEqualTo(new Decision(true, 1.0, 0));
        assertThat(Decision.of(Double.POSITIVE_INFINITY, 0, 1))
                .isEqualTo(new Decision(false, 0.0, 0));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Decision.of(0, 0, 0)).hasMessageContaining("scale");
        assertThatThrownBy(() -> Decision.of(0, Double.NaN, 1))
                .hasMessageContaining("thresholdLogProb");
        assertThatThrownBy(() -> new Decision(false, 1.5, 0)).hasMessageContaining("anomalyScore");
        assertThatThrownBy(() -> new StaticThreshold(Double.POSITIVE_INFINITY, 1))
                .hasMessageContaining("thresholdLogProb");
        assertThatThrownBy(() -> new StaticThreshold(0, -1)).hasMessageContaining("scale");
    }

    @Test
    void staticThresholdDecidesAndIgnoresObserve() {
        StaticThreshold t = new StaticThreshold(-5, 1.5);
        t.observe(-100);
        assertThat(t.decide(-5.1).anomaly()).isTrue();
        assertThat(t.decideAndObserve(-4.9).anomaly()).isFalse();
        assertThat(t.decide(-6.5).anomalyScore()).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));
        assertThat(t.copy()).isEqualTo(t);
    }
}

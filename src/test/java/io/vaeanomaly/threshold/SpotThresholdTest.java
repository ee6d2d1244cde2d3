package io.vaeanomaly.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpotThresholdTest {
    private static final SpotThreshold.Config Q_1E3 =
            SpotThreshold.Config.DEFAULT.withRisk(1e-3);

    /** Streams values through decideAndObserve and counts alarms. */
    private static long alarms(Threshold t, double[] stream) {
        long count = 0;
        for (double lp : stream) {
            if (t.decideAndObserve(lp).anomaly()) {
                count++;
            }
        }
        return count;
    }

    @Test
    void falseAlarmRateOnAnExponentialTailIsCloseToTheRisk() {
        Random rnd = new Random(2017);
        SpotThreshold spot = SpotThreshold.calibrate(
                TestData.exponentialLossLogProbs(rnd, 10_000), Q_1E3);
        // the loss is Exp(1): its 98% level is log(50), the 1e-3 exceedance level log(1000)
        assertThat(-spot.initialLevelLogProb()).isCloseTo(Math.log(50), within(0.15));
        assertThat(-spot.thresholdLogProb()).isCloseTo(Math.log(1000), within(1.0));

        long count = alarms(spot, TestData.exponentialLossLogProbs(rnd, 200_000));
        // expected 200 at q = 1e-3
        assertThat(count).isBetween(60L, 600L);
        assertThat(-spot.thresholdLogProb()).isCloseTo(Math.log(1000), within(0.5));
        assertThat(spot.gpdShape()).isCloseTo(0.0, within(0.15));
        assertThat(spot.bufferedPeakCount()).isEqualTo(1000);
    }

    @Test
    void falseAlarmRateOnAGaussianTailIsCloseToTheRisk() {
        Random rnd = new Random(7);
        SpotThreshold spot = SpotThreshold.calibrate(TestData.gaussian(rnd, 10_000, -50, 5),
                Q_1E3);
        long count = alarms(spot, TestData.gaussian(rnd, 200_000, -50, 5));
        assertThat(count).isBetween(60L, 600L);
        // the true cut is -50 - 3.09 * 5; the fitted shape of a Gaussian tail is slightly < 0
        assertThat(spot.thresholdLogProb()).isCloseTo(-50 - 3.0902 * 5, within(1.5));
        assertThat(spot.gpdShape()).isBetween(-0.4, 0.05);
    }

    @Test
    void anomaliesAreNotLearned() {
        SpotThreshold spot = SpotThreshold.calibrate(
                TestData.exponentialLossLogProbs(new Random(3), 5000), Q_1E3);
        SpotThreshold before = spot.copy();
        Decision d = spot.decideAndObserve(spot.thresholdLogProb() - 10);
        assertThat(d.anomaly()).isTrue();
        assertThat(d.anomalyScore()).isGreaterThan(0.5);
        assertThat(spot).isEqualTo(before);

        spot.observe(Double.NaN);
        assertThat(spot).isEqualTo(before);

        // an ordinary value only counts; a peak refits
        spot.observe(0.0);
        assertThat(spot.learnedCount()).isEqualTo(before.learnedCount() + 1);
        assertThat(spot.peakCount()).isEqualTo(before.peakCount());
        spot.observe(spot.initialLevelLogProb() - 0.01);
        assertThat(spot.peakCount()).isEqualTo(before.peakCount() + 1);
    }

    @Test
    void scoreIsHalfAtTheThresholdAndDecreasing() {
        SpotThreshold spot = SpotThreshold.calibrate(
                TestData.gaussian(new Random(5), 5000, 0, 1), Q_1E3);
        double t = spot.thresholdLogProb();
        assertThat(spot.decide(t).anomalyScore()).isEqualTo(0.5);
        assertThat(spot.decide(t).anomaly()).isFalse();
        assertThat(spot.decide(Math.nextDown(t)).anomaly()).isTrue();
        assertThat(spot.decide(t - 1).anomalyScore()).isGreaterThan(spot.decide(t - 0.5)
                .anomalyScore());
        assertThat(spot.scoreScale()).isCloseTo(1.0, within(0.1));
    }

    @Test
    void constantDataGiveAFiniteThresholdAndNoFalseAlarms() {
        double[] constant = new double[3000];
        Arrays.fill(constant, -4.0);
        SpotThreshold spot = SpotThreshold.calibrate(constant, SpotThreshold.Config.DEFAULT);
        assertThat(spot.thresholdLogProb()).isFinite().isLessThan(-4.0);
        assertThat(spot.peakCount()).isZero();
        assertThat(alarms(spot, constant)).isZero();
        assertThat(spot.decide(-1000).anomaly()).isTrue();
        assertThat(spot.thresholdLogProb()).isFinite();
    }

    @Test
    void fewPeaksAndTinyCalibrationSetsStayFinite() {
        Random rnd = new Random(9);
        for (int n : new int[] {1, 2, 5, 20, 60, 200}) {
            SpotThreshold spot = SpotThreshold.calibrate(TestData.gaussian(rnd, n, -10, 2),
                    SpotThreshold.Config.DEFAULT);
            assertThat(spot.thresholdLogProb()).as("n=%d", n).isFinite()
                    .isLessThanOrEqualTo(spot.initialLevelLogProb());
            alarms(spot, TestData.gaussian(rnd, 2000, -10, 2));
            assertThat(spot.thresholdLogProb()).as("n=%d after streaming", n).isFinite();
            assertThat(spot.gpdScale()).isFinite().isPositive();
        }
    }

    @Test
    void heavyAndBoundedTailsStayFinite() {
        Random rnd = new Random(11);
        double[] cauchy = new double[20_000];
        double[] uniform = new double[20_000];
        for (int i = 0; i < cauchy.length; i++) {
            cauchy[i] = -Math.abs(Math.tan(Math.PI * (rnd.nextDouble() - 0.5)));
            uniform[i] = -rnd.nextDouble();
        }
        SpotThreshold heavy = SpotThreshold.calibrate(Arrays.copyOf(cauchy, 5000), Q_1E3);
        alarms(heavy, cauchy);
        assertThat(heavy.gpdShape()).isGreaterThan(0.5);
        assertThat(heavy.thresholdLogProb()).isFinite();

        SpotThreshold bounded = SpotThreshold.calibrate(Arrays.copyOf(uniform, 5000), Q_1E3);
        long count = alarms(bounded, uniform);
        // a uniform loss has GPD shape -1 (at the MIN_SHAPE edge): whatever the fit, the
        // threshold stays finite and flags few ordinary values
        assertThat(bounded.thresholdLogProb()).isFinite().isGreaterThan(-1.5);
        assertThat(count).isLessThan(200);
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() throws Exception {
        Random rnd = new Random(13);
        SpotThreshold.Config config = new SpotThreshold.Config(1e-3, 0.95, 50, 10);
        SpotThreshold spot = SpotThreshold.calibrate(TestData.gaussian(rnd, 2000, 0, 1), config);
        alarms(spot, TestData.gaussian(rnd, 3000, 0, 1));
        assertThat(spot.bufferedPeakCount()).isEqualTo(50);
        assertThat(spot.peakCount()).isGreaterThan(50);

        Threshold restored = TestData.roundTrip(spot);
        assertThat(restored).isEqualTo(spot).hasSameHashCodeAs(spot);
        double[] more = TestData.gaussian(rnd, 2000, 0, 1);
        for (double lp : more) {
            assertThat(restored.decideAndObserve(lp)).isEqualTo(spot.decideAndObserve(lp));
        }
        assertThat(restored).isEqualTo(spot);
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new SpotThreshold.Config(0.05, 0.98, 100, 10))
                .hasMessageContaining("risk");
        assertThatThrownBy(() -> new SpotThreshold.Config(1e-4, 1.0, 100, 10))
                .hasMessageContaining("initialLevel");
        assertThatThrownBy(() -> new SpotThreshold.Config(1e-4, 0.98, 5, 10))
                .hasMessageContaining("maxPeaks");
        assertThatThrownBy(() -> new SpotThreshold.Config(1e-4, 0.98, 5, 1))
                .hasMessageContaining("minPeaksForGpd");
        assertThatThrownBy(() -> SpotThreshold.calibrate(new double[] {1, Double.NaN}, 1e-4, 0.98))
                .hasMessageContaining("initialLogProbs[1]");
    }
}

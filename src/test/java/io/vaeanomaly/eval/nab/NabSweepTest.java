package io.vaeanomaly.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NabSweepTest {
    private static final NabProfile P = NabProfiles.STANDARD;

    @Test
    void scaledSigmoidMatchesNabDefinition() {
        assertThat(NabSweep.scaledSigmoid(0.0)).isEqualTo(0.0);
        assertThat(NabSweep.scaledSigmoid(-1.0)).isCloseTo(0.98661, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(1.0)).isCloseTo(-0.98661, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(3.0)).isEqualTo(-1.0);
        assertThat(NabSweep.scaledSigmoid(2.999)).isGreaterThan(-1.0);
    }

    @Test
    void firstRowOfWindowIsWorthTpWeightAndValueFallsAlongTheWindow() {
        NabDataFile f = NabTestData.file("c/a.csv", 100, new NabWindow(40, 49));
        double[] s = NabSweep.sweepScores(f, P);
        assertThat(s[40]).isCloseTo(P.tpWeight(), within(1e-12));
        for (int i = 41; i <= 49; i++) {
            assertThat(s[i]).isLessThan(s[i - 1]).isPositive();
        }
        // Last row: position -1/width.
        assertThat(s[49]).isCloseTo(
                NabSweep.scaledSigmoid(-1.0 / 10) / NabSweep.scaledSigmoid(-1.0), within(1e-12));
    }

    @Test
    void rowsBeforeAnyWindowCostFullFpWeightAndPenaltyGrowsAfterAWindow() {
        NabDataFile f = NabTestData.file("c/a.csv", 100, new NabWindow(40, 49));
        double[] s = NabSweep.sweepScores(f, P);
        for (int i = 0; i < 40; i++) {
            assertThat(s[i]).isEqualTo(-P.fpWeight());
        }
        // Just after the window: scaledSigmoid(|49 - 50| / 9) * fp, a small penalty.
        assertThat(s[50]).isCloseTo(NabSweep.scaledSigmoid(1.0 / 9) * P.fpWeight(), within(1e-12));
        assertThat(s[50]).isNegative().isGreaterThan(-P.fpWeight());
        for (int i = 51; i < 100; i++) {
            assertThat(s[i]).isLessThanOrEqualTo(s[i - 1]);
        }
        // Three window widths (27 rows) after the end the penalty is the full fpWeight.
        assertThat(s[49 + 27]).isEqualTo(-P.fpWeight());
    }

    @Test
    void secondWindowResetsTheDistanceToThePreviousWindow() {
        NabDataFile f = NabTestData.file("c/a.csv", 200, new NabWindow(20, 29),
                new NabWindow(100, 104));
        double[] s = NabSweep.sweepScores(f, P);
        assertThat(s[100]).isCloseTo(P.tpWeight(), within(1e-12));
        assertThat(s[105]).isCloseTo(NabSweep.scaledSigmoid(1.0 / 4) * P.fpWeight(),
                within(1e-12));
    }
}

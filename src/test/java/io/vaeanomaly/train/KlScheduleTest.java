package io.vaeanomaly.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KlScheduleTest {
    @Test
    void noneIsFlat() {
        assertThat(KlSchedule.none().beta(0, 10, 100)).isEqualTo(1.0);
    }

    @Test
    void monotonicRisesOverWarmupThenStaysAtOne() {
        KlSchedule s = KlSchedule.monotonic(2);
        assertThat(s.beta(0, 10, 100)).isEqualTo(0.05, within(1e-12));
        assertThat(s.beta(9, 10, 100)).isEqualTo(0.5, within(1e-12));
        assertThat(s.beta(19, 10, 100)).isEqualTo(1.0);
        assertThat(s.beta(90, 10, 100)).isEqualTo(1.0);
    }

    @Test
    void cyclicalRestartsEveryCycleAndHoldsAtOneForTheRest() {
        KlSchedule s = KlSchedule.cyclical(4, 0.5);
        // 100 steps, 4 cycles of 25; rising over the first 12.5 steps of each.
        assertThat(s.beta(0, 10, 100)).isZero();
        assertThat(s.beta(6, 10, 100)).isEqualTo(6 / 12.5, within(1e-12));
        assertThat(s.beta(13, 10, 100)).isEqualTo(1.0);
        assertThat(s.beta(25, 10, 100)).isZero();
        assertThat(s.beta(99, 10, 100)).isEqualTo(1.0);
    }
}

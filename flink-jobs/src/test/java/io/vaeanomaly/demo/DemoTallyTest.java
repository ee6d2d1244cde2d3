package io.vaeanomaly.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTallyTest {
    @Test
    void countsEachSourcePositionOnceAndKnowsWhenEveryOffsetIsScored() {
        DemoTally t = new DemoTally();
        assertThat(t.add(0, 0, true, true)).isTrue();
        assertThat(t.add(0, 1, true, false)).isTrue();
        assertThat(t.add(1, 0, false, true)).isTrue();
        // An at-least-once duplicate changes nothing.
        assertThat(t.add(0, 0, true, true)).isFalse();

        assertThat(t.scored()).isEqualTo(3);
        assertThat(t.flagged()).isEqualTo(2);
        assertThat(t.truePositives()).isEqualTo(1);
        assertThat(t.labelled()).isEqualTo(2);
        assertThat(t.precision()).isEqualTo(0.5);
        assertThat(t.recall()).isEqualTo(0.5);

        assertThat(t.allScored(Map.of(0, 1L, 1, 0L))).isTrue();
        assertThat(t.allScored(Map.of(0, 2L, 1, 0L))).as("offset 2 of partition 0").isFalse();
        assertThat(t.allScored(Map.of(2, 0L))).as("partition 2 has nothing").isFalse();
    }

    @Test
    void unscoredEventsCountUntilAScoreForTheSamePositionArrives() {
        DemoTally t = new DemoTally();
        t.addUnscored(0, 5);
        t.addUnscored(0, 5);
        assertThat(t.unscored()).isEqualTo(1);
        t.add(0, 5, false, false);
        assertThat(t.unscored()).isZero();
        t.addUnscored(0, 5);
        assertThat(t.unscored()).as("already scored").isZero();
    }

    @Test
    void precisionAndRecallAreUndefinedWithoutFlagsOrLabels() {
        DemoTally t = new DemoTally();
        t.add(0, 0, false, false);
        assertThat(t.precision()).isNaN();
        assertThat(t.recall()).isNaN();
    }
}

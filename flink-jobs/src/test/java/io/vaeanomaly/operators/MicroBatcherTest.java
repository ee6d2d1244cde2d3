package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batches per key: full batches at once, partial ones on one timer or an explicit flush. */
class MicroBatcherTest {
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final List<String> processed = new ArrayList<>();
    private MicroBatcher<String, Integer> batcher;

    @BeforeEach
    void setUp() throws Exception {
        time.setCurrentTime(1000);
        batcher = new MicroBatcher<>(time, (key, batch) -> processed.add(key + batch), 3, 20);
    }

    @Test
    void aFullBatchIsProcessedAtOnceInArrivalOrder() throws Exception {
        batcher.add("a", 1);
        batcher.add("a", 2);
        assertThat(processed).isEmpty();
        batcher.add("a", 3);
        assertThat(processed).containsExactly("a[1, 2, 3]");
        assertThat(batcher.hasPending("a")).isFalse();
    }

    @Test
    void partialBatchesOfEveryKeyGoOutWhenTheOldestHasWaitedTheDelay() throws Exception {
        batcher.add("a", 1);
        time.setCurrentTime(1010);
        batcher.add("b", 2);
        batcher.add("a", 3);
        assertThat(time.getNumActiveTimers()).as("one timer for all keys").isEqualTo(1);
        time.setCurrentTime(1019);
        assertThat(processed).isEmpty();
        assertThat(batcher.pendingItems()).isEqualTo(3);
        time.setCurrentTime(1020);
        assertThat(processed).containsExactly("a[1, 3]", "b[2]");
        assertThat(batcher.pendingItems()).isZero();

        batcher.add("a", 4); // a new batch gets a new timer
        assertThat(time.getNumActiveTimers()).isEqualTo(1);
        time.setCurrentTime(1040);
        assertThat(processed).containsExactly("a[1, 3]", "b[2]", "a[4]");
    }

    @Test
    void flushAllProcessesEveryPendingBatchAndTheTimerThenFindsNothing() throws Exception {
        batcher.add("a", 1);
        batcher.add("b", 2);
        batcher.flushAll();
        assertThat(processed).containsExactly("a[1]", "b[2]");
        time.setCurrentTime(2000);
        assertThat(processed).hasSize(2);
    }

    @Test
    void flushingOneKeyLeavesTheOthersPending() throws Exception {
        batcher.add("a", 1);
        batcher.add("b", 2);
        batcher.flush("b");
        assertThat(processed).containsExactly("b[2]");
        assertThat(batcher.hasPending("a")).isTrue();
        assertThat(batcher.hasPending("b")).isFalse();
    }
}

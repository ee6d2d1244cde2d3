package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.serde.Event;
import io.vaeanomaly.testdata.StreamData;
import java.util.Collections;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.CloseableRegistry;
import org.apache.flink.runtime.state.DefaultOperatorStateBackendBuilder;
import org.apache.flink.runtime.state.OperatorStateBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Held events in Flink list state (a real operator state backend): capacity, order, policy. */
class WarmupBufferTest {
    private OperatorStateBackend backend;
    private ListState<Event> state;

    @BeforeEach
    void setUp() throws Exception {
        backend = new DefaultOperatorStateBackendBuilder(getClass().getClassLoader(),
                new ExecutionConfig(), false, Collections.emptyList(), new CloseableRegistry())
                .build();
        state = backend.getListState(
                new ListStateDescriptor<>("held", TypeInformation.of(Event.class)));
    }

    @AfterEach
    void tearDown() throws Exception {
        backend.dispose();
    }

    private static Event event(long offset) {
        return StreamData.event("a", offset, new double[] {offset, 0, 0, 0});
    }

    @Test
    void holdsUpToTheCapacityThenDrainsInArrivalOrder() throws Exception {
        WarmupBuffer buffer = new WarmupBuffer(state, new WarmupBuffer.Policy(true, 3), 0);
        assertThat(buffer.offer(event(0))).isTrue();
        assertThat(buffer.offer(event(1))).isTrue();
        assertThat(buffer.offer(event(2))).isTrue();
        assertThat(buffer.offer(event(3))).as("full: the caller forwards it").isFalse();
        assertThat(buffer.total()).isEqualTo(3);

        assertThat(buffer.drain()).extracting(e -> e.source().offset()).containsExactly(0L, 1L, 2L);
        assertThat(buffer.total()).isZero();
        assertThat(buffer.drain()).isEmpty();
        assertThat(buffer.offer(event(4))).as("room again").isTrue();
    }

    @Test
    void passThroughNeverHolds() throws Exception {
        WarmupBuffer buffer = new WarmupBuffer(state, new WarmupBuffer.Policy(false, 100), 0);
        assertThat(buffer.offer(event(0))).isFalse();
        assertThat(buffer.total()).isZero();
        assertThat(state.get()).isEmpty();
    }

    @Test
    void eventsHeldBeforeARestoreCountAgainstTheCapacity() throws Exception {
        state.add(event(0));
        state.add(event(1));
        WarmupBuffer buffer = new WarmupBuffer(state, new WarmupBuffer.Policy(true, 3), 2);
        assertThat(buffer.offer(event(2))).isTrue();
        assertThat(buffer.offer(event(3))).isFalse();
        assertThat(buffer.drain()).hasSize(3);
        assertThat(buffer.total()).isZero();
    }
}

package io.vaeanomaly.operators;

import io.vaeanomaly.serde.Event;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Picks the events the global trainer sees: each subtask forwards its first {@code warmupEvents}
 * events (so the first model comes as soon as possible), then one in {@code every}. The trainer
 * runs at parallelism 1 and scores what it receives, so it must not see the full stream; with
 * {@code every = retrain-every-events / (2 * sample-size)} each retraining still draws on about
 * twice as many events as the sample holds. Deterministic (a counter, no randomness), and the
 * counter is checkpointed.
 */
public final class TrainingSampler extends RichFilterFunction<Event>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final long warmupEvents;
    private final int every;
    private transient long seen;
    private transient ListState<Long> seenState;

    public TrainingSampler(long warmupEvents, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1: " + every);
        }
        this.warmupEvents = warmupEvents;
        this.every = every;
    }

    /** One in how many events the trainer sees after the warm-up, for the given settings. */
    public static int sampleEvery(long retrainEveryEvents, int sampleSize) {
        if (retrainEveryEvents <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, retrainEveryEvents / (2L * sampleSize)));
    }

    @Override
    public boolean filter(Event e) {
        long n = seen++;
        return n < warmupEvents || (n - warmupEvents) % every == 0;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        seenState.update(java.util.List.of(seen));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        seenState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("sampler-seen", Types.LONG));
        seen = 0;
        for (Long n : seenState.get()) {
            seen = Math.max(seen, n);
        }
    }
}

package io.vaeanomaly.operators;

import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.serde.Event;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;

/**
 * Events held while no model exists yet, so that they are scored once it does instead of being
 * lost or passed on unscored. The events live in Flink list state (keyed state: the current
 * key's events; operator state: the subtask's), so a checkpoint holds them. One capacity bounds
 * all events an operator instance holds; beyond it, and with the pass-through policy, the caller
 * forwards an event unscored.
 */
final class WarmupBuffer {

    /**
     * Whether events are held, and how many at most per operator instance.
     *
     * @param hold hold events ({@code training.before-first-model: buffer}) or pass them through
     * @param capacity events one operator instance holds at most
     */
    record Policy(boolean hold, long capacity) implements Serializable {
        private static final long serialVersionUID = 1L;

        Policy {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
            }
        }

        /** The policy of {@code training.before-first-model} and {@code max-buffered-events}. */
        static Policy of(TrainingOptions t) {
            return new Policy(t.beforeFirstModel() == TrainingOptions.BeforeFirstModel.BUFFER,
                    t.maxBufferedEvents());
        }
    }

    private final ListState<Event> events;
    private final Policy policy;
    private long total;

    /**
     * @param events where held events live
     * @param restoredTotal events already held (after a restore)
     */
    WarmupBuffer(ListState<Event> events, Policy policy, long restoredTotal) {
        this.events = events;
        this.policy = policy;
        this.total = restoredTotal;
    }

    /**
     * Holds {@code event} if the policy holds events and there is room.
     *
     * @return false if the caller must forward the event unscored
     */
    boolean offer(Event event) throws Exception {
        if (!policy.hold() || total >= policy.capacity()) {
            return false;
        }
        events.add(event);
        total++;
        return true;
    }

    /** Removes and returns the held events of the current scope (key), oldest first. */
    List<Event> drain() throws Exception {
        List<Event> out = new ArrayList<>();
        Iterable<Event> held = events.get();
        if (held != null) {
            for (Event e : held) {
                out.add(e);
            }
        }
        events.clear();
        total -= out.size();
        return out;
    }

    /** Events held by this operator instance, over all keys. */
    long total() {
        return total;
    }
}

package io.vaeanomaly.operators;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Per-key values kept deserialised between events, with write-back to keyed state. The value of
 * a key lives in a {@code ValueState<byte[]>} in a stable, versioned format; decoding it for
 * every event, or encoding it after every event, would cost a whole model and training sample
 * per event. So values stay decoded in a bounded LRU cache and are encoded back only when
 * evicted and in {@link #writeBackAll()}, which the operator calls from {@code snapshotState}:
 * Flink snapshots keyed state after that, so a checkpoint holds every value as of the barrier.
 *
 * <p>Writing another key's state needs {@link KeyContext#setCurrentKey}, which only an operator
 * offers (not a {@code KeyedProcessFunction}); eviction restores the current key afterwards.
 * Values the {@code pinned} predicate accepts (a training in flight, a pending batch) are never
 * evicted. Only the task thread may use the cache.
 *
 * @param <V> the decoded value
 */
final class DetectorCache<V> {

    /** Creates, decodes and encodes values. */
    interface Codec<V> {
        /** A new value for a key without state. */
        V create(String key) throws Exception;

        /** The value stored as {@code bytes}. */
        V decode(String key, byte[] bytes) throws Exception;

        /** The bytes to store. */
        byte[] encode(V value) throws IOException;
    }

    private static final class Slot<V> {
        final V value;
        boolean dirty;

        Slot(V value) {
            this.value = value;
        }
    }

    private final int limit;
    private final ValueState<byte[]> state;
    private final KeyContext keys;
    private final Codec<V> codec;
    private final Predicate<V> pinned;
    private final LinkedHashMap<String, Slot<V>> slots = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param limit values kept decoded at most (pinned ones may exceed it)
     * @param state the keyed state the values are written back to
     * @param keys the operator, to switch the current key for write-backs
     */
    DetectorCache(int limit, ValueState<byte[]> state, KeyContext keys, Codec<V> codec,
            Predicate<V> pinned) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        this.limit = limit;
        this.state = state;
        this.keys = keys;
        this.codec = codec;
        this.pinned = pinned;
    }

    /**
     * The value of {@code key}, which must be the current key: from the cache, else decoded from
     * state, else created. It is marked modified, so it is written back on eviction and snapshot.
     */
    V get(String key) throws Exception {
        Slot<V> slot = slots.get(key);
        if (slot == null) {
            byte[] bytes = state.value();
            slot = new Slot<>(bytes == null ? codec.create(key) : codec.decode(key, bytes));
            slots.put(key, slot);
        }
        slot.dirty = true;
        return slot.value;
    }

    /** The cached value of {@code key} without loading or marking it, or {@code null}. */
    V peek(String key) {
        Slot<V> slot = slots.get(key);
        return slot == null ? null : slot.value;
    }

    /** The cached keys, least recently used first (a copy: safe to modify the cache meanwhile). */
    List<String> keys() {
        return new ArrayList<>(slots.keySet());
    }

    /** Values cached. */
    int size() {
        return slots.size();
    }

    /** Writes least recently used, unpinned values back to state until at most the limit stay. */
    void evictIfNeeded() throws IOException {
        if (slots.size() <= limit) {
            return;
        }
        Object current = keys.getCurrentKey();
        Iterator<java.util.Map.Entry<String, Slot<V>>> it = slots.entrySet().iterator();
        while (slots.size() > limit && it.hasNext()) {
            var e = it.next();
            if (pinned.test(e.getValue().value)) {
                continue;
            }
            writeBack(e.getKey(), e.getValue());
            it.remove();
        }
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Writes every modified value back to state (before Flink snapshots keyed state). */
    void writeBackAll() throws IOException {
        Object current = keys.getCurrentKey();
        for (var e : slots.entrySet()) {
            writeBack(e.getKey(), e.getValue());
        }
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    private void writeBack(String key, Slot<V> slot) throws IOException {
        if (slot.dirty) {
            keys.setCurrentKey(key);
            state.update(codec.encode(slot.value));
            slot.dirty = false;
        }
    }
}

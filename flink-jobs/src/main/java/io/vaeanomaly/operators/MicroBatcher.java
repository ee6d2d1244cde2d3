package io.vaeanomaly.operators;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Groups items per key into micro-batches: a key's batch is handed to the {@link Handler} when it
 * holds {@link #MAX_BATCH} items, or when the oldest pending item has waited
 * {@link #MAX_BATCH_DELAY_MS} (one processing-time timer for all keys). Scoring a batch costs
 * little more than scoring one event (one pass of matrix products instead of one per event).
 *
 * <p>The operator calls {@link #flushAll()} in {@code prepareSnapshotPreBarrier} and at the end
 * of input, so a batch never spans a checkpoint barrier and needs no state. Timer callbacks run
 * on the task's mailbox thread, like {@code processElement}; the class is not thread-safe and
 * needs no locking.
 *
 * @param <K> the key type (operators on a non-keyed stream use one constant key)
 * @param <T> the item type
 */
final class MicroBatcher<K, T> {
    /** Items of one key processed together at most. */
    static final int MAX_BATCH = 64;

    /** Longest time an item waits for its batch to fill. */
    static final long MAX_BATCH_DELAY_MS = 20;

    /** Processes one key's batch, items in arrival order. */
    @FunctionalInterface
    interface Handler<K, T> {
        void process(K key, List<T> batch) throws Exception;
    }

    private final ProcessingTimeService time;
    private final Handler<K, T> handler;
    private final int maxBatch;
    private final long maxDelayMs;
    private final Map<K, List<T>> pending = new LinkedHashMap<>();
    private boolean timerScheduled;

    MicroBatcher(ProcessingTimeService time, Handler<K, T> handler) {
        this(time, handler, MAX_BATCH, MAX_BATCH_DELAY_MS);
    }

    MicroBatcher(ProcessingTimeService time, Handler<K, T> handler, int maxBatch, long maxDelayMs) {
        if (maxBatch < 1 || maxDelayMs < 0) {
            throw new IllegalArgumentException(
                    "maxBatch must be >= 1 and maxDelayMs >= 0: " + maxBatch + ", " + maxDelayMs);
        }
        this.time = time;
        this.handler = handler;
        this.maxBatch = maxBatch;
        this.maxDelayMs = maxDelayMs;
    }

    /** Adds an item to its key's batch; processes the batch at once when it is full. */
    void add(K key, T item) throws Exception {
        List<T> batch = pending.computeIfAbsent(key, k -> new ArrayList<>());
        batch.add(item);
        if (batch.size() >= maxBatch) {
            flush(key);
        } else if (!timerScheduled) {
            timerScheduled = true;
            time.registerTimer(time.getCurrentProcessingTime() + maxDelayMs, t -> onTimer());
        }
    }

    /** Processes {@code key}'s pending batch, if any. */
    void flush(K key) throws Exception {
        List<T> batch = pending.remove(key);
        if (batch != null && !batch.isEmpty()) {
            handler.process(key, batch);
        }
    }

    /** Processes every key's pending batch, oldest key first. */
    void flushAll() throws Exception {
        Iterator<K> keys = pending.keySet().iterator();
        while (keys.hasNext()) {
            K key = keys.next();
            List<T> batch = pending.get(key);
            keys.remove();
            if (!batch.isEmpty()) {
                handler.process(key, batch);
            }
            keys = pending.keySet().iterator(); // the handler may have added to other keys
        }
    }

    private void onTimer() throws Exception {
        timerScheduled = false;
        flushAll();
    }

    /** Whether {@code key} has items waiting. */
    boolean hasPending(K key) {
        return pending.containsKey(key);
    }

    /** Items waiting over all keys. */
    int pendingItems() {
        int n = 0;
        for (List<T> batch : pending.values()) {
            n += batch.size();
        }
        return n;
    }
}

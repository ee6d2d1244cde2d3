package io.vaeanomaly.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded sample of recent normal rows for retraining: a reservoir (uniform over everything seen,
 * Vitter's algorithm R) or a sliding window (the most recent rows). Seeded, so replays repeat.
 */
public final class SampleBuffer {
    /** Sampling strategy. */
    public enum Strategy {
        RESERVOIR,
        SLIDING_WINDOW;

        public static Strategy parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "reservoir" -> RESERVOIR;
                case "sliding-window", "sliding_window" -> SLIDING_WINDOW;
                default ->
                        throw new IllegalArgumentException(
                                "sample-strategy: unknown value '"
                                        + s
                                        + "', expected reservoir or sliding-window");
            };
        }
    }

    private final int capacity;
    private final Strategy strategy;
    private final long seed;
    private final List<double[]> rows;
    private long offered;
    /** Next write position of the sliding window's ring. */
    private int ringPos;

    public SampleBuffer(int capacity, Strategy strategy, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("sample-size: must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.strategy = strategy;
        this.seed = seed;
        this.rows = new ArrayList<>(Math.min(capacity, 1 << 16));
    }

    /** Offers one row (kept by reference; callers pass a fresh array). */
    public void add(double[] row) {
        offered++;
        if (rows.size() < capacity) {
            rows.add(row);
            return;
        }
        if (strategy == Strategy.SLIDING_WINDOW) {
            rows.set(ringPos, row);
            ringPos = (ringPos + 1) % capacity;
        } else {
            // A per-offer generator keyed by the offer count keeps the sample a pure function of
            // the input sequence, also across checkpoint and restore.
            long j = new SplittableRandom(seed ^ (offered * 0x9E3779B97F4A7C15L)).nextLong(offered);
            if (j < capacity) {
                rows.set((int) j, row);
            }
        }
    }

    /** The rows held now, oldest first for the sliding window. */
    public double[][] snapshot() {
        double[][] out = new double[rows.size()][];
        if (strategy == Strategy.SLIDING_WINDOW && rows.size() == capacity) {
            for (int i = 0; i < capacity; i++) {
                out[i] = rows.get((ringPos + i) % capacity);
            }
        } else {
            rows.toArray(out);
        }
        return out;
    }

    public int size() {
        return rows.size();
    }

    public long offered() {
        return offered;
    }

    /**
     * The full state, for persistence.
     *
     * @param capacity maximum rows
     * @param strategy reservoir or sliding window
     * @param seed the reservoir's seed
     * @param offered rows offered so far
     * @param ringPos next write position of the sliding window's ring
     * @param rows the rows held, in storage order (all of one length)
     */
    public record State(int capacity, Strategy strategy, long seed, long offered, int ringPos,
            List<double[]> rows) {}

    /** This buffer's state (the rows by reference: write them out, do not modify them). */
    public State state() {
        return new State(capacity, strategy, seed, offered, ringPos, List.copyOf(rows));
    }

    /**
     * Rebuilds a buffer from {@link #state()}.
     *
     * @throws IllegalArgumentException if the state is inconsistent, naming what
     */
    public static SampleBuffer fromState(State s) {
        SampleBuffer b = new SampleBuffer(s.capacity(), s.strategy(), s.seed());
        if (s.rows().size() > s.capacity() || s.offered() < s.rows().size()
                || s.ringPos() < 0 || s.ringPos() >= s.capacity()) {
            throw new IllegalArgumentException(s.rows().size() + " rows, capacity "
                    + s.capacity() + ", " + s.offered() + " offered, ring position "
                    + s.ringPos());
        }
        b.offered = s.offered();
        b.ringPos = s.ringPos();
        b.rows.addAll(s.rows());
        return b;
    }
}

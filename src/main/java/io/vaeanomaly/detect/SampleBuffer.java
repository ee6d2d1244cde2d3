package io.vaeanomaly.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(1);
        out.writeInt(capacity);
        out.writeUTF(strategy.name());
        out.writeLong(seed);
        out.writeLong(offered);
        out.writeInt(ringPos);
        out.writeInt(rows.size());
        int dim = rows.isEmpty() ? 0 : rows.get(0).length;
        out.writeInt(dim);
        for (double[] r : rows) {
            for (double v : r) {
                out.writeDouble(v);
            }
        }
    }

    public static SampleBuffer readFrom(DataInput in) throws IOException {
        int version = in.readByte();
        if (version != 1) {
            throw new IOException("unsupported sample buffer version " + version);
        }
        SampleBuffer b =
                new SampleBuffer(in.readInt(), Strategy.valueOf(in.readUTF()), in.readLong());
        b.offered = in.readLong();
        b.ringPos = in.readInt();
        int n = in.readInt();
        int dim = in.readInt();
        for (int i = 0; i < n; i++) {
            double[] r = new double[dim];
            for (int j = 0; j < dim; j++) {
                r[j] = in.readDouble();
            }
            b.rows.add(r);
        }
        return b;
    }
}

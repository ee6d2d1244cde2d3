package io.vaeanomaly.feature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sliding window over the last {@code width} observations of a stream, flattened into one vector
 * (a "shingle", as in Donut: the model scores a window, not a single point).
 *
 * <p>Layout of a shingle: time-major, oldest step first. For steps {@code x(t-W+1) .. x(t)} of
 * {@code inputDim} values each, the shingle is {@code [x(t-W+1)[0..d-1], ..., x(t)[0..d-1]]}, of
 * length {@code width * inputDim}. With {@code width == 1} it is a copy of the latest input.
 *
 * <p>Values are copied as given (no validation of finiteness: judging values is the caller's job).
 * Mutable and not thread-safe; {@link #state()}/{@link #fromState} let the window survive a
 * checkpoint.
 */
public final class Shingler {
    private final int width;
    private final int inputDim;
    /** Ring buffer of {@code width} steps of {@code inputDim} values. */
    private final double[] ring;
    /** Step slot that the next {@link #offer} writes. */
    private int head;
    /** Number of steps held, at most {@code width}. */
    private int filled;

    /**
     * An empty window.
     *
     * @param width number of steps per shingle, {@code >= 1}
     * @param inputDim values per step, {@code >= 1}
     * @throws IllegalArgumentException if a parameter is out of range or the shingle would not fit
     *     in an array
     */
    public Shingler(int width, int inputDim) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim must be >= 1, got " + inputDim);
        }
        if ((long) width * inputDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("width * inputDim too large: " + width + " * "
                    + inputDim);
        }
        this.width = width;
        this.inputDim = inputDim;
        this.ring = new double[width * inputDim];
    }

    /**
     * Appends one step, dropping the oldest once the window is full.
     *
     * @param x {@code inputDim} values (copied)
     * @return whether a full shingle is now available from {@link #current()}
     * @throws IllegalArgumentException if {@code x.length != inputDim}
     */
    public boolean offer(double[] x) {
        if (x.length != inputDim) {
            throw new IllegalArgumentException("step has " + x.length + " values, expected "
                    + inputDim);
        }
        System.arraycopy(x, 0, ring, head * inputDim, inputDim);
        head = (head + 1) % width;
        if (filled < width) {
            filled++;
        }
        return filled == width;
    }

    /** Whether {@code width} steps have been offered since construction or {@link #reset()}. */
    public boolean isReady() {
        return filled == width;
    }

    /**
     * The current shingle as a new array of {@link #outputDim()} values, oldest step first.
     *
     * @throws IllegalStateException if fewer than {@code width} steps were offered
     */
    public double[] current() {
        double[] out = new double[ring.length];
        current(out);
        return out;
    }

    /**
     * Writes the current shingle into {@code out} (no allocation).
     *
     * @throws IllegalStateException if the window is not full yet
     * @throws IllegalArgumentException if {@code out.length != outputDim()}
     */
    public void current(double[] out) {
        if (!isReady()) {
            throw new IllegalStateException("shingle not ready: " + filled + " of " + width
                    + " steps seen");
        }
        if (out.length != ring.length) {
            throw new IllegalArgumentException("out has length " + out.length + ", expected "
                    + ring.length);
        }
        copyOldestFirst(out);
    }

    /** Forgets all steps (for example after a gap in the stream). */
    public void reset() {
        head = 0;
        filled = 0;
        Arrays.fill(ring, 0.0);
    }

    /** Steps per shingle. */
    public int width() {
        return width;
    }

    /** Values per step. */
    public int inputDim() {
        return inputDim;
    }

    /** Length of a shingle: {@code width * inputDim}. */
    public int outputDim() {
        return ring.length;
    }

    /** Steps currently held (at most {@code width}). */
    public int size() {
        return filled;
    }

    /** An independent copy of this window. */
    public Shingler copy() {
        Shingler c = new Shingler(width, inputDim);
        System.arraycopy(ring, 0, c.ring, 0, ring.length);
        c.head = head;
        c.filled = filled;
        return c;
    }

    /**
     * Names of a shingle's values in its layout, from the names of one step's values: the latest
     * step keeps the plain names, earlier ones get {@code [t-k]} ({@code cpu[t-2], mem[t-2],
     * cpu[t-1], mem[t-1], cpu, mem} for width 3). With width 1, the names themselves.
     */
    public static List<String> names(List<String> stepNames, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        if (width == 1) {
            return List.copyOf(stepNames);
        }
        List<String> out = new ArrayList<>(stepNames.size() * width);
        for (int back = width - 1; back >= 0; back--) {
            for (String n : stepNames) {
                out.add(back == 0 ? n : n + "[t-" + back + "]");
            }
        }
        return out;
    }

    /**
     * Cuts an offline series into all full windows.
     *
     * @param series {@code n} steps of equal length {@code d}
     * @param width steps per window, {@code >= 1}
     * @return {@code max(0, n - width + 1)} shingles of length {@code width * d}; row {@code i}
     *     covers steps {@code i .. i + width - 1}, the same layout as {@link #current()}
     * @throws IllegalArgumentException if {@code width < 1} or rows have different lengths
     */
    public static double[][] shingle(double[][] series, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        if (series.length < width) {
            return new double[0][];
        }
        int d = series[0].length;
        for (int i = 0; i < series.length; i++) {
            if (series[i].length != d) {
                throw new IllegalArgumentException("series row " + i + " has " + series[i].length
                        + " values, row 0 has " + d);
            }
        }
        double[][] out = new double[series.length - width + 1][];
        for (int i = 0; i < out.length; i++) {
            double[] row = new double[width * d];
            for (int k = 0; k < width; k++) {
                System.arraycopy(series[i + k], 0, row, k * d, d);
            }
            out[i] = row;
        }
        return out;
    }

    /**
     * The full state, for persistence.
     *
     * @param width steps per shingle
     * @param inputDim values per step
     * @param held the steps held (at most {@code width}), oldest first, concatenated
     */
    public record State(int width, int inputDim, double[] held) {}

    /** This window's state. */
    public State state() {
        return new State(width, inputDim, heldOldestFirst());
    }

    /**
     * Rebuilds a window from {@link #state()}.
     *
     * @throws IllegalArgumentException on sizes that do not fit together
     */
    public static Shingler fromState(State st) {
        Shingler s = new Shingler(st.width(), st.inputDim());
        int filled = st.held().length / st.inputDim();
        if (st.held().length % st.inputDim() != 0 || filled > st.width()) {
            throw new IllegalArgumentException(st.held().length + " values held, width "
                    + st.width() + ", input dimension " + st.inputDim());
        }
        System.arraycopy(st.held(), 0, s.ring, 0, st.held().length);
        s.filled = filled;
        s.head = filled % st.width();
        return s;
    }

    /** Copies the {@code filled} held steps, oldest first, into the start of {@code out}. */
    private void copyOldestFirst(double[] out) {
        int oldest = filled == width ? head : 0;
        for (int k = 0; k < filled; k++) {
            int slot = (oldest + k) % width;
            System.arraycopy(ring, slot * inputDim, out, k * inputDim, inputDim);
        }
    }

    private double[] heldOldestFirst() {
        double[] out = new double[filled * inputDim];
        copyOldestFirst(out);
        return out;
    }

    /** Equal when width, inputDim and the held steps (in order) match, whatever the ring phase. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Shingler other
                && width == other.width
                && inputDim == other.inputDim
                && filled == other.filled
                && Arrays.equals(heldOldestFirst(), other.heldOldestFirst());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + inputDim) + Arrays.hashCode(heldOldestFirst());
    }

    @Override
    public String toString() {
        return "Shingler[width=" + width + ", inputDim=" + inputDim + ", held=" + filled + "]";
    }
}

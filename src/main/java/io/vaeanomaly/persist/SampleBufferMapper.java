package io.vaeanomaly.persist;

import io.vaeanomaly.detect.SampleBuffer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and restores a detector's {@link SampleBuffer} (the training sample): a version byte
 * ({@link StateType#SAMPLE_BUFFER}), capacity, strategy, seed, counters, then the rows.
 */
public final class SampleBufferMapper {
    private SampleBufferMapper() {}

    /** Writes {@code buffer} in the current format. */
    public static void write(SampleBuffer buffer, DataOutput out) throws IOException {
        SampleBuffer.State s = buffer.state();
        out.writeByte(StateType.SAMPLE_BUFFER.currentVersion());
        out.writeInt(s.capacity());
        out.writeUTF(s.strategy().name());
        out.writeLong(s.seed());
        out.writeLong(s.offered());
        out.writeInt(s.ringPos());
        out.writeInt(s.rows().size());
        int dim = s.rows().isEmpty() ? 0 : s.rows().get(0).length;
        out.writeInt(dim);
        for (double[] r : s.rows()) {
            for (double v : r) {
                out.writeDouble(v);
            }
        }
    }

    /**
     * Reads a buffer written by {@link #write}.
     *
     * @throws StateFormatException naming the version on truncated or inconsistent input
     */
    public static SampleBuffer read(DataInput in) throws IOException {
        int version = StateIo.readVersion(in, StateType.SAMPLE_BUFFER);
        return StateIo.guarded(StateType.SAMPLE_BUFFER, version, () -> {
            int capacity = in.readInt();
            SampleBuffer.Strategy strategy = SampleBuffer.Strategy.valueOf(in.readUTF());
            long seed = in.readLong();
            long offered = in.readLong();
            int ringPos = in.readInt();
            int n = StateIo.readCount(in, "row count", StateIo.MAX_LENGTH);
            int dim = StateIo.readCount(in, "row length", StateIo.MAX_LENGTH);
            if ((long) n * dim > StateIo.MAX_LENGTH) {
                throw new StateFormatException("corrupt: " + n + " rows of " + dim);
            }
            List<double[]> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                double[] r = new double[dim];
                for (int j = 0; j < dim; j++) {
                    r[j] = in.readDouble();
                }
                rows.add(r);
            }
            return SampleBuffer.fromState(new SampleBuffer.State(capacity, strategy, seed,
                    offered, ringPos, rows));
        });
    }
}

package io.vaeanomaly.persist;

import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.feature.Normalizer;
import io.vaeanomaly.feature.Shingler;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and restores the feature pipeline's state: the streaming {@link Normalizer}, the
 * {@link FrozenNormalizer} a model carries, and the {@link Shingler} window. Each record starts
 * with its type tag and version byte ({@link StateType}), so the wrong bytes fail loudly instead
 * of decoding as garbage.
 */
public final class FeatureStateMapper {
    private FeatureStateMapper() {}

    /** Tag, version, dimension, count, means, squared deviations. */
    public static void write(Normalizer n, DataOutput out) throws IOException {
        Normalizer.State s = n.state();
        header(out, StateType.NORMALIZER);
        out.writeInt(s.mean().length);
        out.writeLong(s.count());
        writeValues(out, s.mean());
        writeValues(out, s.m2());
    }

    /** Tag, version, then means and scales, each with its length. */
    public static void write(FrozenNormalizer f, DataOutput out) throws IOException {
        header(out, StateType.FROZEN_NORMALIZER);
        writeArray(out, f.mean());
        writeArray(out, f.scale());
    }

    /** Tag, version, width, input dimension, steps held, then those steps oldest first. */
    public static void write(Shingler shingler, DataOutput out) throws IOException {
        Shingler.State s = shingler.state();
        header(out, StateType.SHINGLER);
        out.writeInt(s.width());
        out.writeInt(s.inputDim());
        out.writeInt(s.held().length / s.inputDim());
        writeValues(out, s.held());
    }

    /** Reads a {@link Normalizer} written by {@link #write(Normalizer, DataOutput)}. */
    public static Normalizer readNormalizer(DataInput in) throws IOException {
        int version = readHeader(in, StateType.NORMALIZER);
        return StateIo.guarded(StateType.NORMALIZER, version, () -> {
            int dim = StateIo.readCount(in, "dimension", StateIo.MAX_LENGTH);
            long count = in.readLong();
            return Normalizer.fromState(new Normalizer.State(count, readValues(in, dim),
                    readValues(in, dim)));
        });
    }

    /** Reads a {@link FrozenNormalizer} written by {@link #write(FrozenNormalizer, DataOutput)}. */
    public static FrozenNormalizer readFrozenNormalizer(DataInput in) throws IOException {
        int version = readHeader(in, StateType.FROZEN_NORMALIZER);
        return StateIo.guarded(StateType.FROZEN_NORMALIZER, version,
                () -> FrozenNormalizer.of(readArray(in), readArray(in)));
    }

    /** Reads a {@link Shingler} written by {@link #write(Shingler, DataOutput)}. */
    public static Shingler readShingler(DataInput in) throws IOException {
        int version = readHeader(in, StateType.SHINGLER);
        return StateIo.guarded(StateType.SHINGLER, version, () -> {
            int width = StateIo.readCount(in, "width", StateIo.MAX_LENGTH);
            int inputDim = StateIo.readCount(in, "input dimension", StateIo.MAX_LENGTH);
            int filled = StateIo.readCount(in, "steps held", width);
            if ((long) filled * inputDim > StateIo.MAX_LENGTH) {
                throw new StateFormatException("corrupt: " + filled + " steps of " + inputDim);
            }
            return Shingler.fromState(new Shingler.State(width, inputDim,
                    readValues(in, filled * inputDim)));
        });
    }

    private static void header(DataOutput out, StateType type) throws IOException {
        out.writeByte(type.tag());
        out.writeByte(type.currentVersion());
    }

    /** Checks the tag (naming the record found instead) and returns the checked version. */
    private static int readHeader(DataInput in, StateType type) throws IOException {
        byte tag;
        try {
            tag = in.readByte();
        } catch (java.io.EOFException e) {
            throw new StateFormatException(type.description() + ": truncated (no type tag)", e);
        }
        if (tag != type.tag()) {
            throw new StateFormatException("expected a " + type.description()
                    + " record (type tag " + type.tag() + "), found type tag " + tag);
        }
        return StateIo.readVersion(in, type);
    }

    private static void writeArray(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        writeValues(out, values);
    }

    private static double[] readArray(DataInput in) throws IOException {
        return readValues(in, StateIo.readCount(in, "array length", StateIo.MAX_LENGTH));
    }

    private static void writeValues(DataOutput out, double[] values) throws IOException {
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readValues(DataInput in, int n) throws IOException {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }
}

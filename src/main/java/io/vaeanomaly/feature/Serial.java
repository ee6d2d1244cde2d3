package io.vaeanomaly.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Shared helpers for the binary formats of this package. Every record starts with a type tag and a
 * version byte so a reader fails loudly on the wrong bytes instead of decoding garbage.
 */
final class Serial {
    static final byte TAG_NORMALIZER = 'N';
    static final byte TAG_FROZEN_NORMALIZER = 'F';
    static final byte TAG_SHINGLER = 'S';
    static final byte VERSION = 1;

    /** Upper bound on array lengths read from a stream, to fail fast on corrupt input. */
    private static final int MAX_LENGTH = 1 << 26;

    private Serial() {
    }

    static void writeHeader(DataOutput out, byte tag) throws IOException {
        out.writeByte(tag);
        out.writeByte(VERSION);
    }

    static void readHeader(DataInput in, byte expectedTag, String what) throws IOException {
        byte tag = in.readByte();
        if (tag != expectedTag) {
            throw new IOException("not a serialised " + what + ": type tag " + tag + ", expected "
                    + expectedTag);
        }
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unsupported " + what + " format version " + version
                    + " (this build reads version " + VERSION + ")");
        }
    }

    static void writeDoubles(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    static double[] readDoubles(DataInput in, String what) throws IOException {
        int n = readLength(in, what);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    static int readLength(DataInput in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt " + what + ": length " + n);
        }
        return n;
    }
}

package io.vaeanomaly.threshold;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Reads any {@link Threshold} written by {@link Threshold#writeTo}. The format is a type tag byte,
 * a version byte, then the implementation's fields.
 */
public final class Thresholds {
    static final byte TAG_STATIC = 1;
    static final byte TAG_QUANTILE = 2;
    static final byte TAG_SPOT = 3;
    static final byte VERSION = 1;

    private Thresholds() {
    }

    /**
     * Reads one threshold.
     *
     * @throws IOException on an unknown type tag or version, corrupt values, or end of input
     */
    public static Threshold readFrom(DataInput in) throws IOException {
        byte tag = in.readByte();
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unsupported threshold format version " + version
                    + " for type tag " + tag + " (this build reads version " + VERSION + ")");
        }
        try {
            return switch (tag) {
                case TAG_STATIC -> StaticThreshold.readBody(in);
                case TAG_QUANTILE -> QuantileThreshold.readBody(in);
                case TAG_SPOT -> SpotThreshold.readBody(in);
                default -> throw new IOException("unknown threshold type tag " + tag);
            };
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt threshold (type tag " + tag + "): " + e.getMessage(), e);
        }
    }

    static void writeHeader(DataOutput out, byte tag) throws IOException {
        out.writeByte(tag);
        out.writeByte(VERSION);
    }
}

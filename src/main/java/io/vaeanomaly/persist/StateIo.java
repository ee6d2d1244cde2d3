package io.vaeanomaly.persist;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reading helpers shared by the mappers: guarded bodies, bounded lengths. */
final class StateIo {
    /** Upper bound on a count read from a stream, so corrupt input fails fast. */
    static final int MAX_LENGTH = 1 << 26;

    private StateIo() {}

    /** A read that may fail with I/O errors. */
    @FunctionalInterface
    interface Body<T> {
        T read() throws IOException;
    }

    /**
     * Runs {@code body}, turning every way it can fail into a {@link StateFormatException} whose
     * message starts with {@code type.describe(version)}: end of input is "truncated", an
     * {@link IllegalArgumentException} from a constructor's validation is "corrupt", and a
     * nested record's error keeps its own prefix after this one.
     */
    static <T> T guarded(StateType type, int version, Body<T> body) {
        String what = type.describe(version);
        try {
            return body.read();
        } catch (StateFormatException e) {
            throw new StateFormatException(what + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new StateFormatException(what + ": truncated", e);
        } catch (IOException | UncheckedIOException e) {
            throw new StateFormatException(what + ": unreadable: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException(what + ": corrupt: " + e.getMessage(), e);
        }
    }

    /** Runs {@code body}, reporting end of input as {@code "<part>: truncated"}. */
    static <T> T part(String part, Body<T> body) throws IOException {
        try {
            return body.read();
        } catch (EOFException e) {
            throw new StateFormatException(part + ": truncated", e);
        }
    }

    /** A count in {@code [0, max]}, or a "corrupt" error naming {@code field}. */
    static int readCount(DataInput in, String field, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new StateFormatException("corrupt: " + field + " " + n);
        }
        return n;
    }

    /** Reads one byte as the version of a record of {@code type} and checks it. */
    static int readVersion(DataInput in, StateType type) throws IOException {
        int version;
        try {
            version = in.readByte();
        } catch (EOFException e) {
            throw new StateFormatException(type.description() + ": truncated (no version byte)",
                    e);
        }
        type.checkVersion(version);
        return version;
    }
}

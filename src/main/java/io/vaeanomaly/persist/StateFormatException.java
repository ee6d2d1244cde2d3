package io.vaeanomaly.persist;

/**
 * Persisted state that cannot be restored: unknown type, unsupported version, truncated or
 * corrupt. The message names what was being read and its format version, outermost first
 * ({@code "detector state v1: training sample v1: truncated"}); callers add the file or
 * operator. Nothing is half-restored: a reader builds its object only after reading all of it.
 */
public class StateFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateFormatException(String message) {
        super(message);
    }

    public StateFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

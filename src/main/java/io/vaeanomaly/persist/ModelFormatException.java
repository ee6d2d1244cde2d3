package io.vaeanomaly.persist;

/** A model file that cannot be read: wrong magic, unsupported version, truncated or corrupt. */
public final class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

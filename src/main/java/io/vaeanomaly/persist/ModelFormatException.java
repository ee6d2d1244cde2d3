package io.vaeanomaly.persist;

/**
 * A model file that cannot be read: wrong magic, unsupported version, truncated or corrupt. A
 * {@link StateFormatException}, so a reader of state that holds a model handles both alike.
 */
public final class ModelFormatException extends StateFormatException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

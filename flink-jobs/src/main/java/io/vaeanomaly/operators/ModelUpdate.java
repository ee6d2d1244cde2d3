package io.vaeanomaly.operators;

import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.persist.ModelFile;
import java.util.Arrays;
import java.util.Objects;

/**
 * A new champion travelling from the trainer to the scorers (global scope): its version and the
 * versioned, checksummed {@link ModelFile} bytes. Bytes rather than a model object, so the
 * broadcast and its state hold a stable format that survives restarts and upgrades.
 *
 * @param version the champion's version (1 for the first model)
 * @param model {@link ModelFile#toBytes} of the champion
 */
public record ModelUpdate(long version, byte[] model) {
    public ModelUpdate {
        Objects.requireNonNull(model, "model");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
    }

    /** The update carrying {@code model}. */
    public static ModelUpdate of(DetectorModel model) {
        return new ModelUpdate(model.version(), ModelFile.toBytes(model));
    }

    /** A fresh model object (its own threshold state and scorer buffers). */
    public DetectorModel toModel() {
        return ModelFile.fromBytes(model);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdate u && version == u.version && Arrays.equals(model, u.model);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(model);
    }

    @Override
    public String toString() {
        return "ModelUpdate[version=" + version + ", bytes=" + model.length + "]";
    }
}

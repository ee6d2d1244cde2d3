package io.vaeanomaly.train;

import io.vaeanomaly.model.Vae;
import java.util.Optional;

/**
 * The trained model and its report.
 *
 * @param model present unless every restart diverged: a NaN model is never returned. A collapsed
 *     model is returned (it is finite) but {@link #usable()} is false
 * @param report the diagnostics
 */
public record TrainingResult(Optional<Vae> model, TrainingReport report) {
    /** True when the model may be promoted: it exists and its verdict is usable. */
    public boolean usable() {
        return model.isPresent() && report.verdict().usable();
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Objects;

/**
 * Training diagnostics reported with a model event. Numbers are {@code NaN} (JSON null) when not
 * computed, for example after a training that diverged.
 *
 * @param heldoutElbo mean ELBO per held-out row (nats)
 * @param heldoutIwae mean importance-weighted bound per held-out row (nats)
 * @param kl mean KL divergence per row (nats)
 * @param activeUnits latent dimensions in use, or -1 when not computed
 * @param verdict short health verdict, such as {@code healthy} or {@code posterior-collapse}
 */
public record ModelDiagnostics(
        double heldoutElbo, double heldoutIwae, double kl, int activeUnits, String verdict)
        implements Serializable {

    public ModelDiagnostics {
        Objects.requireNonNull(verdict, "verdict");
        if (Double.isInfinite(heldoutElbo) || Double.isInfinite(heldoutIwae)
                || Double.isInfinite(kl)) {
            throw new IllegalArgumentException("diagnostics must be finite or NaN");
        }
        if (activeUnits < -1) {
            throw new IllegalArgumentException("activeUnits must be >= -1: " + activeUnits);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDiagnostics d
                && Double.compare(heldoutElbo, d.heldoutElbo) == 0
                && Double.compare(heldoutIwae, d.heldoutIwae) == 0
                && Double.compare(kl, d.kl) == 0
                && activeUnits == d.activeUnits
                && verdict.equals(d.verdict);
    }

    @Override
    public int hashCode() {
        return Objects.hash(heldoutElbo, heldoutIwae, kl, activeUnits, verdict);
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Objects;

/**
 * How much one feature contributes to an event's anomaly: its share of the negative
 * reconstruction log-likelihood (nats; larger means more anomalous).
 *
 * @param name feature name
 * @param contribution finite contribution
 */
public record FeatureContribution(String name, double contribution) implements Serializable {
    public FeatureContribution {
        Objects.requireNonNull(name, "name");
        if (!Double.isFinite(contribution)) {
            throw new IllegalArgumentException(
                    "contribution of " + name + " is not finite: " + contribution);
        }
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A scored event, written to the output topic when it is an anomaly and to the scores topic for
 * every event ({@link #isAnomaly()} tells which). JSON form: {@link AnomalyRecordJson},
 * schema {@code schemas/anomaly-record.schema.json}.
 *
 * @param key entity key
 * @param eventTimeMs event time, epoch ms
 * @param source where the event was read
 * @param logProb reconstruction log-probability of the event (finite)
 * @param anomalyScore in [0, 1], higher is more anomalous
 * @param thresholdLogProb the threshold in force; {@code NaN} when none exists yet (JSON null)
 * @param isAnomaly whether the event is an anomaly
 * @param modelVersion version of the model that scored it ({@code >= 0})
 * @param topFeatures the largest contributors, largest first
 * @param event the event's original bytes (not copied; do not modify)
 */
public record AnomalyRecord(
        String key,
        long eventTimeMs,
        SourcePosition source,
        double logProb,
        double anomalyScore,
        double thresholdLogProb,
        boolean isAnomaly,
        long modelVersion,
        List<FeatureContribution> topFeatures,
        byte[] event)
        implements Serializable {

    /** Version of the JSON layout. */
    public static final int SCHEMA_VERSION = 1;

    public AnomalyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
        topFeatures = List.copyOf(topFeatures);
        if (!Double.isFinite(logProb)) {
            throw new IllegalArgumentException("logProb is not finite: " + logProb);
        }
        if (!(anomalyScore >= 0 && anomalyScore <= 1)) {
            throw new IllegalArgumentException("anomalyScore is not in [0, 1]: " + anomalyScore);
        }
        if (Double.isInfinite(thresholdLogProb)) {
            throw new IllegalArgumentException("thresholdLogProb is infinite");
        }
        if (modelVersion < 0) {
            throw new IllegalArgumentException("modelVersion is negative: " + modelVersion);
        }
    }

    /** The record for a scored {@link Event}. */
    public static AnomalyRecord of(
            Event event,
            double logProb,
            double anomalyScore,
            double thresholdLogProb,
            boolean isAnomaly,
            long modelVersion,
            List<FeatureContribution> topFeatures) {
        return new AnomalyRecord(event.key(), event.eventTimeMs(), event.source(), logProb,
                anomalyScore, thresholdLogProb, isAnomaly, modelVersion, topFeatures,
                event.originalUnsafe());
    }

    /** Whether a threshold was in force when the event was scored. */
    public boolean hasThreshold() {
        return !Double.isNaN(thresholdLogProb);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnomalyRecord r
                && key.equals(r.key)
                && eventTimeMs == r.eventTimeMs
                && source.equals(r.source)
                && Double.compare(logProb, r.logProb) == 0
                && Double.compare(anomalyScore, r.anomalyScore) == 0
                && Double.compare(thresholdLogProb, r.thresholdLogProb) == 0
                && isAnomaly == r.isAnomaly
                && modelVersion == r.modelVersion
                && topFeatures.equals(r.topFeatures)
                && Arrays.equals(event, r.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, eventTimeMs, source, logProb, modelVersion);
    }

    @Override
    public String toString() {
        return "AnomalyRecord[key=" + key + ", eventTimeMs=" + eventTimeMs + ", source=" + source
                + ", logProb=" + logProb + ", anomalyScore=" + anomalyScore
                + ", thresholdLogProb=" + thresholdLogProb + ", isAnomaly=" + isAnomaly
                + ", modelVersion=" + modelVersion + ", topFeatures=" + topFeatures + "]";
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * An event's result: written to the scores topic for every event, scored or not
 * ({@link #scored()}), and to the output topic when it is an anomaly ({@link #isAnomaly()}).
 * JSON form: {@link AnomalyRecordJson}, schema {@code schemas/anomaly-record.schema.json};
 * between Flink tasks: {@link AnomalyRecordSerializer}.
 *
 * @param key entity key
 * @param eventTimeMs event time, epoch ms
 * @param source where the event was read
 * @param logProb reconstruction log-probability of the event (finite); {@code NaN} when unscored
 *     (JSON null)
 * @param anomalyScore in [0, 1], higher is more anomalous; {@code NaN} when unscored
 * @param thresholdLogProb the threshold in force; {@code NaN} when none exists yet (JSON null)
 * @param isAnomaly whether the event is an anomaly (never for an unscored event)
 * @param modelVersion version of the model that scored it ({@code >= 0}; 0 when unscored)
 * @param topFeatures the largest contributors, largest first (empty when unscored)
 * @param event the event's original bytes (not copied; do not modify)
 * @param unscored why the event has no score, or {@code null} when it has one
 * @param eventIsVerbatimJson {@code event} can be embedded in the JSON form as it is
 *     ({@link Event#originalIsVerbatimJson()}); false means the writer decides by re-reading it
 */
@TypeInfo(AnomalyRecordSerializer.TypeInfo.class)
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
        byte[] event,
        Unscored unscored,
        boolean eventIsVerbatimJson)
        implements Serializable {

    /** Version of the JSON layout (2: unscored events, {@code scored}, {@code unscored_reason}). */
    public static final int SCHEMA_VERSION = 2;

    /** Why an event was forwarded without a score. */
    public enum Unscored {
        /** No model existed yet (pass-through before the first model, or the input ended first). */
        NO_MODEL,
        /** The events held while waiting for the first model reached flink.max-buffered-events. */
        BUFFER_FULL,
        /** The key's shingle window was still filling (model.shingle-size > 1). */
        SHINGLE_FILLING;

        /** The snake_case name used in JSON. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A record whose event the writer examines itself ({@code eventIsVerbatimJson} false). */
    public AnomalyRecord(
            String key,
            long eventTimeMs,
            SourcePosition source,
            double logProb,
            double anomalyScore,
            double thresholdLogProb,
            boolean isAnomaly,
            long modelVersion,
            List<FeatureContribution> topFeatures,
            byte[] event,
            Unscored unscored) {
        this(key, eventTimeMs, source, logProb, anomalyScore, thresholdLogProb, isAnomaly,
                modelVersion, topFeatures, event, unscored, false);
    }

    public AnomalyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
        topFeatures = List.copyOf(topFeatures);
        if (unscored != null) {
            if (!Double.isNaN(logProb) || !Double.isNaN(anomalyScore) || isAnomaly
                    || !topFeatures.isEmpty()) {
                throw new IllegalArgumentException(
                        "an unscored record has no log-probability, score, flag or features");
            }
        } else {
            if (!Double.isFinite(logProb)) {
                throw new IllegalArgumentException("logProb is not finite: " + logProb);
            }
            if (!(anomalyScore >= 0 && anomalyScore <= 1)) {
                throw new IllegalArgumentException(
                        "anomalyScore is not in [0, 1]: " + anomalyScore);
            }
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
                event.originalUnsafe(), null, event.originalIsVerbatimJson());
    }

    /** The record of an event forwarded without a score, and why. */
    public static AnomalyRecord unscored(Event event, Unscored why) {
        return new AnomalyRecord(event.key(), event.eventTimeMs(), event.source(), Double.NaN,
                Double.NaN, Double.NaN, false, 0, List.of(), event.originalUnsafe(),
                Objects.requireNonNull(why, "why"), event.originalIsVerbatimJson());
    }

    /** Whether the event was scored ({@link #unscored()} is null). */
    public boolean scored() {
        return unscored == null;
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
                && Arrays.equals(event, r.event)
                && unscored == r.unscored;
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
                + ", modelVersion=" + modelVersion + ", topFeatures=" + topFeatures
                + (unscored == null ? "" : ", unscored=" + unscored.wireName()) + "]";
    }
}

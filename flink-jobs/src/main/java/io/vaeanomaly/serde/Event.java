package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A parsed event: key, event time, feature vector, where it came from, and its original bytes
 * (kept so that anomaly records can embed the event as it was received). Immutable: accessors of
 * the arrays return copies; {@link #feature(int)} and {@link #copyFeaturesTo} avoid the copy.
 */
public final class Event implements ParseResult, Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long eventTimeMs;
    private final double[] features;
    private final FeatureSchema schema;
    private final SourcePosition source;
    private final byte[] original;

    /**
     * @param key entity key (never null; {@code ""} when the source had none)
     * @param eventTimeMs event time, epoch milliseconds
     * @param features finite feature values, one per schema name (copied)
     * @param schema feature names, shared between events
     * @param source where the event was read
     * @param original the record value as received (copied)
     */
    public Event(
            String key,
            long eventTimeMs,
            double[] features,
            FeatureSchema schema,
            SourcePosition source,
            byte[] original) {
        this(key, eventTimeMs, features.clone(), schema, source, original.clone(), true);
    }

    /** Takes ownership of the arrays; for the parser, which allocates them fresh. */
    Event(
            String key,
            long eventTimeMs,
            double[] features,
            FeatureSchema schema,
            SourcePosition source,
            byte[] original,
            boolean validate) {
        this.key = Objects.requireNonNull(key, "key");
        this.eventTimeMs = eventTimeMs;
        this.features = features;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.source = Objects.requireNonNull(source, "source");
        this.original = Objects.requireNonNull(original, "original");
        if (validate) {
            if (features.length != schema.dimension()) {
                throw new IllegalArgumentException(
                        features.length + " features but schema " + schema);
            }
            for (int i = 0; i < features.length; i++) {
                if (!Double.isFinite(features[i])) {
                    throw new IllegalArgumentException(
                            "feature " + schema.name(i) + " is not finite: " + features[i]);
                }
            }
        }
    }

    /** Entity key; {@code ""} when the source had none. */
    public String key() {
        return key;
    }

    /** Event time, epoch milliseconds. */
    public long eventTimeMs() {
        return eventTimeMs;
    }

    /** A copy of the feature vector. */
    public double[] features() {
        return features.clone();
    }

    /** Feature {@code i}. */
    public double feature(int i) {
        return features[i];
    }

    /** Number of features. */
    public int dimension() {
        return features.length;
    }

    /** Copies the features into {@code dst} starting at {@code offset} (batching, shingling). */
    public void copyFeaturesTo(double[] dst, int offset) {
        System.arraycopy(features, 0, dst, offset, features.length);
    }

    /** Feature names, in vector order. */
    public FeatureSchema schema() {
        return schema;
    }

    /** Where the event was read. */
    public SourcePosition source() {
        return source;
    }

    /** A copy of the record value as received. */
    public byte[] original() {
        return original.clone();
    }

    /** The original bytes without copying, for the record writers in this package. */
    byte[] originalUnsafe() {
        return original;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e
                && key.equals(e.key)
                && eventTimeMs == e.eventTimeMs
                && Arrays.equals(features, e.features)
                && schema.equals(e.schema)
                && source.equals(e.source)
                && Arrays.equals(original, e.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, eventTimeMs, Arrays.hashCode(features), source);
    }

    @Override
    public String toString() {
        return "Event[key=" + key + ", eventTimeMs=" + eventTimeMs + ", features="
                + Arrays.toString(features) + ", source=" + source + "]";
    }
}

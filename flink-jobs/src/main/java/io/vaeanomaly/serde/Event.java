package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A parsed event: key, event time, feature vector, where it came from, and its original bytes
 * (kept so that anomaly records can embed the event as it was received). Immutable: accessors of
 * the arrays return copies; {@link #feature(int)} and {@link #copyFeaturesTo} avoid the copy.
 *
 * <p>Flink serialises it with {@link EventSerializer} (through {@link TypeInfo}, wherever
 * {@code TypeInformation.of(Event.class)} is asked for): the feature names travel as a schema
 * id, shared by all events of the schema.
 */
@TypeInfo(EventSerializer.TypeInfo.class)
public final class Event implements ParseResult, Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long eventTimeMs;
    private final double[] features;
    private final FeatureSchema schema;
    private final SourcePosition source;
    private final byte[] original;
    /**
     * Whether {@link #original} is a JSON object that an output record may embed byte for byte
     * (see {@link #originalIsVerbatimJson()}). Transient: the Kryo form of events, which
     * savepoints of earlier versions hold, has no such field; restored events take the
     * re-encoding path.
     */
    private final transient boolean verbatimJson;

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
        this(key, eventTimeMs, features.clone(), schema, source, original.clone(), false, true);
    }

    /**
     * Takes ownership of the arrays; for the readers and the serializer, which allocate them
     * fresh.
     *
     * @param verbatimJson {@code original} is a compact, printable-ASCII JSON object with
     *     unique keys and standard numbers only, which the reader checked while parsing it
     */
    Event(
            String key,
            long eventTimeMs,
            double[] features,
            FeatureSchema schema,
            SourcePosition source,
            byte[] original,
            boolean verbatimJson,
            boolean validate) {
        this.key = Objects.requireNonNull(key, "key");
        this.eventTimeMs = eventTimeMs;
        this.features = features;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.source = Objects.requireNonNull(source, "source");
        this.original = Objects.requireNonNull(original, "original");
        this.verbatimJson = verbatimJson;
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

    /**
     * Whether the original bytes are a JSON object that output records can embed as they are,
     * without parsing them again: printable ASCII without line breaks (so an output record stays
     * one line of valid UTF-8), unique keys, standard JSON numbers (no NaN or Infinity
     * literals), nothing before its opening or after its closing brace. False when unknown
     * (e.g. events built outside the JSON reader): writers then re-encode the original.
     */
    public boolean originalIsVerbatimJson() {
        return verbatimJson;
    }

    /** The features without copying, for the serializer. */
    double[] featuresUnsafe() {
        return features;
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

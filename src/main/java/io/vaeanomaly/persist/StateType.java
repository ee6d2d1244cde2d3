package io.vaeanomaly.persist;

/**
 * Every type of persisted state, the format version this build writes and the oldest it still
 * reads: the one place that knows every version. A format change adds a version here, a branch
 * in the type's mapper, and golden files written by the build of the new version
 * ({@code src/test/resources/golden}).
 *
 * <p>Versions by type:
 *
 * <ul>
 *   <li>normaliser, frozen normaliser, shingle window v1: type tag byte ('N', 'F', 'S'),
 *       version byte, fields ({@link FeatureStateMapper});
 *   <li>thresholds (static, quantile, SPOT) v1: type tag byte, version byte, fields
 *       ({@link ThresholdMapper});
 *   <li>training sample v1: version byte, capacity, strategy, seed, counters, rows
 *       ({@link SampleBufferMapper});
 *   <li>model file v1: magic, version int, payload length, payload (configuration and
 *       provenance JSON, frozen normaliser, parameter tensors, threshold), CRC-32; v2 adds the
 *       feature names after the provenance ({@link ModelFile});
 *   <li>detector state v1: version byte, counters, champion as a model file, training sample,
 *       shingle window; v2 adds the pinned feature names ({@link DetectorStateMapper});
 *   <li>keyed detector v1: version byte, raw event dimension, events held for warm-up, detector
 *       state; v2 adds the time of the last training start ({@link KeyedDetectorMapper}; the
 *       Flink job's detector operator keeps one per key).
 * </ul>
 *
 * <p>The Flink job's other hand-written state is the global scorer's model: a model file.
 */
public enum StateType {
    NORMALIZER("normaliser", 'N', 1, 1),
    FROZEN_NORMALIZER("frozen normaliser", 'F', 1, 1),
    SHINGLER("shingle window", 'S', 1, 1),
    STATIC_THRESHOLD("static threshold", 1, 1, 1),
    QUANTILE_THRESHOLD("quantile threshold", 2, 1, 1),
    SPOT_THRESHOLD("SPOT threshold", 3, 1, 1),
    SAMPLE_BUFFER("training sample", 0, 1, 1),
    MODEL("model file", 0, 2, 1),
    DETECTOR("detector state", 0, 2, 1),
    KEYED_DETECTOR("keyed detector", 0, 2, 1);

    private final String description;
    private final byte tag;
    private final int currentVersion;
    private final int oldestVersion;

    StateType(String description, int tag, int currentVersion, int oldestVersion) {
        this.description = description;
        this.tag = (byte) tag;
        this.currentVersion = currentVersion;
        this.oldestVersion = oldestVersion;
    }

    /** What the state is, for messages ("SPOT threshold"). */
    public String description() {
        return description;
    }

    /** The type tag byte that starts a tagged record (0: the record has none). */
    public byte tag() {
        return tag;
    }

    /** The version this build writes. */
    public int currentVersion() {
        return currentVersion;
    }

    /** The oldest version this build reads. */
    public int oldestVersion() {
        return oldestVersion;
    }

    /** Whether this build reads {@code version}. */
    public boolean reads(int version) {
        return version >= oldestVersion && version <= currentVersion;
    }

    /** {@code "<description> v<version>"}, the prefix of every message about such a record. */
    public String describe(int version) {
        return description + " v" + version;
    }

    /** {@code "version 1"} or {@code "versions 1 to 2"}: what this build reads. */
    public String readableVersions() {
        return oldestVersion == currentVersion ? "version " + currentVersion
                : "versions " + oldestVersion + " to " + currentVersion;
    }

    /** Checks that this build reads {@code version}; the message names both. */
    public void checkVersion(int version) {
        if (!reads(version)) {
            throw new StateFormatException(description + ": unsupported format version "
                    + version + " (this build reads " + readableVersions() + ")");
        }
    }

    /** The threshold type of a tag byte. */
    static StateType thresholdOfTag(byte tag) {
        for (StateType t : new StateType[] {STATIC_THRESHOLD, QUANTILE_THRESHOLD,
                SPOT_THRESHOLD}) {
            if (t.tag == tag) {
                return t;
            }
        }
        throw new StateFormatException("threshold: unknown type tag " + tag);
    }
}

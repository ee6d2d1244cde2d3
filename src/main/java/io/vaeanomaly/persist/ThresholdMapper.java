package io.vaeanomaly.persist;

import io.vaeanomaly.threshold.QuantileThreshold;
import io.vaeanomaly.threshold.SpotThreshold;
import io.vaeanomaly.threshold.StaticThreshold;
import io.vaeanomaly.threshold.Threshold;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and restores {@link Threshold}s: a type tag byte, a version byte ({@link StateType}),
 * then the implementation's state. Restores exactly: a restored threshold equals the written
 * one and decides and learns as it would have.
 */
public final class ThresholdMapper {
    private ThresholdMapper() {}

    /** Writes {@code t} in the current format of its type. */
    public static void write(Threshold t, DataOutput out) throws IOException {
        if (t instanceof StaticThreshold s) {
            header(out, StateType.STATIC_THRESHOLD);
            out.writeDouble(s.thresholdLogProb());
            out.writeDouble(s.scoreScale());
        } else if (t instanceof QuantileThreshold q) {
            header(out, StateType.QUANTILE_THRESHOLD);
            out.writeDouble(q.thresholdLogProb());
            out.writeDouble(q.scoreScale());
            out.writeDouble(q.lowerTailFraction());
            out.writeLong(q.calibrationCount());
        } else if (t instanceof SpotThreshold spot) {
            header(out, StateType.SPOT_THRESHOLD);
            writeSpot(spot.state(), out);
        } else {
            throw new IllegalArgumentException("no persisted form for threshold type "
                    + t.getClass().getName());
        }
    }

    /**
     * Reads a threshold written by {@link #write}, in any version this build reads.
     *
     * @throws StateFormatException naming the threshold type and version on an unknown tag or
     *     version, truncated input or inconsistent values
     */
    public static Threshold read(DataInput in) throws IOException {
        byte tag;
        try {
            tag = in.readByte();
        } catch (java.io.EOFException e) {
            throw new StateFormatException("threshold: truncated (no type tag)", e);
        }
        StateType type = StateType.thresholdOfTag(tag);
        int version = StateIo.readVersion(in, type);
        return StateIo.guarded(type, version, () -> switch (type) {
            case STATIC_THRESHOLD -> new StaticThreshold(in.readDouble(), in.readDouble());
            case QUANTILE_THRESHOLD -> new QuantileThreshold(in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readLong());
            default -> readSpot(in);
        });
    }

    private static void header(DataOutput out, StateType type) throws IOException {
        out.writeByte(type.tag());
        out.writeByte(type.currentVersion());
    }

    private static void writeSpot(SpotThreshold.State s, DataOutput out) throws IOException {
        out.writeDouble(s.config().risk());
        out.writeDouble(s.config().initialLevel());
        out.writeInt(s.config().maxPeaks());
        out.writeInt(s.config().minPeaksForGpd());
        out.writeDouble(s.initialLoss());
        out.writeDouble(s.scoreScale());
        out.writeLong(s.learned());
        out.writeLong(s.peakCount());
        out.writeInt(s.peaksSinceFit());
        out.writeDouble(s.shape());
        out.writeDouble(s.sigma());
        out.writeDouble(s.thresholdLoss());
        out.writeInt(s.peaks().length);
        for (double y : s.peaks()) {
            out.writeDouble(y);
        }
        for (double c : s.truncations()) {
            out.writeDouble(c);
        }
    }

    private static SpotThreshold readSpot(DataInput in) throws IOException {
        double risk = in.readDouble();
        double initialLevel = in.readDouble();
        // Bounded before the constructor allocates buffers of this size.
        int maxPeaks = StateIo.readCount(in, "maximum peak count", StateIo.MAX_LENGTH);
        SpotThreshold.Config config = new SpotThreshold.Config(risk, initialLevel, maxPeaks,
                in.readInt());
        double initialLoss = in.readDouble();
        double scoreScale = in.readDouble();
        long learned = in.readLong();
        long peakCount = in.readLong();
        int peaksSinceFit = in.readInt();
        double shape = in.readDouble();
        double sigma = in.readDouble();
        double thresholdLoss = in.readDouble();
        int size = StateIo.readCount(in, "buffered peak count", config.maxPeaks());
        double[] peaks = new double[size];
        for (int k = 0; k < size; k++) {
            peaks[k] = in.readDouble();
        }
        double[] truncations = new double[size];
        for (int k = 0; k < size; k++) {
            truncations[k] = in.readDouble();
        }
        return SpotThreshold.fromState(new SpotThreshold.State(config, initialLoss, scoreScale,
                learned, peakCount, peaksSinceFit, shape, sigma, thresholdLoss, peaks,
                truncations));
    }
}

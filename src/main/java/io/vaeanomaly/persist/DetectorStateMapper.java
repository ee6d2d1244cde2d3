package io.vaeanomaly.persist;

import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.feature.Shingler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes and restores an {@link OnlineDetector} (the Flink job keeps one per key): a version
 * byte ({@link StateType#DETECTOR}), the event and training counters, the champion as a model
 * file ({@link ModelFile}), the training sample ({@link SampleBufferMapper}), the shingle window
 * and (since version 2) the pinned feature names. Version 1 state restores with no names pinned:
 * the next event pins them again. The settings and the training clock are not part of the
 * state: they come from the job's configuration.
 */
public final class DetectorStateMapper {
    private DetectorStateMapper() {}

    /** Writes the detector's state in the current format. */
    public static void write(OnlineDetector detector, DataOutput out) throws IOException {
        OnlineDetector.State s = detector.state();
        out.writeByte(StateType.DETECTOR.currentVersion());
        out.writeLong(s.eventsSeen());
        out.writeLong(s.eventsAtLastTraining());
        out.writeLong(s.trainings());
        out.writeBoolean(s.champion() != null);
        if (s.champion() != null) {
            byte[] m = ModelFile.toBytes(s.champion());
            out.writeInt(m.length);
            out.write(m);
        }
        SampleBufferMapper.write(s.sample(), out);
        out.writeBoolean(s.shingler() != null);
        if (s.shingler() != null) {
            FeatureStateMapper.write(s.shingler(), out);
        }
        out.writeInt(s.featureNames().size());
        for (String name : s.featureNames()) {
            out.writeUTF(name);
        }
    }

    /**
     * Restores a detector written by {@link #write}, in any version this build reads.
     *
     * @throws StateFormatException naming the part and version that cannot be read; nothing is
     *     restored then
     */
    public static OnlineDetector read(DataInput in, DetectorSettings settings, boolean synchronous)
            throws IOException {
        return read(in, settings, synchronous, OnlineDetector.defaultClock(synchronous));
    }

    /**
     * As {@link #read(DataInput, DetectorSettings, boolean)}, with the clock the restored
     * detector reads when a training finishes (see {@link OnlineDetector}'s constructor).
     */
    public static OnlineDetector read(DataInput in, DetectorSettings settings, boolean synchronous,
            LongSupplier clock) throws IOException {
        int version = StateIo.readVersion(in, StateType.DETECTOR);
        return StateIo.guarded(StateType.DETECTOR, version, () -> {
            long[] counters = StateIo.part("counters",
                    () -> new long[] {in.readLong(), in.readLong(), in.readLong()});
            DetectorModel champion = null;
            if (StateIo.part("champion flag", in::readBoolean)) {
                byte[] m = StateIo.part("champion model", () -> {
                    byte[] b = new byte[StateIo.readCount(in, "champion model length",
                            StateIo.MAX_LENGTH)];
                    in.readFully(b);
                    return b;
                });
                try {
                    champion = ModelFile.fromBytes(m);
                } catch (StateFormatException e) {
                    throw new StateFormatException("champion model: " + e.getMessage(), e);
                }
            }
            SampleBuffer sample = SampleBufferMapper.read(in);
            Shingler shingler = null;
            if (StateIo.part("shingle window flag", in::readBoolean)) {
                shingler = FeatureStateMapper.readShingler(in);
            }
            List<String> names = version >= 2 ? readNames(in) : List.of();
            return OnlineDetector.restore(settings, synchronous, clock, new OnlineDetector.State(
                    counters[0], counters[1], counters[2], champion, sample, shingler, names));
        });
    }

    private static List<String> readNames(DataInput in) throws IOException {
        return StateIo.part("feature names", () -> {
            int n = StateIo.readCount(in, "feature name count", StateIo.MAX_LENGTH);
            List<String> names = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                names.add(in.readUTF());
            }
            return names;
        });
    }

    /** The detector's state as bytes. */
    public static byte[] toBytes(OnlineDetector detector) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(detector, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write detector state", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores a detector from exactly {@code bytes}: input that goes on after the state is as
     * wrong as input that ends too early.
     */
    public static OnlineDetector fromBytes(byte[] bytes, DetectorSettings settings,
            boolean synchronous) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            OnlineDetector d = read(in, settings, synchronous, OnlineDetector.defaultClock(synchronous));
            if (in.available() > 0) {
                throw new StateFormatException(StateType.DETECTOR.description() + ": "
                        + in.available() + " unexpected bytes after the state");
            }
            return d;
        } catch (IOException e) {
            throw new StateFormatException(StateType.DETECTOR.description() + ": unreadable: "
                    + e.getMessage(), e);
        }
    }
}

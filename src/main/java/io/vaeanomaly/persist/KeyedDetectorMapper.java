package io.vaeanomaly.persist;

import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.OnlineDetector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * Writes and restores what a stream operator keeps per key around its {@link OnlineDetector}
 * ({@link StateType#KEYED_DETECTOR}): a version byte, the raw dimension of the key's events, the
 * number of events held back for warm-up, (since version 2) the time the last training started,
 * then the detector state ({@link DetectorStateMapper}). Version 1 restores with no training
 * time (0).
 */
public final class KeyedDetectorMapper {
    private KeyedDetectorMapper() {}

    /**
     * One key's state.
     *
     * @param rawDim the dimension of the key's events before shingling (0 before the first)
     * @param buffered events held back until the key's first model
     * @param lastTrainingMs processing time the last training started, 0 if unknown
     * @param detector the key's detector
     */
    public record KeyedDetector(int rawDim, int buffered, long lastTrainingMs,
            OnlineDetector detector) {}

    /** The state in the current format. */
    public static byte[] toBytes(KeyedDetector state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(StateType.KEYED_DETECTOR.currentVersion());
            out.writeInt(state.rawDim());
            out.writeInt(state.buffered());
            out.writeLong(state.lastTrainingMs());
            DetectorStateMapper.write(state.detector(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keyed detector state", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores exactly {@code bytes}, in any version this build reads.
     *
     * @param clock the clock the restored detector reads when a training finishes
     * @throws StateFormatException naming the version and the part that cannot be read (the
     *     caller adds the operator and key); nothing is restored then
     */
    public static KeyedDetector fromBytes(byte[] bytes, DetectorSettings settings,
            boolean synchronous, LongSupplier clock) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            int version = StateIo.readVersion(in, StateType.KEYED_DETECTOR);
            return StateIo.guarded(StateType.KEYED_DETECTOR, version, () -> {
                int rawDim = StateIo.part("raw dimension",
                        () -> StateIo.readCount(in, "raw dimension", StateIo.MAX_LENGTH));
                int buffered = StateIo.part("warm-up count",
                        () -> StateIo.readCount(in, "warm-up count", Integer.MAX_VALUE));
                long lastTrainingMs = version >= 2
                        ? StateIo.part("last training time", in::readLong) : 0;
                OnlineDetector detector =
                        DetectorStateMapper.read(in, settings, synchronous, clock);
                if (in.available() > 0) {
                    throw new StateFormatException(
                            in.available() + " unexpected bytes after the state");
                }
                return new KeyedDetector(rawDim, buffered, lastTrainingMs, detector);
            });
        } catch (IOException e) {
            throw new StateFormatException(StateType.KEYED_DETECTOR.description()
                    + ": unreadable: " + e.getMessage(), e);
        }
    }
}

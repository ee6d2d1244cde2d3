package io.vaeanomaly.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.persist.KeyedDetectorMapper.KeyedDetector;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Flink job's per-key state around a detector. Version 1 (the layout of the job's savepoint
 * golden, written by the build of main 232c381: version byte, raw dimension, held events,
 * detector state) is built here from the detector-state golden of the same version.
 */
class KeyedDetectorMapperTest {

    private static byte[] version1(int rawDim, int buffered, byte[] detectorV1)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(rawDim);
            out.writeInt(buffered);
            out.write(detectorV1);
        }
        return bytes.toByteArray();
    }

    @Test
    void version1RestoresWithoutATrainingTime() throws IOException {
        byte[] detector = GoldenStates.resource("detector-state-v1.bin");
        KeyedDetector k = KeyedDetectorMapper.fromBytes(version1(6, 3, detector),
                GoldenStates.detectorSettings(), true, () -> 0L);
        assertThat(k.rawDim()).isEqualTo(6);
        assertThat(k.buffered()).isEqualTo(3);
        assertThat(k.lastTrainingMs()).isZero();
        assertThat(k.detector().eventsSeen()).isEqualTo(GoldenStates.EVENTS_BEFORE);
        assertThat(k.detector().modelVersion()).isEqualTo(2);
    }

    @Test
    void theCurrentVersionRoundTripsWithTheClockItIsGiven() {
        OnlineDetector d = DetectorStateMapper.fromBytes(
                GoldenStates.resource("detector-state-v2.bin"), GoldenStates.detectorSettings(),
                false);
        byte[] bytes = KeyedDetectorMapper.toBytes(new KeyedDetector(6, 0, 1_234L, d));
        assertThat(bytes[0]).isEqualTo((byte) StateType.KEYED_DETECTOR.currentVersion());
        KeyedDetector back = KeyedDetectorMapper.fromBytes(bytes,
                GoldenStates.detectorSettings(), false, () -> 42L);
        assertThat(back.lastTrainingMs()).isEqualTo(1_234L);
        assertThat(back.detector().featureNames()).isEqualTo(GoldenStates.FEATURE_NAMES);
        assertThat(KeyedDetectorMapper.toBytes(back)).isEqualTo(bytes);
    }

    @Test
    void damagedStateIsAnErrorNamingTheVersionAndPart() throws IOException {
        byte[] v1 = version1(6, 0, GoldenStates.resource("detector-state-v1.bin"));
        assertThatThrownBy(() -> KeyedDetectorMapper.fromBytes(Arrays.copyOf(v1, 7),
                GoldenStates.detectorSettings(), true, () -> 0L))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("keyed detector v1: warm-up count: truncated");
        assertThatThrownBy(() -> KeyedDetectorMapper.fromBytes(Arrays.copyOf(v1, 100),
                GoldenStates.detectorSettings(), true, () -> 0L))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("keyed detector v1: detector state v1: champion model: truncated");
        byte[] negative = v1.clone();
        negative[1] = (byte) 0x80;
        assertThatThrownBy(() -> KeyedDetectorMapper.fromBytes(negative,
                GoldenStates.detectorSettings(), true, () -> 0L))
                .isInstanceOf(StateFormatException.class)
                .hasMessageStartingWith("keyed detector v1: corrupt: raw dimension -");
        byte[] future = v1.clone();
        future[0] = 3;
        assertThatThrownBy(() -> KeyedDetectorMapper.fromBytes(future,
                GoldenStates.detectorSettings(), true, () -> 0L))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("keyed detector: unsupported format version 3 (this build reads"
                        + " versions 1 to 2)");
        byte[] longer = Arrays.copyOf(v1, v1.length + 2);
        assertThatThrownBy(() -> KeyedDetectorMapper.fromBytes(longer,
                GoldenStates.detectorSettings(), true, () -> 0L))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("keyed detector v1: 2 unexpected bytes after the state");
    }
}

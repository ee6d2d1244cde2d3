package io.vaeanomaly.threshold;

import io.vaeanomaly.persist.StateFormatException;
import io.vaeanomaly.persist.ThresholdMapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
    @Test
    void everyThresholdRoundTripsExactly() throws IOException {
        Random rnd = new Random(21);
        Threshold[] all = {
            new StaticThreshold(-123.456, 0.789),
            QuantileThreshold.fit(TestData.gaussian(rnd, 1000, -3, 2), 0.005),
            SpotThreshold.calibrate(TestData.gaussian(rnd, 3000, -3, 2), 1e-4, 0.98),
        };
        for (Threshold t : all) {
            Threshold back = TestData.roundTrip(t);
            assertThat(back).isInstanceOf(t.getClass()).isEqualTo(t).hasSameHashCodeAs(t);
            assertThat(back.thresholdLogProb()).isEqualTo(t.thresholdLogProb());
            assertThat(back.scoreScale()).isEqualTo(t.scoreScale());
            assertThat(TestData.bytes(back)).isEqualTo(TestData.bytes(t));
        }
    }

    @Test
    void copiesAreIndependent() {
        SpotThreshold spot = SpotThreshold.calibrate(TestData.gaussian(new Random(2), 3000, 0, 1),
                1e-4, 0.98);
        Threshold copy = spot.copy();
        spot.observe(spot.initialLevelLogProb() - 0.1);
        assertThat(copy).isNotEqualTo(spot);
    }

    @Test
    void rejectsUnknownTagsAndVersions() throws IOException {
        byte[] bytes = TestData.bytes(new StaticThreshold(1, 1));
        byte[] badTag = bytes.clone();
        badTag[0] = 42;
        assertThatThrownBy(() -> ThresholdMapper.read(in(badTag)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("type tag 42");
        byte[] badVersion = bytes.clone();
        badVersion[1] = 7;
        assertThatThrownBy(() -> ThresholdMapper.read(in(badVersion)))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("static threshold: unsupported format version 7 (this build reads"
                        + " version 1)");
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> ThresholdMapper.read(in(truncated)))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("static threshold v1: truncated");
    }

    private static DataInputStream in(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}

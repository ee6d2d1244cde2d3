package io.vaeanomaly.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.ModelEvent;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.threshold.Decision;
import io.vaeanomaly.threshold.Threshold;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State written by earlier builds still restores: each golden file of each format version
 * (written once by {@link GoldenStateWriter} with the build of that version) is read by this
 * build, and the restored object goes on as the saved one did: the same detections for the
 * events that followed, the same threshold decisions and learning, the next training at the
 * right event count.
 */
class StateCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode expected(String name) throws Exception {
        return JSON.readTree(GoldenStates.resource(name));
    }

    private static DataInputStream golden(String name) {
        return new DataInputStream(new ByteArrayInputStream(GoldenStates.resource(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1"})
    void detectorStateRestoresAndContinuesScoring(String version) throws Exception {
        JsonNode exp = expected("detector-state-" + version + ".json");
        OnlineDetector d = DetectorStateMapper.read(golden("detector-state-" + version + ".bin"),
                GoldenStates.detectorSettings(), true);

        assertThat(d.eventsSeen()).isEqualTo(exp.get("events_seen").asLong());
        assertThat(d.modelVersion()).isEqualTo(exp.get("model_version").asLong());
        assertThat(d.champion().orElseThrow().threshold().thresholdLogProb())
                .isEqualTo(exp.get("threshold_log_prob").asDouble());

        JsonNode rows = exp.get("events_after");
        double[][] after = new double[rows.size()][];
        for (int i = 0; i < after.length; i++) {
            after[i] = new double[rows.get(i).size()];
            for (int j = 0; j < after[i].length; j++) {
                after[i][j] = rows.get(i).get(j).asDouble();
            }
        }
        Detection[] ds = d.process(after);
        JsonNode recorded = exp.get("detections_after");
        for (int i = 0; i < ds.length; i++) {
            JsonNode r = recorded.get(i);
            assertThat(ds[i].scored()).as("event %d scored", i).isEqualTo(r.get("scored")
                    .asBoolean());
            // The restored shingle window makes the first event a full window at once; the
            // scores match the saved detector's up to the scoring kernel's float rounding.
            assertThat(ds[i].logProb()).as("event %d log-probability", i)
                    .isCloseTo(r.get("log_prob").asDouble(),
                            within(1e-6 * Math.abs(r.get("log_prob").asDouble()) + 1e-9));
            assertThat(ds[i].anomaly()).as("event %d anomaly", i)
                    .isEqualTo(r.get("anomaly").asBoolean());
            assertThat(ds[i].modelVersion()).isEqualTo(r.get("model_version").asLong());
        }

        // The counters and the sample came back too: the next training is due exactly at the
        // next multiple of 200 events, and trains on the restored sample.
        long seen = d.eventsSeen();
        long nextTraining = (seen / 200 + 1) * 200;
        d.process(GoldenStates.SOURCE.sample((int) (nextTraining - seen - 1), 3));
        assertThat(d.drainModelEvents()).as("no training before event %d", nextTraining)
                .isEmpty();
        d.process(GoldenStates.SOURCE.sample(1, 4));
        List<ModelEvent> events = d.drainModelEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).outcome()).isNotEqualTo(ModelEvent.Outcome.INITIAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threshold-static", "threshold-quantile", "threshold-spot"})
    void thresholdsOfFormatV1RestoreDecideAndLearnAsBefore(String name) throws Exception {
        JsonNode exp = expected("thresholds-v1.json").get(name);
        Threshold t = ThresholdMapper.read(golden(name + "-v1.bin"));

        assertThat(t.thresholdLogProb()).isEqualTo(exp.get("threshold_log_prob").asDouble());
        assertThat(t.scoreScale()).isEqualTo(exp.get("score_scale").asDouble());
        for (JsonNode probe : exp.get("decisions")) {
            Decision d = t.decide(probe.get("log_prob").asDouble());
            assertThat(d.anomaly()).as("anomaly at %s", probe.get("log_prob"))
                    .isEqualTo(probe.get("anomaly").asBoolean());
            assertThat(d.anomalyScore()).isEqualTo(probe.get("anomaly_score").asDouble());
        }
        for (double v : GoldenStates.calibrationLogProbs(7, 300)) {
            t.observe(v);
        }
        assertThat(t.thresholdLogProb()).as("after learning from 300 more values")
                .isEqualTo(exp.get("threshold_after_300_more").asDouble());
    }

    @Test
    void truncatedDetectorStateFailsNamingThePartAndVersionAndRestoresNothing() {
        byte[] golden = GoldenStates.resource("detector-state-v1.bin");
        java.util.Set<String> messages = new java.util.TreeSet<>();
        // Every cut point in the counters and headers, then a stride through the model and
        // sample, and the last bytes.
        for (int cut = 0; cut < golden.length; cut += cut < 64 ? 1 : 97) {
            byte[] part = java.util.Arrays.copyOf(golden, cut);
            assertThatThrownBy(() -> DetectorStateMapper.fromBytes(part,
                    GoldenStates.detectorSettings(), true))
                    .as("state cut at byte %d of %d", cut, golden.length)
                    .isInstanceOf(StateFormatException.class)
                    .satisfies(e -> messages.add(e.getMessage().replaceAll("[0-9]{3,}", "N")));
        }
        assertThat(messages).allMatch(m -> m.startsWith("detector state"))
                .containsExactlyInAnyOrder("detector state: truncated (no version byte)",
                        "detector state v1: counters: truncated",
                        "detector state v1: champion flag: truncated",
                        "detector state v1: champion model: truncated",
                        "detector state v1: training sample v1: truncated",
                        "detector state v1: shingle window v1: truncated");
    }

    @Test
    void aCorruptChampionIsAnErrorNamingIt() {
        byte[] golden = GoldenStates.resource("detector-state-v1.bin");
        byte[] corrupt = golden.clone();
        corrupt[200] ^= 0x40; // inside the champion's model file
        assertThatThrownBy(() -> DetectorStateMapper.fromBytes(corrupt,
                GoldenStates.detectorSettings(), true))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("detector state v1: champion model: corrupt model file: checksum"
                        + " mismatch");
    }

    @Test
    void unknownVersionsAndTrailingBytesAreErrorsThatSayWhat() {
        byte[] golden = GoldenStates.resource("detector-state-v1.bin");
        byte[] future = golden.clone();
        future[0] = 9;
        assertThatThrownBy(() -> DetectorStateMapper.fromBytes(future,
                GoldenStates.detectorSettings(), true))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("detector state: unsupported format version 9 (this build reads"
                        + " version 1)");
        byte[] longer = java.util.Arrays.copyOf(golden, golden.length + 3);
        assertThatThrownBy(() -> DetectorStateMapper.fromBytes(longer,
                GoldenStates.detectorSettings(), true))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("detector state: 3 unexpected bytes after the state");
    }

    @Test
    void theCurrentWriterStillWritesVersion1ByteForByte() throws Exception {
        // Until a format version changes, a restored state writes back the golden bytes.
        byte[] golden = GoldenStates.resource("detector-state-v1.bin");
        OnlineDetector d = DetectorStateMapper.fromBytes(golden,
                GoldenStates.detectorSettings(), true);
        assertThat(DetectorStateMapper.toBytes(d)).isEqualTo(golden);
        for (String name : new String[] {"threshold-static", "threshold-quantile",
                "threshold-spot"}) {
            byte[] bytes = GoldenStates.resource(name + "-v1.bin");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ThresholdMapper.write(ThresholdMapper.read(golden(name + "-v1.bin")),
                    new java.io.DataOutputStream(out));
            assertThat(out.toByteArray()).as(name).isEqualTo(bytes);
        }
    }

    @Test
    void everyGoldenThresholdIsOfItsType() throws Exception {
        assertThat(ThresholdMapper.read(golden("threshold-static-v1.bin")).getClass()
                .getSimpleName()).isEqualTo("StaticThreshold");
        assertThat(ThresholdMapper.read(golden("threshold-quantile-v1.bin")).getClass()
                .getSimpleName()).isEqualTo("QuantileThreshold");
        assertThat(ThresholdMapper.read(golden("threshold-spot-v1.bin")).getClass()
                .getSimpleName()).isEqualTo("SpotThreshold");
    }
}

package io.vaeanomaly.persist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.threshold.Decision;
import io.vaeanomaly.threshold.Threshold;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden state files of the current format version into
 * {@code src/test/resources/golden}, with what the saved objects did next (the expected
 * results). Run only by hand, once per format version, with the build of that version:
 *
 * <pre>
 * mvn -B -q -pl src test -Dtest=GoldenStateWriter -Dgolden.write=true
 * </pre>
 *
 * Files of earlier versions are never rewritten: they are what old deployments have on disk.
 */
@EnabledIfSystemProperty(named = "golden.write", matches = "true")
class GoldenStateWriter {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The core module's sources are in {@code src/} itself, so its tests are in test/. */
    private static final Path DIR = Files.isDirectory(Path.of("test", "resources", "golden"))
            ? Path.of("test", "resources", "golden")
            : Path.of("src", "test", "resources", "golden");

    /** Refuses to overwrite a golden file: those of earlier versions are what users have. */
    private static Path fresh(String name) {
        Path file = DIR.resolve(name);
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: golden files are never rewritten");
        }
        return file;
    }

    @Test
    void writeDetectorState() throws Exception {
        OnlineDetector detector = new OnlineDetector(GoldenStates.detectorSettings(), true);
        // Since version 2 the state pins the events' feature names.
        detector.admitFeatureNames(GoldenStates.FEATURE_NAMES);
        detector.process(GoldenStates.SOURCE.sample(GoldenStates.EVENTS_BEFORE, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DetectorStateMapper.write(detector, new DataOutputStream(bytes));
        String version = "v" + StateType.DETECTOR.currentVersion();
        Files.write(fresh("detector-state-" + version + ".bin"), bytes.toByteArray());

        ObjectNode expected = JSON.createObjectNode();
        expected.put("written_by", "GoldenStateWriter, detector state format " + version);
        ArrayNode names = expected.putArray("feature_names");
        detector.featureNames().forEach(names::add);
        ArrayNode modelNames = expected.putArray("champion_feature_names");
        detector.champion().orElseThrow().featureNames().forEach(modelNames::add);
        expected.put("events_seen", GoldenStates.EVENTS_BEFORE);
        expected.put("model_version", detector.modelVersion());
        expected.put("threshold_log_prob",
                detector.champion().orElseThrow().threshold().thresholdLogProb());
        double[][] after = GoldenStates.SOURCE.sample(GoldenStates.EVENTS_AFTER, 2);
        Detection[] ds = detector.process(after);
        ArrayNode rows = expected.putArray("events_after");
        ArrayNode out = expected.putArray("detections_after");
        for (int i = 0; i < after.length; i++) {
            ArrayNode row = rows.addArray();
            for (double v : after[i]) {
                row.add(v);
            }
            ObjectNode d = out.addObject();
            d.put("scored", ds[i].scored());
            d.put("log_prob", ds[i].logProb());
            d.put("anomaly", ds[i].anomaly());
            d.put("anomaly_score", ds[i].anomalyScore());
            d.put("model_version", ds[i].modelVersion());
        }
        JSON.writeValue(fresh("detector-state-" + version + ".json").toFile(), expected);
    }

    @Test
    void writeThresholds() throws Exception {
        String version = "v" + StateType.SPOT_THRESHOLD.currentVersion();
        if (Files.exists(DIR.resolve("thresholds-" + version + ".json"))) {
            return; // this version's goldens exist
        }
        ObjectNode expected = JSON.createObjectNode();
        expected.put("written_by", "GoldenStateWriter, threshold format " + version);
        double[] probes = GoldenStates.probes();
        double[] more = GoldenStates.calibrationLogProbs(7, 300);
        for (Map.Entry<String, Threshold> e : GoldenStates.thresholds().entrySet()) {
            Threshold t = e.getValue();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ThresholdMapper.write(t, new DataOutputStream(bytes));
            Files.write(fresh(e.getKey() + "-" + version + ".bin"), bytes.toByteArray());
            ObjectNode o = expected.putObject(e.getKey());
            o.put("threshold_log_prob", t.thresholdLogProb());
            o.put("score_scale", t.scoreScale());
            ArrayNode decisions = o.putArray("decisions");
            for (double p : probes) {
                Decision d = t.decide(p);
                decisions.addObject().put("log_prob", p).put("anomaly", d.anomaly())
                        .put("anomaly_score", d.anomalyScore());
            }
            for (double v : more) {
                t.observe(v);
            }
            o.put("threshold_after_300_more", t.thresholdLogProb());
        }
        JSON.writeValue(fresh("thresholds-" + version + ".json").toFile(), expected);
    }
}

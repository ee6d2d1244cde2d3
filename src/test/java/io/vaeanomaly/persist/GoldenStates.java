package io.vaeanomaly.persist;

import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.threshold.QuantileThreshold;
import io.vaeanomaly.threshold.SpotThreshold;
import io.vaeanomaly.threshold.StaticThreshold;
import io.vaeanomaly.threshold.Threshold;
import io.vaeanomaly.train.TrainingRecipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * The inputs behind the golden state files in {@code src/test/resources/golden}: the detector
 * settings and data, and the thresholds. {@link GoldenStateWriter} wrote the files with the
 * build of the format version in their name; {@link StateCompatibilityTest} restores them with
 * this build. Change nothing here that would change what the files mean.
 */
final class GoldenStates {
    private GoldenStates() {}

    /** The detector's stream: 6 features on a 2-dimensional manifold. */
    static final PpcaData SOURCE = new PpcaData(6, 2, 0.05, 11);
    /** The feature names pinned in detector states of version 2 and later. */
    static final java.util.List<String> FEATURE_NAMES =
            java.util.List.of("cpu", "mem", "disk", "net", "load", "temp");
    /** Events fed before the detector state was written. */
    static final int EVENTS_BEFORE = 450;
    /** Events after the snapshot whose detections were recorded. */
    static final int EVENTS_AFTER = 40;

    /**
     * The detector's settings: shingles of 2 (so the state has a shingle window), a sliding
     * window sample of 200, trainings every 200 events (at 200 and 400 before the snapshot,
     * at 600 after it), a streaming SPOT threshold.
     */
    static DetectorSettings detectorSettings() {
        return new DetectorSettings(
                d -> VaeConfig.builder(d).hidden(12).latentDim(2).build(),
                TrainingRecipe.defaults().toBuilder().maxEpochs(8).minSteps(200)
                        .learningRate(5e-3).build(),
                new ScoringSettings(8, ScoreMode.LOG_MEAN_EXP, 2, 3),
                new ThresholdSettings(ThresholdSettings.Type.SPOT, 1e-3, 0.9, 0.995, -100),
                200,
                200,
                200,
                SampleBuffer.Strategy.SLIDING_WINDOW,
                5.0,
                2);
    }

    /** Log-probabilities of normal events for calibrating the thresholds. */
    static double[] calibrationLogProbs(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = -8 - Math.abs(r.nextGaussian()) * 2 - r.nextDouble();
        }
        return v;
    }

    /** The three thresholds of the golden files, by file name. */
    static java.util.Map<String, Threshold> thresholds() {
        java.util.Map<String, Threshold> m = new java.util.LinkedHashMap<>();
        double[] cal = calibrationLogProbs(5, 2000);
        m.put("threshold-static", StaticThreshold.calibrated(-14.5, cal));
        m.put("threshold-quantile", QuantileThreshold.fit(cal, 0.01));
        SpotThreshold spot = SpotThreshold.calibrate(cal, new SpotThreshold.Config(1e-3, 0.95,
                1000, 10));
        for (double v : calibrationLogProbs(6, 500)) {
            spot.observe(v);
        }
        m.put("threshold-spot", spot);
        return m;
    }

    /** Log-probabilities decided after the restore, covering both sides of every threshold. */
    static double[] probes() {
        return new double[] {-5, -9, -11, -12.5, -13.5, -14.5, -15, -17, -20, -40};
    }

    static byte[] resource(String name) {
        try (InputStream in = GoldenStates.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("golden file missing: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.vaeanomaly.eval.nab;

import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.TrainingRecipe;

/**
 * Our detector on one NAB series: the same {@link OnlineDetector} the Flink job runs per key, in
 * synchronous (deterministic) mode, learning online from the first row. The only warm-up is NAB's
 * probationary period: the first model is trained on it, and its rows score 0.
 *
 * <p>Features: a shingle of the last {@link #SHINGLE} values (Donut-style), so the model learns
 * the local shape of the series rather than single values.
 */
public final class NabDetector {
    /** Values per shingle. */
    public static final int SHINGLE = 8;
    /** Events between retrainings after the first model. */
    public static final int RETRAIN_EVERY = 4000;

    private NabDetector() {}

    /** The detector settings for a series with the given probationary length. */
    public static DetectorSettings settings(int probationaryRows) {
        // Events are counted from the first row, so the first model is trained exactly at the end
        // of the probationary period.
        int warmup = Math.max(SHINGLE + 10, probationaryRows);
        return new DetectorSettings(
                d -> VaeConfig.builder(d).hidden(32, 32).latentDim(4).build(),
                // No epoch cap: the automatic budget (60 epochs, raised until 600 steps fit)
                // gives the small probationary sample enough steps.
                TrainingRecipe.defaults().toBuilder()
                        .minSteps(600)
                        .batchSize(64)
                        .learningRate(3e-3)
                        .build(),
                new ScoringSettings(16, ScoreMode.LOG_MEAN_EXP, 1, 7),
                new ThresholdSettings(ThresholdSettings.Type.SPOT, 1e-3, 0.98, 0.999, -100),
                warmup,
                RETRAIN_EVERY,
                Math.max(warmup, 3000),
                SampleBuffer.Strategy.SLIDING_WINDOW,
                1.0,
                SHINGLE);
    }

    /** Anomaly scores in [0,1] for every row of {@code series}; probationary rows score 0. */
    public static double[] run(NabDataFile series) {
        int probation = series.probationaryRows();
        OnlineDetector det = new OnlineDetector(settings(probation), true);
        double[] values = series.values();
        double[][] rows = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            rows[i] = new double[] {values[i]};
        }
        Detection[] out = det.process(rows);
        double[] scores = new double[values.length];
        for (int i = probation; i < values.length; i++) {
            scores[i] = out[i].scored() ? out[i].anomalyScore() : 0.0;
        }
        return scores;
    }
}

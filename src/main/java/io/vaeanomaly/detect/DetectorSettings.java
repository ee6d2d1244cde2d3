package io.vaeanomaly.detect;

import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.function.IntFunction;

/**
 * Everything an {@link OnlineDetector} needs: architecture (as a function of the input dimension,
 * which is known only from the data), training recipe, scoring, threshold, and the retraining
 * policy.
 *
 * @param architecture builds the VAE config for an input dimension
 * @param recipe how each model is trained
 * @param scoring how events are scored
 * @param threshold how each model's threshold is calibrated
 * @param warmupEvents events collected before the first model is trained
 * @param retrainEveryEvents events between retrainings; 0 disables retraining
 * @param sampleSize capacity of the training sample
 * @param sampleStrategy reservoir or sliding window
 * @param promotionTolerance nats per row by which a challenger's held-out IWAE may trail the
 *     champion's on the same recent rows and still be promoted
 * @param shingleSize W of the sliding window over consecutive events (1 = off)
 * @param trainingThreads threads each training uses; 1 by default, so that training in a
 *     streaming job leaves the other cores to scoring (results do not depend on it)
 */
public record DetectorSettings(
        IntFunction<VaeConfig> architecture,
        TrainingRecipe recipe,
        ScoringSettings scoring,
        ThresholdSettings threshold,
        int warmupEvents,
        long retrainEveryEvents,
        int sampleSize,
        SampleBuffer.Strategy sampleStrategy,
        double promotionTolerance,
        int shingleSize,
        int trainingThreads) {

    /** Settings whose trainings run on one thread. */
    public DetectorSettings(
            IntFunction<VaeConfig> architecture,
            TrainingRecipe recipe,
            ScoringSettings scoring,
            ThresholdSettings threshold,
            int warmupEvents,
            long retrainEveryEvents,
            int sampleSize,
            SampleBuffer.Strategy sampleStrategy,
            double promotionTolerance,
            int shingleSize) {
        this(
                architecture,
                recipe,
                scoring,
                threshold,
                warmupEvents,
                retrainEveryEvents,
                sampleSize,
                sampleStrategy,
                promotionTolerance,
                shingleSize,
                1);
    }

    public DetectorSettings {
        if (warmupEvents < 10) {
            throw new IllegalArgumentException(
                    "warmup-events: must be >= 10 but was " + warmupEvents);
        }
        if (retrainEveryEvents < 0) {
            throw new IllegalArgumentException(
                    "retrain-every-events: must be >= 0 but was " + retrainEveryEvents);
        }
        if (sampleSize < warmupEvents) {
            throw new IllegalArgumentException(
                    "sample-size: must be >= warmup-events ("
                            + warmupEvents
                            + ") but was "
                            + sampleSize);
        }
        if (!(promotionTolerance >= 0)) {
            throw new IllegalArgumentException(
                    "promotion-tolerance: must be >= 0 but was " + promotionTolerance);
        }
        if (shingleSize < 1) {
            throw new IllegalArgumentException("shingle-size: must be >= 1 but was " + shingleSize);
        }
        if (trainingThreads < 1) {
            throw new IllegalArgumentException(
                    "training-threads: must be >= 1 but was " + trainingThreads);
        }
    }

    /** Defaults for multivariate metric streams with the default architecture. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(
                d -> VaeConfig.builder(d).build(),
                TrainingRecipe.defaults(),
                ScoringSettings.DEFAULT,
                ThresholdSettings.DEFAULT,
                2000,
                100_000,
                5000,
                SampleBuffer.Strategy.RESERVOIR,
                0.5,
                1);
    }
}

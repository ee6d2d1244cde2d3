package io.vaeanomaly.job;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.ModelOptions;
import io.vaeanomaly.config.ThresholdOptions;
import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.KlSchedule;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Maps the job configuration ({@code model}, {@code training}, {@code threshold} sections) onto
 * the core's {@link DetectorSettings}. Pure translation: every number the core uses comes from
 * the configuration or from the core's documented defaults (learning-rate warm-up, plateau decay,
 * gradient clipping, IWAE samples), which the configuration does not expose.
 *
 * <p>{@link DetectorSettings} holds a lambda and is not serialisable, so operators keep the
 * {@link JobConfig} and call {@link #settings} in {@code open()}.
 */
public final class DetectorSettingsFactory {
    private DetectorSettingsFactory() {}

    /**
     * The detector settings of the job.
     *
     * @throws ConfigException if a combination the core rejects slipped through validation; the
     *     message names the configuration key
     */
    public static DetectorSettings settings(JobConfig config) {
        TrainingOptions t = config.training();
        if (t.sampleSize() < t.warmupEvents()) {
            throw new ConfigException(
                    "training.sample-size",
                    "is " + t.sampleSize() + " but must be at least training.warmup-events ("
                            + t.warmupEvents() + "): the first model trains on the warm-up sample");
        }
        return new DetectorSettings(
                architecture(config.model()),
                recipe(t),
                scoring(config.model(), t),
                threshold(config.threshold()),
                t.warmupEvents(),
                t.retrainEveryEvents(),
                t.sampleSize(),
                t.sampleStrategy() == TrainingOptions.SampleStrategy.RESERVOIR
                        ? SampleBuffer.Strategy.RESERVOIR
                        : SampleBuffer.Strategy.SLIDING_WINDOW,
                t.promotionTolerance(),
                config.model().shingleSize());
    }

    /** The VAE architecture as a function of the input dimension (known only from the data). */
    public static IntFunction<VaeConfig> architecture(ModelOptions m) {
        int[] encoder = toArray(m.encoderHidden());
        int[] decoder = toArray(m.decoderHidden());
        int latent = m.latentDim();
        Activation activation = activation(m.activation());
        DecoderVariance variance =
                m.decoderVariance() == ModelOptions.DecoderVariance.PER_FEATURE
                        ? DecoderVariance.PER_FEATURE
                        : DecoderVariance.HETEROSCEDASTIC;
        double sigmaMin = m.sigmaMin();
        return d ->
                VaeConfig.builder(d)
                        .encoderHidden(encoder)
                        .decoderHidden(decoder)
                        .latentDim(latent)
                        .activation(activation)
                        .decoderVariance(variance)
                        .sigmaMin(sigmaMin)
                        .build();
    }

    /**
     * The training recipe: epochs, batches, learning rate, KL schedule, free bits, restarts. Each
     * training runs on one thread ({@link DetectorSettings#trainingThreads()}), so scoring keeps
     * the other cores.
     */
    public static TrainingRecipe recipe(TrainingOptions t) {
        return TrainingRecipe.builder()
                .name("config")
                .maxEpochs(t.epochs())
                .minSteps(t.minSteps())
                .batchSize(t.batchSize())
                .learningRate(t.learningRate())
                .klSchedule(klSchedule(t))
                .freeBits(t.freeBits())
                .restarts(t.restarts())
                .earlyStoppingPatience(t.earlyStoppingPatience())
                .heldoutFraction(t.heldoutFraction())
                .seed(t.seed())
                .build();
    }

    /** The KL weight schedule named by {@code training.kl-schedule}. */
    public static KlSchedule klSchedule(TrainingOptions t) {
        return switch (t.klSchedule()) {
            case CYCLICAL -> KlSchedule.cyclical(t.klCycles(), t.klRatio());
            case MONOTONIC -> KlSchedule.monotonic(t.klWarmupEpochs());
            case NONE -> KlSchedule.none();
        };
    }

    /** Scoring: latent samples, how they combine, reported features; seeded by training.seed. */
    public static ScoringSettings scoring(ModelOptions m, TrainingOptions t) {
        ScoreMode mode =
                m.scoreMode() == ModelOptions.ScoreMode.LOG_MEAN_EXP
                        ? ScoreMode.LOG_MEAN_EXP
                        : ScoreMode.MEAN_LOG;
        return new ScoringSettings(m.scoreSamples(), mode, m.topK(), t.seed());
    }

    /** The threshold type and its parameters. */
    public static ThresholdSettings threshold(ThresholdOptions o) {
        ThresholdSettings.Type type = switch (o.type()) {
            case SPOT -> ThresholdSettings.Type.SPOT;
            case QUANTILE -> ThresholdSettings.Type.QUANTILE;
            case STATIC -> ThresholdSettings.Type.STATIC;
        };
        return new ThresholdSettings(
                type, o.risk(), o.initialQuantile(), o.quantile(), o.staticLogProb());
    }

    private static Activation activation(ModelOptions.Activation a) {
        return switch (a) {
            case TANH -> Activation.TANH;
            case RELU -> Activation.RELU;
            case SOFTPLUS -> Activation.SOFTPLUS;
        };
    }

    private static int[] toArray(List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }
}

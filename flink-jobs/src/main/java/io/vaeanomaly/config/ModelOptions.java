package io.vaeanomaly.config;

import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ScoreMode;
import java.io.Serializable;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The {@code model} section: the Variational Autoencoder's shape and how it scores. Values are
 * the core's own types ({@link Activation}, {@link DecoderVariance}, {@link ScoreMode}) and the
 * defaults are the core's ({@link CoreDefaults}), except the decoder variance.
 *
 * @param scope one model for all events, or one per key
 * @param encoderHidden hidden layer widths of the encoder (may be empty)
 * @param decoderHidden hidden layer widths of the decoder (may be empty)
 * @param latentDim dimension of the latent space
 * @param activation hidden layer activation
 * @param decoderVariance how the decoder's output variance is modelled
 * @param sigmaMin floor on the decoder's standard deviation (in standardised units)
 * @param fixedSigma the decoder's standard deviation with {@link DecoderVariance#FIXED}
 * @param scoreSamples latent samples per event for the reconstruction probability
 * @param scoreMode how the per-sample log-likelihoods are combined
 * @param topK number of features reported as the largest contributors
 * @param shingleSize consecutive events (per key) concatenated into one input vector
 */
public record ModelOptions(
        Scope scope,
        List<Integer> encoderHidden,
        List<Integer> decoderHidden,
        int latentDim,
        Activation activation,
        DecoderVariance decoderVariance,
        double sigmaMin,
        double fixedSigma,
        int scoreSamples,
        ScoreMode scoreMode,
        int topK,
        int shingleSize)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How many models there are (a job concept: the core runs one detector per stream). */
    public enum Scope {
        /** One model for all events. */
        GLOBAL,
        /** One model per key, each with its own warm-up and threshold. */
        PER_KEY
    }

    public static final ConfigOption<Scope> SCOPE =
            ConfigOption.withDefault(
                    "model.scope",
                    ValueTypes.oneOf(Scope.class),
                    Scope.GLOBAL,
                    "One model for all events (global) or one per key (per-key).");
    public static final ConfigOption<List<Integer>> ENCODER_HIDDEN =
            ConfigOption.withDefault(
                    "model.encoder-hidden",
                    ValueTypes.positiveIntList(),
                    CoreDefaults.list(CoreDefaults.VAE.encoderHidden()),
                    "Hidden layer widths of the encoder.");
    public static final ConfigOption<List<Integer>> DECODER_HIDDEN =
            ConfigOption.withDefault(
                    "model.decoder-hidden",
                    ValueTypes.positiveIntList(),
                    CoreDefaults.list(CoreDefaults.VAE.decoderHidden()),
                    "Hidden layer widths of the decoder.");
    public static final ConfigOption<Integer> LATENT_DIM =
            ConfigOption.withDefault(
                    "model.latent-dim",
                    ValueTypes.positiveInt(),
                    CoreDefaults.VAE.latentDim(),
                    "Dimension of the latent space.");
    public static final ConfigOption<Activation> ACTIVATION =
            ConfigOption.withDefault(
                    "model.activation",
                    ValueTypes.oneOf(Activation.class),
                    CoreDefaults.VAE.activation(),
                    "Hidden layer activation.");
    /**
     * The job's one departure from the core's defaults: heteroscedastic, where the core (and the
     * offline {@code train} command) default to per-feature. The reconstruction probability of
     * An and Cho (2015) takes the decoder's variance for each input; a stream of host metrics is
     * noisier in some regimes (high load) than in others, and a per-feature variance would flag
     * the noisy regime's normal events. The job's measured results (demo, integration tests)
     * were made with this setting. To change the default for everything, change the core's
     * {@code VaeConfig.DEFAULT_DECODER_VARIANCE} and drop this exception.
     */
    public static final ConfigOption<DecoderVariance> DECODER_VARIANCE =
            ConfigOption.withDefault(
                    "model.decoder-variance",
                    ValueTypes.oneOf(DecoderVariance.class),
                    DecoderVariance.HETEROSCEDASTIC,
                    "Decoder variance: learned per input (heteroscedastic), learned per feature,"
                            + " or fixed.");
    public static final ConfigOption<Double> SIGMA_MIN =
            ConfigOption.withDefault(
                    "model.sigma-min",
                    ValueTypes.positiveNumber(),
                    CoreDefaults.VAE.sigmaMin(),
                    "Floor on the decoder's standard deviation, in standardised units.");
    public static final ConfigOption<Double> FIXED_SIGMA =
            ConfigOption.withDefault(
                    "model.fixed-sigma",
                    ValueTypes.positiveNumber(),
                    CoreDefaults.VAE.fixedSigma(),
                    "fixed: the decoder's standard deviation, in standardised units.");
    public static final ConfigOption<Integer> SCORE_SAMPLES =
            ConfigOption.withDefault(
                    "model.score-samples",
                    ValueTypes.positiveInt(),
                    CoreDefaults.SCORING.samples(),
                    "Latent samples drawn per event when scoring.");
    public static final ConfigOption<ScoreMode> SCORE_MODE =
            ConfigOption.withDefault(
                    "model.score-mode",
                    ValueTypes.oneOf(ScoreMode.class),
                    CoreDefaults.SCORING.mode(),
                    "Combine per-sample log-likelihoods by log-mean-exp or by their mean.");
    public static final ConfigOption<Integer> TOP_K =
            ConfigOption.withDefault(
                    "model.top-k",
                    ValueTypes.nonNegativeInt(),
                    CoreDefaults.SCORING.topK(),
                    "Features reported as the largest contributors to an anomaly; 0 = none.");
    public static final ConfigOption<Integer> SHINGLE_SIZE =
            ConfigOption.withDefault(
                    "model.shingle-size",
                    ValueTypes.positiveInt(),
                    CoreDefaults.DETECTOR.shingleSize(),
                    "Consecutive events per key concatenated into one input vector; 1 = none.");

    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    SCOPE,
                    ENCODER_HIDDEN,
                    DECODER_HIDDEN,
                    LATENT_DIM,
                    ACTIVATION,
                    DECODER_VARIANCE,
                    SIGMA_MIN,
                    FIXED_SIGMA,
                    SCORE_SAMPLES,
                    SCORE_MODE,
                    TOP_K,
                    SHINGLE_SIZE);

    /** Validates every field; messages name the {@code model.*} key. */
    public ModelOptions {
        SCOPE.check(scope);
        encoderHidden = List.copyOf(ENCODER_HIDDEN.check(encoderHidden));
        decoderHidden = List.copyOf(DECODER_HIDDEN.check(decoderHidden));
        LATENT_DIM.check(latentDim);
        ACTIVATION.check(activation);
        DECODER_VARIANCE.check(decoderVariance);
        SIGMA_MIN.check(sigmaMin);
        FIXED_SIGMA.check(fixedSigma);
        SCORE_SAMPLES.check(scoreSamples);
        SCORE_MODE.check(scoreMode);
        TOP_K.check(topK);
        SHINGLE_SIZE.check(shingleSize);
    }

    /**
     * The core's architecture for an input dimension (known only from the data), built with
     * {@link VaeConfig#builder}: every value not in this section is the builder's default.
     */
    public IntFunction<VaeConfig> architecture() {
        int[] encoder = toArray(encoderHidden);
        int[] decoder = toArray(decoderHidden);
        int latent = latentDim;
        Activation act = activation;
        DecoderVariance variance = decoderVariance;
        double floor = sigmaMin;
        double fixed = fixedSigma;
        return d -> VaeConfig.builder(d)
                .encoderHidden(encoder)
                .decoderHidden(decoder)
                .latentDim(latent)
                .activation(act)
                .decoderVariance(variance)
                .sigmaMin(floor)
                .fixedSigma(fixed)
                .build();
    }

    /**
     * The core's scoring settings.
     *
     * @param seed mixed into every event's noise seed (the job uses {@code training.seed})
     */
    public ScoringSettings scoring(long seed) {
        return new ScoringSettings(scoreSamples, scoreMode, topK, seed);
    }

    private static int[] toArray(List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static ModelOptions from(ConfigValues v) {
        return new ModelOptions(
                v.get(SCOPE),
                v.get(ENCODER_HIDDEN),
                v.get(DECODER_HIDDEN),
                v.get(LATENT_DIM),
                v.get(ACTIVATION),
                v.get(DECODER_VARIANCE),
                v.get(SIGMA_MIN),
                v.get(FIXED_SIGMA),
                v.get(SCORE_SAMPLES),
                v.get(SCORE_MODE),
                v.get(TOP_K),
                v.get(SHINGLE_SIZE));
    }
}

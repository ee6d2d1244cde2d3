package io.vaeanomaly.config;

import java.io.Serializable;
import java.util.List;

/**
 * The {@code model} section: the Variational Autoencoder's shape and how it scores.
 *
 * @param scope one model for all events, or one per key
 * @param encoderHidden hidden layer widths of the encoder (may be empty)
 * @param decoderHidden hidden layer widths of the decoder (may be empty)
 * @param latentDim dimension of the latent space
 * @param activation hidden layer activation
 * @param decoderVariance how the decoder's output variance is modelled
 * @param sigmaMin floor on the decoder's standard deviation (in standardised units)
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
        int scoreSamples,
        ScoreMode scoreMode,
        int topK,
        int shingleSize)
        implements Serializable {

    /** How many models there are. */
    public enum Scope {
        /** One model for all events. */
        GLOBAL,
        /** One model per key, each with its own warm-up and threshold. */
        PER_KEY
    }

    /** Hidden layer activation. */
    public enum Activation {
        TANH,
        RELU,
        SOFTPLUS
    }

    /** How the Gaussian decoder's variance is modelled. */
    public enum DecoderVariance {
        /** One learned variance per feature, independent of the input. */
        PER_FEATURE,
        /** The decoder outputs a variance per feature for each input. */
        HETEROSCEDASTIC
    }

    /** How the reconstruction log-likelihoods of the latent samples are combined. */
    public enum ScoreMode {
        /** log of the mean likelihood: a Monte-Carlo estimate of the reconstruction probability. */
        LOG_MEAN_EXP,
        /** mean of the log-likelihoods (the expected reconstruction log-likelihood). */
        MEAN_LOG
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
                    List.of(64, 64),
                    "Hidden layer widths of the encoder.");
    public static final ConfigOption<List<Integer>> DECODER_HIDDEN =
            ConfigOption.withDefault(
                    "model.decoder-hidden",
                    ValueTypes.positiveIntList(),
                    List.of(64, 64),
                    "Hidden layer widths of the decoder.");
    public static final ConfigOption<Integer> LATENT_DIM =
            ConfigOption.withDefault(
                    "model.latent-dim",
                    ValueTypes.positiveInt(),
                    8,
                    "Dimension of the latent space.");
    public static final ConfigOption<Activation> ACTIVATION =
            ConfigOption.withDefault(
                    "model.activation",
                    ValueTypes.oneOf(Activation.class),
                    Activation.TANH,
                    "Hidden layer activation.");
    public static final ConfigOption<DecoderVariance> DECODER_VARIANCE =
            ConfigOption.withDefault(
                    "model.decoder-variance",
                    ValueTypes.oneOf(DecoderVariance.class),
                    DecoderVariance.HETEROSCEDASTIC,
                    "Decoder variance: one learned value per feature, or output per input.");
    public static final ConfigOption<Double> SIGMA_MIN =
            ConfigOption.withDefault(
                    "model.sigma-min",
                    ValueTypes.positiveNumber(),
                    0.05,
                    "Floor on the decoder's standard deviation, in standardised units.");
    public static final ConfigOption<Integer> SCORE_SAMPLES =
            ConfigOption.withDefault(
                    "model.score-samples",
                    ValueTypes.positiveInt(),
                    16,
                    "Latent samples drawn per event when scoring.");
    public static final ConfigOption<ScoreMode> SCORE_MODE =
            ConfigOption.withDefault(
                    "model.score-mode",
                    ValueTypes.oneOf(ScoreMode.class),
                    ScoreMode.LOG_MEAN_EXP,
                    "Combine per-sample log-likelihoods by log-mean-exp or by their mean.");
    public static final ConfigOption<Integer> TOP_K =
            ConfigOption.withDefault(
                    "model.top-k",
                    ValueTypes.nonNegativeInt(),
                    3,
                    "Features reported as the largest contributors to an anomaly; 0 = none.");
    public static final ConfigOption<Integer> SHINGLE_SIZE =
            ConfigOption.withDefault(
                    "model.shingle-size",
                    ValueTypes.positiveInt(),
                    1,
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
        SCORE_SAMPLES.check(scoreSamples);
        SCORE_MODE.check(scoreMode);
        TOP_K.check(topK);
        SHINGLE_SIZE.check(shingleSize);
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
                v.get(SCORE_SAMPLES),
                v.get(SCORE_MODE),
                v.get(TOP_K),
                v.get(SHINGLE_SIZE));
    }
}

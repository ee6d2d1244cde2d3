package io.vaeanomaly.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The {@code training} section: when models are (re)trained, on what, and how.
 *
 * @param warmupEvents events collected (per model) before the first training
 * @param beforeFirstModel what happens to events that arrive before the first model
 * @param retrainEveryEvents retrain after this many events; 0 = off
 * @param retrainInterval retrain after this much processing time; zero = off
 * @param sampleSize events kept as the training sample
 * @param sampleStrategy how the sample is kept
 * @param epochs maximum epochs per restart, a hard cap; 0 = automatic (60, raised to reach
 *     minSteps)
 * @param minSteps with automatic epochs, the budget is raised until this many optimizer steps fit
 * @param batchSize mini-batch size
 * @param learningRate Adam learning rate
 * @param klSchedule KL weight schedule
 * @param klCycles cyclical: number of cycles
 * @param klRatio cyclical: fraction of a cycle spent increasing the weight
 * @param klWarmupEpochs monotonic: epochs to reach weight 1
 * @param freeBits minimum KL per latent dimension (nats) before it is penalised; 0 = off
 * @param restarts independent trainings; the best held-out ELBO wins
 * @param earlyStoppingPatience epochs without held-out improvement before stopping; 0 = off
 * @param heldoutFraction fraction of the sample held out for validation and promotion
 * @param seed random seed
 * @param deterministic reproducible, synchronous training
 * @param promotionTolerance how much worse (nats per row) a new model may be and still replace
 *     the current one
 * @param async train off the event-processing thread
 */
public record TrainingOptions(
        int warmupEvents,
        BeforeFirstModel beforeFirstModel,
        int retrainEveryEvents,
        Duration retrainInterval,
        int sampleSize,
        SampleStrategy sampleStrategy,
        int epochs,
        int minSteps,
        int batchSize,
        double learningRate,
        KlSchedule klSchedule,
        int klCycles,
        double klRatio,
        int klWarmupEpochs,
        double freeBits,
        int restarts,
        int earlyStoppingPatience,
        double heldoutFraction,
        int seed,
        boolean deterministic,
        double promotionTolerance,
        boolean async)
        implements Serializable {

    /** What happens to events that arrive before the first model is trained. */
    public enum BeforeFirstModel {
        /** Hold them (up to flink.max-buffered-events) and score them once the model exists. */
        BUFFER,
        /** Forward them unscored (they still enter the training sample). */
        PASS_THROUGH
    }

    /** How the training sample is kept. */
    public enum SampleStrategy {
        /** A uniform sample over everything seen (reservoir sampling). */
        RESERVOIR,
        /** The most recent events. */
        SLIDING_WINDOW
    }

    /** How the weight of the KL term evolves over the epochs. */
    public enum KlSchedule {
        /** Repeated ramps from 0 to 1 (Fu et al. 2019), against posterior collapse. */
        CYCLICAL,
        /** One linear ramp from 0 to 1 over kl-warmup-epochs. */
        MONOTONIC,
        /** Weight 1 throughout. */
        NONE
    }

    public static final ConfigOption<Integer> WARMUP_EVENTS =
            ConfigOption.withDefault(
                    "training.warmup-events",
                    ValueTypes.positiveInt(),
                    2000,
                    "Events collected (per model) before the first model is trained.");
    public static final ConfigOption<BeforeFirstModel> BEFORE_FIRST_MODEL =
            ConfigOption.withDefault(
                    "training.before-first-model",
                    ValueTypes.oneOf(BeforeFirstModel.class),
                    BeforeFirstModel.BUFFER,
                    "Events before the first model: buffer them and score them once it exists,"
                            + " or pass them through unscored.");
    public static final ConfigOption<Integer> RETRAIN_EVERY_EVENTS =
            ConfigOption.withDefault(
                    "training.retrain-every-events",
                    ValueTypes.nonNegativeInt(),
                    100_000,
                    "Retrain after this many events since the last training; 0 = off.");
    public static final ConfigOption<Duration> RETRAIN_INTERVAL =
            ConfigOption.withDefault(
                    "training.retrain-interval",
                    ValueTypes.duration(),
                    Duration.ZERO,
                    "Retrain after this much processing time since the last training; 0 = off.");
    public static final ConfigOption<Integer> SAMPLE_SIZE =
            ConfigOption.withDefault(
                    "training.sample-size",
                    ValueTypes.positiveInt(),
                    5000,
                    "Events kept as the training sample.");
    public static final ConfigOption<SampleStrategy> SAMPLE_STRATEGY =
            ConfigOption.withDefault(
                    "training.sample-strategy",
                    ValueTypes.oneOf(SampleStrategy.class),
                    SampleStrategy.RESERVOIR,
                    "reservoir (uniform over all events seen) or sliding-window (most recent).");
    public static final ConfigOption<Integer> EPOCHS =
            ConfigOption.withDefault(
                    "training.epochs",
                    ValueTypes.nonNegativeInt(),
                    0,
                    "Maximum training epochs per restart, a hard cap; 0 = automatic: 60, raised"
                            + " until min-steps optimizer steps fit (a small warm-up sample gives"
                            + " few steps per epoch).");
    public static final ConfigOption<Integer> MIN_STEPS =
            ConfigOption.withDefault(
                    "training.min-steps",
                    ValueTypes.nonNegativeInt(),
                    1500,
                    "With automatic epochs: the fewest optimizer steps a training may take;"
                            + " 0 = off. Never raises an explicit training.epochs.");
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOption.withDefault(
                    "training.batch-size", ValueTypes.positiveInt(), 128, "Mini-batch size.");
    public static final ConfigOption<Double> LEARNING_RATE =
            ConfigOption.withDefault(
                    "training.learning-rate",
                    ValueTypes.positiveNumber(),
                    0.001,
                    "Adam learning rate.");
    public static final ConfigOption<KlSchedule> KL_SCHEDULE =
            ConfigOption.withDefault(
                    "training.kl-schedule",
                    ValueTypes.oneOf(KlSchedule.class),
                    KlSchedule.CYCLICAL,
                    "KL weight schedule: cyclical annealing, monotonic warm-up, or none.");
    public static final ConfigOption<Integer> KL_CYCLES =
            ConfigOption.withDefault(
                    "training.kl-cycles",
                    ValueTypes.positiveInt(),
                    4,
                    "cyclical: number of annealing cycles over the epochs.");
    public static final ConfigOption<Double> KL_RATIO =
            ConfigOption.withDefault(
                    "training.kl-ratio",
                    ValueTypes.number().where(v -> v > 0 && v <= 1, "a number in (0, 1]"),
                    0.5,
                    "cyclical: fraction of each cycle spent raising the weight (the rest at 1).");
    public static final ConfigOption<Integer> KL_WARMUP_EPOCHS =
            ConfigOption.withDefault(
                    "training.kl-warmup-epochs",
                    ValueTypes.nonNegativeInt(),
                    10,
                    "monotonic: epochs over which the KL weight rises linearly from 0 to 1.");
    public static final ConfigOption<Double> FREE_BITS =
            ConfigOption.withDefault(
                    "training.free-bits",
                    ValueTypes.nonNegativeNumber(),
                    0.1,
                    "Minimum KL per latent dimension (nats) before it is penalised; 0 = off.");
    public static final ConfigOption<Integer> RESTARTS =
            ConfigOption.withDefault(
                    "training.restarts",
                    ValueTypes.positiveInt(),
                    1,
                    "Independent trainings with different seeds; the best held-out ELBO wins.");
    public static final ConfigOption<Integer> EARLY_STOPPING_PATIENCE =
            ConfigOption.withDefault(
                    "training.early-stopping-patience",
                    ValueTypes.nonNegativeInt(),
                    8,
                    "Stop after this many epochs without held-out improvement; 0 = off.");
    public static final ConfigOption<Double> HELDOUT_FRACTION =
            ConfigOption.withDefault(
                    "training.heldout-fraction",
                    ValueTypes.openInterval(0, 1),
                    0.2,
                    "Fraction of the sample held out to validate and compare models.");
    public static final ConfigOption<Integer> SEED =
            ConfigOption.withDefault(
                    "training.seed",
                    ValueTypes.integer(),
                    42,
                    "Random seed for initialisation, shuffling and sampling.");
    public static final ConfigOption<Boolean> DETERMINISTIC =
            ConfigOption.withDefault(
                    "training.deterministic",
                    ValueTypes.bool(),
                    false,
                    "Reproducible training (synchronous, fixed order); needs training.async:"
                            + " false.");
    public static final ConfigOption<Double> PROMOTION_TOLERANCE =
            ConfigOption.withDefault(
                    "training.promotion-tolerance",
                    ValueTypes.nonNegativeNumber(),
                    0.5,
                    "A retrained model replaces the current one unless its held-out ELBO is worse"
                            + " by more than this many nats per row.");
    public static final ConfigOption<Boolean> ASYNC =
            ConfigOption.withDefault(
                    "training.async",
                    ValueTypes.bool(),
                    true,
                    "Train off the event-processing thread; the current model keeps scoring.");

    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    WARMUP_EVENTS,
                    BEFORE_FIRST_MODEL,
                    RETRAIN_EVERY_EVENTS,
                    RETRAIN_INTERVAL,
                    SAMPLE_SIZE,
                    SAMPLE_STRATEGY,
                    EPOCHS,
                    MIN_STEPS,
                    BATCH_SIZE,
                    LEARNING_RATE,
                    KL_SCHEDULE,
                    KL_CYCLES,
                    KL_RATIO,
                    KL_WARMUP_EPOCHS,
                    FREE_BITS,
                    RESTARTS,
                    EARLY_STOPPING_PATIENCE,
                    HELDOUT_FRACTION,
                    SEED,
                    DETERMINISTIC,
                    PROMOTION_TOLERANCE,
                    ASYNC);

    /** Validates every field and their combination; messages name the {@code training.*} key. */
    public TrainingOptions {
        WARMUP_EVENTS.check(warmupEvents);
        BEFORE_FIRST_MODEL.check(beforeFirstModel);
        RETRAIN_EVERY_EVENTS.check(retrainEveryEvents);
        RETRAIN_INTERVAL.check(retrainInterval);
        SAMPLE_SIZE.check(sampleSize);
        SAMPLE_STRATEGY.check(sampleStrategy);
        EPOCHS.check(epochs);
        MIN_STEPS.check(minSteps);
        BATCH_SIZE.check(batchSize);
        LEARNING_RATE.check(learningRate);
        KL_SCHEDULE.check(klSchedule);
        KL_CYCLES.check(klCycles);
        KL_RATIO.check(klRatio);
        KL_WARMUP_EPOCHS.check(klWarmupEpochs);
        FREE_BITS.check(freeBits);
        RESTARTS.check(restarts);
        EARLY_STOPPING_PATIENCE.check(earlyStoppingPatience);
        HELDOUT_FRACTION.check(heldoutFraction);
        SEED.check(seed);
        DETERMINISTIC.check(deterministic);
        PROMOTION_TOLERANCE.check(promotionTolerance);
        ASYNC.check(async);
        // Which model scores which event depends on thread timing when training is async.
        if (deterministic && async) {
            throw new ConfigException(
                    ASYNC.key(), "must be false when training.deterministic is true");
        }
        // Both the training part and the held-out part of the first sample need rows.
        long heldout = Math.round(Math.min(warmupEvents, sampleSize) * heldoutFraction);
        if (heldout < 1 || heldout >= Math.min(warmupEvents, sampleSize)) {
            throw new ConfigException(
                    WARMUP_EVENTS.key(),
                    warmupEvents + " events leave no held-out or no training rows with"
                            + " training.heldout-fraction " + heldoutFraction);
        }
    }

    /** Whether retraining is triggered by event counts. */
    public boolean retrainsByEvents() {
        return retrainEveryEvents > 0;
    }

    /** Whether retraining is triggered by processing time. */
    public boolean retrainsByTime() {
        return !retrainInterval.isZero();
    }

    static TrainingOptions from(ConfigValues v) {
        return new TrainingOptions(
                v.get(WARMUP_EVENTS),
                v.get(BEFORE_FIRST_MODEL),
                v.get(RETRAIN_EVERY_EVENTS),
                v.get(RETRAIN_INTERVAL),
                v.get(SAMPLE_SIZE),
                v.get(SAMPLE_STRATEGY),
                v.get(EPOCHS),
                v.get(MIN_STEPS),
                v.get(BATCH_SIZE),
                v.get(LEARNING_RATE),
                v.get(KL_SCHEDULE),
                v.get(KL_CYCLES),
                v.get(KL_RATIO),
                v.get(KL_WARMUP_EPOCHS),
                v.get(FREE_BITS),
                v.get(RESTARTS),
                v.get(EARLY_STOPPING_PATIENCE),
                v.get(HELDOUT_FRACTION),
                v.get(SEED),
                v.get(DETERMINISTIC),
                v.get(PROMOTION_TOLERANCE),
                v.get(ASYNC));
    }
}

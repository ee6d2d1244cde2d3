package io.vaeanomaly.config;

import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.train.KlSchedule;
import io.vaeanomaly.train.TrainingRecipe;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The {@code training} section: when models are (re)trained, on what, and how. Values are the
 * core's own types ({@link SampleBuffer.Strategy}, {@link KlSchedule.Type}) and the defaults
 * the core's ({@link CoreDefaults}).
 *
 * @param warmupEvents events collected (per model) before the first training
 * @param beforeFirstModel what happens to events that arrive before the first model
 * @param maxBufferedEvents events held per operator instance while no model exists yet
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
        int maxBufferedEvents,
        int retrainEveryEvents,
        Duration retrainInterval,
        int sampleSize,
        SampleBuffer.Strategy sampleStrategy,
        int epochs,
        int minSteps,
        int batchSize,
        double learningRate,
        KlSchedule.Type klSchedule,
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
        /** Hold them (up to max-buffered-events) and score them once the model exists. */
        BUFFER,
        /** Forward them unscored (they still enter the training sample). */
        PASS_THROUGH
    }

    public static final ConfigOption<Integer> WARMUP_EVENTS =
            ConfigOption.withDefault(
                    "training.warmup-events",
                    ValueTypes.positiveInt(),
                    CoreDefaults.DETECTOR.warmupEvents(),
                    "Events collected (per model) before the first model is trained.");
    public static final ConfigOption<BeforeFirstModel> BEFORE_FIRST_MODEL =
            ConfigOption.withDefault(
                    "training.before-first-model",
                    ValueTypes.oneOf(BeforeFirstModel.class),
                    BeforeFirstModel.BUFFER,
                    "Events before the first model: buffer them and score them once it exists,"
                            + " or pass them through unscored.");
    public static final ConfigOption<Integer> MAX_BUFFERED_EVENTS =
            ConfigOption.withDefault(
                    "training.max-buffered-events",
                    ValueTypes.positiveInt(),
                    100_000,
                    "Events held per operator instance while waiting for the first model.");
    public static final ConfigOption<Integer> RETRAIN_EVERY_EVENTS =
            ConfigOption.withDefault(
                    "training.retrain-every-events",
                    ValueTypes.nonNegativeInt(),
                    (int) CoreDefaults.DETECTOR.retrainEveryEvents(),
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
                    CoreDefaults.DETECTOR.sampleSize(),
                    "Events kept as the training sample.");
    public static final ConfigOption<SampleBuffer.Strategy> SAMPLE_STRATEGY =
            ConfigOption.withDefault(
                    "training.sample-strategy",
                    ValueTypes.oneOf(SampleBuffer.Strategy.class),
                    CoreDefaults.DETECTOR.sampleStrategy(),
                    "reservoir (uniform over all events seen) or sliding-window (most recent).");
    public static final ConfigOption<Integer> EPOCHS =
            ConfigOption.withDefault(
                    "training.epochs",
                    ValueTypes.nonNegativeInt(),
                    CoreDefaults.RECIPE.maxEpochs(),
                    "Maximum training epochs per restart, a hard cap; 0 = automatic: 60, raised"
                            + " until min-steps optimizer steps fit (a small warm-up sample gives"
                            + " few steps per epoch).");
    public static final ConfigOption<Integer> MIN_STEPS =
            ConfigOption.withDefault(
                    "training.min-steps",
                    ValueTypes.nonNegativeInt(),
                    CoreDefaults.RECIPE.minSteps(),
                    "With automatic epochs: the fewest optimizer steps a training may take;"
                            + " 0 = off. Never raises an explicit training.epochs.");
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOption.withDefault(
                    "training.batch-size",
                    ValueTypes.positiveInt(),
                    CoreDefaults.RECIPE.batchSize(),
                    "Mini-batch size.");
    public static final ConfigOption<Double> LEARNING_RATE =
            ConfigOption.withDefault(
                    "training.learning-rate",
                    ValueTypes.positiveNumber(),
                    CoreDefaults.RECIPE.learningRate(),
                    "Adam learning rate.");
    public static final ConfigOption<KlSchedule.Type> KL_SCHEDULE =
            ConfigOption.withDefault(
                    "training.kl-schedule",
                    ValueTypes.oneOf(KlSchedule.Type.class),
                    CoreDefaults.RECIPE.klSchedule().type(),
                    "KL weight schedule: cyclical annealing, monotonic warm-up, or none.");
    public static final ConfigOption<Integer> KL_CYCLES =
            ConfigOption.withDefault(
                    "training.kl-cycles",
                    ValueTypes.positiveInt(),
                    CoreDefaults.schedule(KlSchedule.Type.CYCLICAL).cycles(),
                    "cyclical: number of annealing cycles over the epochs.");
    public static final ConfigOption<Double> KL_RATIO =
            ConfigOption.withDefault(
                    "training.kl-ratio",
                    ValueTypes.number().where(v -> v > 0 && v <= 1, "a number in (0, 1]"),
                    CoreDefaults.schedule(KlSchedule.Type.CYCLICAL).ratio(),
                    "cyclical: fraction of each cycle spent raising the weight (the rest at 1).");
    public static final ConfigOption<Integer> KL_WARMUP_EPOCHS =
            ConfigOption.withDefault(
                    "training.kl-warmup-epochs",
                    ValueTypes.nonNegativeInt(),
                    CoreDefaults.schedule(KlSchedule.Type.MONOTONIC).warmupEpochs(),
                    "monotonic: epochs over which the KL weight rises linearly from 0 to 1.");
    public static final ConfigOption<Double> FREE_BITS =
            ConfigOption.withDefault(
                    "training.free-bits",
                    ValueTypes.nonNegativeNumber(),
                    CoreDefaults.RECIPE.freeBits(),
                    "Minimum KL per latent dimension (nats) before it is penalised; 0 = off.");
    public static final ConfigOption<Integer> RESTARTS =
            ConfigOption.withDefault(
                    "training.restarts",
                    ValueTypes.positiveInt(),
                    CoreDefaults.RECIPE.restarts(),
                    "Independent trainings with different seeds; the best held-out ELBO wins.");
    public static final ConfigOption<Integer> EARLY_STOPPING_PATIENCE =
            ConfigOption.withDefault(
                    "training.early-stopping-patience",
                    ValueTypes.nonNegativeInt(),
                    CoreDefaults.RECIPE.earlyStoppingPatience(),
                    "Stop after this many epochs without held-out improvement; 0 = off.");
    public static final ConfigOption<Double> HELDOUT_FRACTION =
            ConfigOption.withDefault(
                    "training.heldout-fraction",
                    ValueTypes.openInterval(0, 1),
                    CoreDefaults.RECIPE.heldoutFraction(),
                    "Fraction of the sample held out to validate and compare models.");
    public static final ConfigOption<Integer> SEED =
            ConfigOption.withDefault(
                    "training.seed",
                    ValueTypes.integer(),
                    (int) CoreDefaults.RECIPE.seed(),
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
                    CoreDefaults.DETECTOR.promotionTolerance(),
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
                    MAX_BUFFERED_EVENTS,
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
        MAX_BUFFERED_EVENTS.check(maxBufferedEvents);
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
        if (beforeFirstModel == BeforeFirstModel.BUFFER && maxBufferedEvents < warmupEvents) {
            throw new ConfigException(
                    MAX_BUFFERED_EVENTS.key(),
                    "is " + maxBufferedEvents + " but must hold at least training.warmup-events ("
                            + warmupEvents + ") when training.before-first-model is buffer");
        }
        // Which model scores which event depends on thread timing when training is async.
        if (deterministic && async) {
            throw new ConfigException(
                    ASYNC.key(), "must be false when training.deterministic is true");
        }
        // A replay cannot reproduce when processing time passed.
        if (deterministic && !retrainInterval.isZero()) {
            throw new ConfigException(
                    RETRAIN_INTERVAL.key(),
                    "must be 0 when training.deterministic is true: processing time is not"
                            + " replayable (use training.retrain-every-events)");
        }
        // The first model trains on the warm-up sample.
        if (sampleSize < warmupEvents) {
            throw new ConfigException(
                    SAMPLE_SIZE.key(),
                    "is " + sampleSize + " but must be at least training.warmup-events ("
                            + warmupEvents + "): the first model trains on the warm-up sample");
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

    /**
     * The core's training recipe, built with {@link TrainingRecipe#builder}: every value not in
     * this section (learning-rate warm-up, plateau decay, gradient clipping, IWAE samples) is the
     * builder's default. Each training runs on one thread (the core's default
     * {@code DetectorSettings.trainingThreads}), so scoring keeps the other cores.
     */
    public TrainingRecipe recipe() {
        return TrainingRecipe.builder()
                .name("config")
                .maxEpochs(epochs)
                .minSteps(minSteps)
                .batchSize(batchSize)
                .learningRate(learningRate)
                .klSchedule(schedule())
                .freeBits(freeBits)
                .restarts(restarts)
                .earlyStoppingPatience(earlyStoppingPatience)
                .heldoutFraction(heldoutFraction)
                .seed(seed)
                .build();
    }

    /** The KL weight schedule named by {@code kl-schedule}, with its parameters. */
    public KlSchedule schedule() {
        return switch (klSchedule) {
            case CYCLICAL -> KlSchedule.cyclical(klCycles, klRatio);
            case MONOTONIC -> KlSchedule.monotonic(klWarmupEpochs);
            case NONE -> KlSchedule.none();
        };
    }

    static TrainingOptions from(ConfigValues v) {
        return new TrainingOptions(
                v.get(WARMUP_EVENTS),
                v.get(BEFORE_FIRST_MODEL),
                v.get(MAX_BUFFERED_EVENTS),
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

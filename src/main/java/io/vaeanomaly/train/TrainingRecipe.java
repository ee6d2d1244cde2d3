package io.vaeanomaly.train;

import java.util.Locale;

/**
 * How a VAE is trained: optimizer settings plus the convergence recipe that keeps training out of
 * poor local optima (KL annealing, free bits, early stopping on held-out ELBO, best-of-N restarts
 * by held-out IWAE). Immutable; validated at construction.
 *
 * <p>{@link #defaults()} is the recipe chosen by the convergence study: cyclical KL annealing (4
 * cycles, half of each rising) plus free bits of 0.1 nats per latent dimension.
 *
 * <p><b>Epoch budget.</b> An explicit {@link Builder#maxEpochs} is a hard maximum. Without one,
 * the budget is {@link #DEFAULT_MAX_EPOCHS}, raised until at least {@link #minSteps()} optimizer
 * steps fit (small samples give few steps per epoch); {@link #epochBudget} says which, and the
 * training report records it.
 */
public final class TrainingRecipe {
    /** The epoch budget when none is given (before {@link #minSteps()} raises it). */
    public static final int DEFAULT_MAX_EPOCHS = 60;
    /**
     * Small samples (a streaming warm-up of a few hundred rows) give few steps per epoch; without
     * an explicit epoch count, the budget is raised until at least this many optimizer steps are
     * possible.
     */
    public static final int DEFAULT_MIN_STEPS = 1500;
    /** The largest budget {@link #minSteps()} can raise the epochs to. */
    public static final int MAX_AUTO_EPOCHS = 100_000;
    public static final int DEFAULT_BATCH_SIZE = 128;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final int DEFAULT_LR_WARMUP_STEPS = 100;
    public static final int DEFAULT_PLATEAU_PATIENCE = 4;
    public static final double DEFAULT_PLATEAU_FACTOR = 0.5;
    public static final double DEFAULT_MIN_LEARNING_RATE = 1e-5;
    public static final double DEFAULT_CLIP_NORM = 10.0;
    public static final double DEFAULT_FREE_BITS = 0.1;
    public static final int DEFAULT_EARLY_STOPPING_PATIENCE = 8;
    public static final double DEFAULT_MIN_DELTA = 1e-3;
    public static final int DEFAULT_RESTARTS = 1;
    public static final double DEFAULT_HELDOUT_FRACTION = 0.2;
    public static final int DEFAULT_IWAE_SAMPLES = 32;
    public static final int DEFAULT_DIAGNOSTIC_ROWS = 1024;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_MIN_ACTIVE_UNITS = 1;
    /**
     * Samples per held-out row of the per-epoch ELBO: with the same evaluation noise every epoch,
     * a few are enough to compare epochs (early stopping, plateau decay).
     */
    public static final int DEFAULT_ELBO_SAMPLES = 4;
    /**
     * Epochs between the expensive held-out diagnostics (IWAE bound, mutual information), taken
     * only at full KL weight; the final evaluation always has them.
     */
    public static final int DEFAULT_DIAGNOSTICS_EVERY = 10;
    /** Training threads: 0 means one per available processor. */
    public static final int DEFAULT_THREADS = 0;

    private final String name;
    private final int maxEpochs;
    private final int minSteps;
    private final int batchSize;
    private final double learningRate;
    private final int lrWarmupSteps;
    private final int plateauPatience;
    private final double plateauFactor;
    private final double minLearningRate;
    private final double clipNorm;
    private final KlSchedule klSchedule;
    private final double freeBits;
    private final int earlyStoppingPatience;
    private final double minDelta;
    private final int restarts;
    private final double heldoutFraction;
    private final int iwaeSamples;
    private final int diagnosticRows;
    private final long seed;
    private final int minActiveUnits;
    private final int elboSamples;
    private final int diagnosticsEvery;
    private final int threads;

    private TrainingRecipe(Builder b) {
        name = b.name;
        maxEpochs = nonNegative("epochs", b.maxEpochs);
        minSteps = nonNegative("min-steps", b.minSteps);
        batchSize = positive("batch-size", b.batchSize);
        learningRate = positive("learning-rate", b.learningRate);
        lrWarmupSteps = nonNegative("lr-warmup-steps", b.lrWarmupSteps);
        plateauPatience = positive("plateau-patience", b.plateauPatience);
        if (!(b.plateauFactor > 0 && b.plateauFactor <= 1)) {
            throw new IllegalArgumentException(
                    "plateau-factor: must be in (0, 1] but was " + b.plateauFactor);
        }
        plateauFactor = b.plateauFactor;
        minLearningRate = positive("min-learning-rate", b.minLearningRate);
        clipNorm = positive("clip-norm", b.clipNorm);
        klSchedule = java.util.Objects.requireNonNull(b.klSchedule, "kl-schedule");
        if (!(b.freeBits >= 0) || !Double.isFinite(b.freeBits)) {
            throw new IllegalArgumentException("free-bits: must be >= 0 but was " + b.freeBits);
        }
        freeBits = b.freeBits;
        earlyStoppingPatience = nonNegative("early-stopping-patience", b.earlyStoppingPatience);
        if (!(b.minDelta >= 0)) {
            throw new IllegalArgumentException("min-delta: must be >= 0 but was " + b.minDelta);
        }
        minDelta = b.minDelta;
        restarts = positive("restarts", b.restarts);
        if (!(b.heldoutFraction > 0 && b.heldoutFraction < 1)) {
            throw new IllegalArgumentException(
                    "heldout-fraction: must be in (0, 1) but was " + b.heldoutFraction);
        }
        heldoutFraction = b.heldoutFraction;
        iwaeSamples = positive("iwae-samples", b.iwaeSamples);
        diagnosticRows = positive("diagnostic-rows", b.diagnosticRows);
        seed = b.seed;
        minActiveUnits = nonNegative("min-active-units", b.minActiveUnits);
        elboSamples = positive("elbo-samples", b.elboSamples);
        diagnosticsEvery = nonNegative("diagnostics-every", b.diagnosticsEvery);
        threads = nonNegative("threads", b.threads);
    }

    private static int positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + ": must be >= 1 but was " + v);
        }
        return v;
    }

    private static double positive(String key, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + ": must be > 0 but was " + v);
        }
        return v;
    }

    private static int nonNegative(String key, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(key + ": must be >= 0 but was " + v);
        }
        return v;
    }

    /** The default recipe: cyclical annealing, free bits, early stopping. */
    public static TrainingRecipe defaults() {
        return builder().build();
    }

    /** No annealing, no free bits: the recipe that collapses. Early stopping still applies. */
    public static TrainingRecipe plain() {
        return builder().name("plain").klSchedule(KlSchedule.none()).freeBits(0).build();
    }

    /** Monotonic KL warm-up over 10 epochs, no free bits. */
    public static TrainingRecipe warmup() {
        return builder().name("warmup").klSchedule(KlSchedule.monotonic(10)).freeBits(0).build();
    }

    /** Cyclical annealing only. */
    public static TrainingRecipe cyclical() {
        return builder()
                .name("cyclical")
                .klSchedule(KlSchedule.cyclical(4, 0.5))
                .freeBits(0)
                .build();
    }

    /** Free bits only. */
    public static TrainingRecipe freeBitsOnly() {
        return builder().name("freebits").klSchedule(KlSchedule.none()).build();
    }

    /** A named preset: plain, warmup, cyclical, freebits or default. */
    public static TrainingRecipe preset(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "plain" -> plain();
            case "warmup" -> warmup();
            case "cyclical" -> cyclical();
            case "freebits" -> freeBitsOnly();
            case "default" -> defaults();
            default ->
                    throw new IllegalArgumentException(
                            "recipe: unknown preset '"
                                    + name
                                    + "', expected plain, warmup, cyclical, freebits or default");
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .maxEpochs(maxEpochs)
                .minSteps(minSteps)
                .batchSize(batchSize)
                .learningRate(learningRate)
                .lrWarmupSteps(lrWarmupSteps)
                .plateauPatience(plateauPatience)
                .plateauFactor(plateauFactor)
                .minLearningRate(minLearningRate)
                .clipNorm(clipNorm)
                .klSchedule(klSchedule)
                .freeBits(freeBits)
                .earlyStoppingPatience(earlyStoppingPatience)
                .minDelta(minDelta)
                .restarts(restarts)
                .heldoutFraction(heldoutFraction)
                .iwaeSamples(iwaeSamples)
                .diagnosticRows(diagnosticRows)
                .seed(seed)
                .minActiveUnits(minActiveUnits)
                .elboSamples(elboSamples)
                .diagnosticsEvery(diagnosticsEvery)
                .threads(threads);
    }

    public String name() {
        return name;
    }

    /** The explicit epoch maximum, or 0 when the budget is automatic (see {@link #epochBudget}). */
    public int maxEpochs() {
        return maxEpochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public int minSteps() {
        return minSteps;
    }

    /**
     * The epoch budget for a training set of {@code rows}: the explicit maximum when there is one;
     * else {@link #DEFAULT_MAX_EPOCHS}, raised (up to {@link #MAX_AUTO_EPOCHS}) until {@link
     * #minSteps()} optimizer steps fit.
     */
    public int epochBudget(int rows) {
        if (maxEpochs > 0) {
            return maxEpochs;
        }
        long stepsPerEpoch = (rows + Math.min(batchSize, rows) - 1) / Math.min(batchSize, rows);
        long needed = (minSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        return (int) Math.max(DEFAULT_MAX_EPOCHS, Math.min(needed, MAX_AUTO_EPOCHS));
    }

    /** Rows held out of a sample of {@code rows} (at least one). */
    public int heldoutRows(int rows) {
        return Math.max(1, (int) Math.round(rows * heldoutFraction));
    }

    /** Rows left for gradient steps in a sample of {@code rows}. */
    public int trainRows(int rows) {
        return rows - heldoutRows(rows);
    }

    public double learningRate() {
        return learningRate;
    }

    public int lrWarmupSteps() {
        return lrWarmupSteps;
    }

    public int plateauPatience() {
        return plateauPatience;
    }

    public double plateauFactor() {
        return plateauFactor;
    }

    public double minLearningRate() {
        return minLearningRate;
    }

    public double clipNorm() {
        return clipNorm;
    }

    public KlSchedule klSchedule() {
        return klSchedule;
    }

    public double freeBits() {
        return freeBits;
    }

    public int earlyStoppingPatience() {
        return earlyStoppingPatience;
    }

    public double minDelta() {
        return minDelta;
    }

    public int restarts() {
        return restarts;
    }

    public double heldoutFraction() {
        return heldoutFraction;
    }

    public int iwaeSamples() {
        return iwaeSamples;
    }

    public int diagnosticRows() {
        return diagnosticRows;
    }

    public long seed() {
        return seed;
    }

    public int minActiveUnits() {
        return minActiveUnits;
    }

    /** Samples per held-out row of the per-epoch ELBO. */
    public int elboSamples() {
        return elboSamples;
    }

    /** Epochs between IWAE and mutual-information diagnostics; 0 = only at the end. */
    public int diagnosticsEvery() {
        return diagnosticsEvery;
    }

    /** Training threads as configured: 0 means one per available processor. */
    public int threads() {
        return threads;
    }

    /** The number of training threads this recipe runs on, on this machine. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private String name = "default";
        private int maxEpochs = 0;
        private int minSteps = DEFAULT_MIN_STEPS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private int lrWarmupSteps = DEFAULT_LR_WARMUP_STEPS;
        private int plateauPatience = DEFAULT_PLATEAU_PATIENCE;
        private double plateauFactor = DEFAULT_PLATEAU_FACTOR;
        private double minLearningRate = DEFAULT_MIN_LEARNING_RATE;
        private double clipNorm = DEFAULT_CLIP_NORM;
        private KlSchedule klSchedule = KlSchedule.cyclical(4, 0.5);
        private double freeBits = DEFAULT_FREE_BITS;
        private int earlyStoppingPatience = DEFAULT_EARLY_STOPPING_PATIENCE;
        private double minDelta = DEFAULT_MIN_DELTA;
        private int restarts = DEFAULT_RESTARTS;
        private double heldoutFraction = DEFAULT_HELDOUT_FRACTION;
        private int iwaeSamples = DEFAULT_IWAE_SAMPLES;
        private int diagnosticRows = DEFAULT_DIAGNOSTIC_ROWS;
        private long seed = DEFAULT_SEED;
        private int minActiveUnits = DEFAULT_MIN_ACTIVE_UNITS;
        private int elboSamples = DEFAULT_ELBO_SAMPLES;
        private int diagnosticsEvery = DEFAULT_DIAGNOSTICS_EVERY;
        private int threads = DEFAULT_THREADS;

        public Builder name(String v) {
            name = v;
            return this;
        }

        /**
         * A hard maximum of epochs per restart; 0 (the default) makes the budget automatic:
         * {@link #DEFAULT_MAX_EPOCHS}, raised to reach {@link #minSteps}.
         */
        public Builder maxEpochs(int v) {
            maxEpochs = v;
            return this;
        }

        /**
         * Minimum optimizer steps when the epoch budget is automatic: it is raised to allow them
         * (0 = off). Never raises an explicit {@link #maxEpochs}.
         */
        public Builder minSteps(int v) {
            minSteps = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder lrWarmupSteps(int v) {
            lrWarmupSteps = v;
            return this;
        }

        public Builder plateauPatience(int v) {
            plateauPatience = v;
            return this;
        }

        public Builder plateauFactor(double v) {
            plateauFactor = v;
            return this;
        }

        public Builder minLearningRate(double v) {
            minLearningRate = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder klSchedule(KlSchedule v) {
            klSchedule = v;
            return this;
        }

        public Builder freeBits(double v) {
            freeBits = v;
            return this;
        }

        /** Epochs without held-out ELBO improvement before stopping; 0 disables. */
        public Builder earlyStoppingPatience(int v) {
            earlyStoppingPatience = v;
            return this;
        }

        public Builder minDelta(double v) {
            minDelta = v;
            return this;
        }

        public Builder restarts(int v) {
            restarts = v;
            return this;
        }

        public Builder heldoutFraction(double v) {
            heldoutFraction = v;
            return this;
        }

        public Builder iwaeSamples(int v) {
            iwaeSamples = v;
            return this;
        }

        /** Cap on the held-out rows evaluated each epoch (the final evaluation uses all). */
        public Builder diagnosticRows(int v) {
            diagnosticRows = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Fewer active units than this gives the verdict collapsed. */
        public Builder minActiveUnits(int v) {
            minActiveUnits = v;
            return this;
        }

        /** Samples per held-out row of the per-epoch ELBO. */
        public Builder elboSamples(int v) {
            elboSamples = v;
            return this;
        }

        /** Epochs between IWAE and mutual-information diagnostics; 0 = only at the end. */
        public Builder diagnosticsEvery(int v) {
            diagnosticsEvery = v;
            return this;
        }

        /**
         * Training threads (0 = one per available processor). Results do not depend on it: the
         * minibatch is split into fixed shards whatever the thread count.
         */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public TrainingRecipe build() {
            return new TrainingRecipe(this);
        }
    }
}

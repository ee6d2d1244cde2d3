package io.vaeanomaly.train;

import java.util.Locale;

/**
 * The KL weight beta as a function of the training step.
 *
 * <ul>
 *   <li>{@code NONE}: beta = betaMax from the first step.
 *   <li>{@code MONOTONIC}: linear warm-up from 0 to betaMax over {@code warmupEpochs}, then flat
 *       (Bowman et al. 2016).
 *   <li>{@code CYCLICAL}: {@code cycles} cycles over the whole run; in each, beta rises linearly
 *       over the first {@code ratio} of the cycle and stays at betaMax for the rest (Fu et al.
 *       2019).
 * </ul>
 *
 * @param type the schedule type
 * @param betaMax the final KL weight (1 gives the true ELBO)
 * @param warmupEpochs epochs of the monotonic warm-up
 * @param cycles number of cycles M of the cyclical schedule
 * @param ratio share R of each cycle spent rising
 */
public record KlSchedule(Type type, double betaMax, int warmupEpochs, int cycles, double ratio) {

    /** Schedule types. */
    public enum Type {
        NONE,
        MONOTONIC,
        CYCLICAL;

        public static Type parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "kl-schedule: unknown value '" + s + "', expected none, monotonic or cyclical");
            }
        }
    }

    public KlSchedule {
        if (type == null) {
            throw new IllegalArgumentException("kl-schedule: type must not be null");
        }
        if (!(betaMax > 0) || !Double.isFinite(betaMax)) {
            throw new IllegalArgumentException("kl-schedule: betaMax must be > 0 but was " + betaMax);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException(
                    "kl-warmup-epochs: must be >= 0 but was " + warmupEpochs);
        }
        if (cycles < 1) {
            throw new IllegalArgumentException("kl-cycles: must be >= 1 but was " + cycles);
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("kl-ratio: must be in (0, 1] but was " + ratio);
        }
    }

    public static KlSchedule none() {
        return new KlSchedule(Type.NONE, 1.0, 0, 1, 1.0);
    }

    public static KlSchedule monotonic(int warmupEpochs) {
        return new KlSchedule(Type.MONOTONIC, 1.0, warmupEpochs, 1, 1.0);
    }

    public static KlSchedule cyclical(int cycles, double ratio) {
        return new KlSchedule(Type.CYCLICAL, 1.0, 0, cycles, ratio);
    }

    /**
     * Beta at a step.
     *
     * @param step 0-based optimizer step
     * @param stepsPerEpoch steps in one epoch
     * @param totalSteps planned steps of the whole run
     */
    public double beta(long step, long stepsPerEpoch, long totalSteps) {
        return switch (type) {
            case NONE -> betaMax;
            case MONOTONIC -> {
                long warm = warmupEpochs * stepsPerEpoch;
                yield warm == 0 ? betaMax : betaMax * Math.min(1.0, (double) (step + 1) / warm);
            }
            case CYCLICAL -> {
                double period = Math.max(1.0, (double) totalSteps / cycles);
                double tau = (step % (long) Math.ceil(period)) / period;
                yield betaMax * Math.min(1.0, tau / ratio);
            }
        };
    }
}

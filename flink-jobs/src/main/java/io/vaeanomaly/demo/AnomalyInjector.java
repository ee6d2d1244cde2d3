package io.vaeanomaly.demo;

import io.vaeanomaly.demo.FeatureCatalog.Group;
import io.vaeanomaly.demo.FeatureCatalog.Latents;
import io.vaeanomaly.demo.FeatureCatalog.Spec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Schedules and applies anomaly episodes for one host. Uses its own {@link Random}, separate
 * from the host's normal process, so the values of normal events do not depend on whether or
 * where anomalies are injected.
 *
 * <p>Sizes (in units of the host's normal standard deviation of the metric, daily cycle
 * included): spikes +6..9 sd for 1..3 ticks; level shifts 4.5..6 sd for 10..30 ticks; broken
 * correlation moves the metric's latent by 0.45..0.6 of the load range (many noise sd, while the
 * value itself stays plausible) for 10..30 ticks; stuck metrics read exactly 0 for 10..30 ticks,
 * chosen only among metrics whose normal mean is at least 6 sd above 0.
 */
final class AnomalyInjector {
    private static final int COOLDOWN_TICKS = 40;
    private static final double P_SPIKE = 0.4;
    private static final double MEAN_SPIKE_TICKS = 2;
    private static final double MEAN_EPISODE_TICKS = 20;

    private final List<Spec> specs;
    private final HostProcess host;
    private final NormalProfile profile;
    private final Random rng;
    private final double startProbability;
    private final Map<AnomalyKind, List<Integer>> candidates = new EnumMap<>(AnomalyKind.class);

    private Episode active;
    private long cooldownUntil;

    /** One running anomaly. */
    private static final class Episode {
        final AnomalyKind kind;
        final long endTick;
        final int[] features;
        final double[] offsets;
        double altLatent;
        double altSign;

        Episode(AnomalyKind kind, long endTick, int[] features, double[] offsets) {
            this.kind = kind;
            this.endTick = endTick;
            this.features = features;
            this.offsets = offsets;
        }
    }

    AnomalyInjector(List<Spec> specs, HostProcess host, NormalProfile profile, long seed,
                    double anomalyRate) {
        this.specs = specs;
        this.host = host;
        this.profile = profile;
        this.rng = new Random(seed);
        findCandidates();
        this.startProbability = startProbability(anomalyRate);
    }

    /**
     * Possibly starts an episode at the host's current tick and applies the active one to
     * {@code values} (normal values on entry). Returns the active kind, or null.
     *
     * @param anomaliesAllowed false during warm-up: no episode may start
     * @param affected receives the names of the changed metrics
     */
    AnomalyKind apply(double[] values, boolean anomaliesAllowed, List<String> affected) {
        long tick = host.tick();
        if (active != null && tick > active.endTick) {
            active = null;
            cooldownUntil = tick + COOLDOWN_TICKS;
        }
        if (active == null && anomaliesAllowed && tick >= cooldownUntil
                && rng.nextDouble() < startProbability) {
            active = start(tick);
        }
        if (active == null) {
            return null;
        }
        Latents l = host.latents();
        for (int k = 0; k < active.features.length; k++) {
            int f = active.features[k];
            double v;
            switch (active.kind) {
                case SPIKE:
                case LEVEL_SHIFT:
                    v = values[f] + active.offsets[k];
                    break;
                case BROKEN_CORRELATION:
                    // The latent the metric now follows wanders on its own, far from the host's
                    // real one (re-centred if the real one comes close, which a short simulated
                    // day can cause); the metric's noise is kept.
                    boolean disk = specs.get(f).group() == Group.DISK;
                    double real = disk ? l.disk() : l.load();
                    active.altLatent += 0.01 * rng.nextGaussian();
                    if (active.altSign * (active.altLatent - real) < 0.45) {
                        active.altLatent = real + active.altSign * 0.5;
                    }
                    double alt = Math.max(0.0, Math.min(1.2, active.altLatent));
                    Latents decoupled = disk ? l.withDisk(alt) : l.withLoad(alt);
                    v = host.expectedValue(f, decoupled) + host.noiseValue(f);
                    break;
                case STUCK:
                    v = 0.0;
                    break;
                default:
                    throw new IllegalStateException("unknown kind " + active.kind);
            }
            values[f] = specs.get(f).clip(v);
            affected.add(specs.get(f).name());
        }
        return active.kind;
    }

    private Episode start(long tick) {
        AnomalyKind kind = chooseKind();
        if (kind == null) {
            return null;
        }
        List<Integer> pool = candidates.get(kind);
        switch (kind) {
            case SPIKE: {
                int n = 1 + rng.nextInt(Math.min(3, pool.size()));
                int[] fs = pick(pool, n);
                double[] off = new double[n];
                for (int k = 0; k < n; k++) {
                    off[k] = uniform(6, 9) * profile.sd(fs[k]);
                }
                return new Episode(kind, tick + rng.nextInt(3), fs, off);
            }
            case LEVEL_SHIFT: {
                int first = pool.get(rng.nextInt(pool.size()));
                List<Integer> sameGroup = new ArrayList<>();
                for (int f : pool) {
                    if (f != first && specs.get(f).group() == specs.get(first).group()
                            && specs.get(f).group() != Group.OTHER) {
                        sameGroup.add(f);
                    }
                }
                int[] fs = !sameGroup.isEmpty() && rng.nextBoolean()
                        ? new int[] {first, sameGroup.get(rng.nextInt(sameGroup.size()))}
                        : new int[] {first};
                double[] off = new double[fs.length];
                double size = uniform(4.5, 6);
                for (int k = 0; k < fs.length; k++) {
                    double dir = profile.roomAbove(specs, fs[k], 8) ? 1 : -1;
                    off[k] = dir * size * profile.sd(fs[k]);
                }
                return new Episode(kind, endAfter(tick), fs, off);
            }
            case BROKEN_CORRELATION: {
                int f = pool.get(rng.nextInt(pool.size()));
                Latents l = host.latents();
                double current = specs.get(f).group() == Group.DISK ? l.disk() : l.load();
                double jump = uniform(0.5, 0.65);
                Episode e = new Episode(kind, endAfter(tick), new int[] {f}, new double[1]);
                e.altSign = current < 0.5 ? 1 : -1;
                e.altLatent = current + e.altSign * jump;
                return e;
            }
            case STUCK: {
                int f = pool.get(rng.nextInt(pool.size()));
                return new Episode(kind, endAfter(tick), new int[] {f}, new double[1]);
            }
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /** Spikes 40 %, the three longer kinds 20 % each, among the kinds this host supports. */
    private AnomalyKind chooseKind() {
        double total = 0;
        for (AnomalyKind k : candidates.keySet()) {
            total += weight(k);
        }
        if (total == 0) {
            return null;
        }
        double u = rng.nextDouble() * total;
        for (AnomalyKind k : candidates.keySet()) {
            u -= weight(k);
            if (u < 0) {
                return k;
            }
        }
        return candidates.keySet().iterator().next();
    }

    private static double weight(AnomalyKind k) {
        return k == AnomalyKind.SPIKE ? P_SPIKE : (1 - P_SPIKE) / 3;
    }

    /**
     * Chooses the per-tick start probability so that the expected labelled fraction equals the
     * rate: fraction = E[duration] / (E[duration] + cooldown + 1 / p).
     */
    private double startProbability(double rate) {
        if (rate <= 0 || candidates.isEmpty()) {
            return 0;
        }
        double total = 0;
        double weighted = 0;
        for (AnomalyKind k : candidates.keySet()) {
            total += weight(k);
            weighted += weight(k)
                    * (k == AnomalyKind.SPIKE ? MEAN_SPIKE_TICKS : MEAN_EPISODE_TICKS);
        }
        double meanDuration = weighted / total;
        double waitTicks = meanDuration / rate - meanDuration - COOLDOWN_TICKS;
        return waitTicks <= 1 ? 1 : 1 / waitTicks;
    }

    private void findCandidates() {
        Map<Group, Integer> groupSizes = new EnumMap<>(Group.class);
        for (Spec s : specs) {
            groupSizes.merge(s.group(), 1, Integer::sum);
        }
        List<Integer> spike = new ArrayList<>();
        List<Integer> shift = new ArrayList<>();
        List<Integer> broken = new ArrayList<>();
        List<Integer> stuck = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            if (s.spikeable() && profile.roomAbove(specs, i, 12)) {
                spike.add(i);
            }
            if (profile.roomAbove(specs, i, 8) || profile.roomBelow(specs, i, 8)) {
                shift.add(i);
            }
            if (s.decouplable() && groupSizes.get(s.group()) >= 3) {
                broken.add(i);
            }
            if (s.lower() == 0 && profile.mean(i) >= 6 * profile.sd(i)) {
                stuck.add(i);
            }
        }
        put(AnomalyKind.SPIKE, spike);
        put(AnomalyKind.LEVEL_SHIFT, shift);
        put(AnomalyKind.BROKEN_CORRELATION, broken);
        put(AnomalyKind.STUCK, stuck);
    }

    private void put(AnomalyKind kind, List<Integer> pool) {
        if (!pool.isEmpty()) {
            candidates.put(kind, List.copyOf(pool));
        }
    }

    private int[] pick(List<Integer> pool, int n) {
        List<Integer> copy = new ArrayList<>(pool);
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = copy.remove(rng.nextInt(copy.size()));
        }
        return out;
    }

    /** Last tick of an episode of 10..30 ticks (mean 20) starting at {@code tick}. */
    private long endAfter(long tick) {
        return tick + 10 + rng.nextInt(21) - 1;
    }

    private double uniform(double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}

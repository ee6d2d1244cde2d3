package io.vaeanomaly.demo;

import io.vaeanomaly.demo.FeatureCatalog.Latents;
import io.vaeanomaly.demo.FeatureCatalog.Spec;
import java.util.List;
import java.util.Random;

/**
 * The normal (anomaly-free) behaviour of one host: latent processes with a daily cycle and
 * autocorrelated noise, and the metrics derived from them.
 *
 * <p>Latents per tick: load follows the day (low at night, peak after noon) plus an AR(1)
 * wander; memory pressure drifts slowly and rises with load; disk activity follows load plus a
 * nightly backup burst around 03:00; temperature is a lagged average of load; three
 * independent AR(1) processes drive metrics that belong to no group. Uses only its own
 * {@link Random}, so injected anomalies never change the normal values.
 */
final class HostProcess {
    private static final double TWO_PI = 2 * Math.PI;

    private final List<Spec> specs;
    private final int ticksPerDay;
    private final Random noise;
    // Host personality, drawn once.
    private final double phase;
    private final double loadBase;
    private final double loadAmp;
    private final double memBase;
    private final double[] gain;
    // State.
    private long tick = -1;
    private double arLoad;
    private double arMem;
    private double arDisk;
    private double heatEma;
    private double steal;
    private double dns;
    private double ntp;
    private Latents latents;
    private final double[] expected;
    private final double[] noiseValues;

    HostProcess(List<Spec> specs, int ticksPerDay, long personalitySeed, long noiseSeed) {
        this.specs = specs;
        this.ticksPerDay = ticksPerDay;
        Random p = new Random(personalitySeed);
        this.phase = uniform(p, -0.4, 0.4);
        this.loadBase = uniform(p, 0.08, 0.18);
        this.loadAmp = uniform(p, 0.55, 0.70);
        this.memBase = uniform(p, 0.30, 0.45);
        this.gain = new double[specs.size()];
        for (int i = 0; i < gain.length; i++) {
            gain[i] = uniform(p, 0.9, 1.1);
        }
        this.noise = new Random(noiseSeed);
        this.expected = new double[specs.size()];
        this.noiseValues = new double[specs.size()];
        this.heatEma = loadBase + loadAmp * 0.5;
    }

    /** Advances one tick and computes expected values and noise of every metric. */
    void step() {
        tick++;
        double dayFraction = (double) (tick % ticksPerDay) / ticksPerDay;
        double theta = TWO_PI * dayFraction + phase;
        double day = 0.5 - 0.5 * Math.cos(theta) + 0.08 * Math.sin(2 * theta);

        arLoad = ar(arLoad, 0.97, 0.015);
        arMem = ar(arMem, 0.995, 0.006);
        arDisk = ar(arDisk, 0.9, 0.04);
        steal = ar(steal, 0.98, Math.sqrt(1 - 0.98 * 0.98));
        dns = ar(dns, 0.9, Math.sqrt(1 - 0.9 * 0.9));
        ntp = ar(ntp, 0.995, Math.sqrt(1 - 0.995 * 0.995));

        double load = clamp(loadBase + loadAmp * day + arLoad, 0.03, 1.0);
        double mem = clamp(memBase + 0.25 * load + arMem, 0.05, 0.95);
        double backup = 0.3 * Math.exp(-sq((dayFraction - 0.125) / 0.02));
        double disk = clamp(0.1 + 0.5 * load + backup + arDisk, 0.02, 1.0);
        heatEma += 0.05 * (load - heatEma);
        double heat = 0.2 + 0.8 * heatEma;
        latents = new Latents(load, mem, disk, heat, dayFraction, steal, dns, ntp);

        for (int i = 0; i < specs.size(); i++) {
            expected[i] = expectedValue(i, latents);
            noiseValues[i] = specs.get(i).noiseSd() * noise.nextGaussian();
        }
    }

    /** The metric {@code i} would-be value (without noise) under other latents. */
    double expectedValue(int i, Latents l) {
        return gain[i] * specs.get(i).mean().applyAsDouble(l);
    }

    /** Normal value of metric {@code i} at the current tick, clipped to its bounds. */
    double normalValue(int i) {
        return specs.get(i).clip(expected[i] + noiseValues[i]);
    }

    /** Noise drawn for metric {@code i} at the current tick. */
    double noiseValue(int i) {
        return noiseValues[i];
    }

    /** Latents of the current tick. */
    Latents latents() {
        return latents;
    }

    /** Current tick (0 after the first {@link #step()}). */
    long tick() {
        return tick;
    }

    private double ar(double prev, double phi, double sd) {
        return phi * prev + sd * noise.nextGaussian();
    }

    private static double uniform(Random r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double sq(double v) {
        return v * v;
    }
}

package io.vaeanomaly.testdata;

import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureSchema;
import io.vaeanomaly.serde.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Synthetic metric streams for the job's tests: four features driven by two latent factors plus
 * small noise (a model learns this manifold), and anomalies far off it. Generated with fixed
 * seeds, so every run sees the same data.
 */
public final class StreamData {
    public static final List<String> FEATURES = List.of("cpu", "mem", "disk", "net");
    public static final FeatureSchema SCHEMA = new FeatureSchema(FEATURES);

    private static final double[][] LOADINGS = {{1.0, 0.2}, {0.8, -0.5}, {-0.3, 1.0}, {0.5, 0.7}};
    private final Random random;

    public StreamData(long seed) {
        this.random = new Random(seed);
    }

    /** A normal observation: on the two-factor manifold with noise 0.05. */
    public double[] normal() {
        double z1 = random.nextGaussian();
        double z2 = random.nextGaussian();
        double[] x = new double[4];
        for (int i = 0; i < 4; i++) {
            x[i] = LOADINGS[i][0] * z1 + LOADINGS[i][1] * z2 + 0.05 * random.nextGaussian();
        }
        return x;
    }

    /** Structure-free data: independent Gaussian features (no latent factor explains them). */
    public double[] independent() {
        double[] x = new double[4];
        for (int i = 0; i < 4; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    /** An anomaly: far off the manifold (breaks the correlation between cpu and mem). */
    public static double[] anomaly() {
        return new double[] {4.0, -4.0, 4.0, -4.0};
    }

    /** The JSON value of an event with {@code key} and features {@code x}. */
    public static String json(String key, double[] x) {
        return String.format(Locale.ROOT,
                "{\"host\":\"%s\",\"cpu\":%.6f,\"mem\":%.6f,\"disk\":%.6f,\"net\":%.6f}",
                key, x[0], x[1], x[2], x[3]);
    }

    /** A parsed event, as the parse operator would emit it. */
    public static Event event(String key, long offset, double[] x) {
        return new Event(key, 1_700_000_000_000L + offset, x, SCHEMA,
                new SourcePosition("events", 0, offset),
                json(key, x).getBytes(StandardCharsets.UTF_8));
    }
}

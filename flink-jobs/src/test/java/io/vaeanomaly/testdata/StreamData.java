package io.vaeanomaly.testdata;

import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureSchema;
import io.vaeanomaly.serde.KafkaRecord;
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

    /** The Kafka record of an event with {@code key} and features {@code x}. */
    public static KafkaRecord record(String topic, long offset, String key, double[] x) {
        return record(topic, offset, json(key, x));
    }

    /** A Kafka record with a JSON (or any) text value. */
    public static KafkaRecord record(String topic, long offset, String value) {
        return new KafkaRecord(topic, 0, offset, 1_700_000_000_000L + offset, null,
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** A parsed event, as the parse operator would emit it. */
    public static Event event(String key, long offset, double[] x) {
        return new Event(key, 1_700_000_000_000L + offset, x, SCHEMA,
                new SourcePosition("events", 0, offset),
                json(key, x).getBytes(StandardCharsets.UTF_8));
    }

    /** Records the parser rejects, one per kind of problem: {value, expected error type}. */
    public static final String[][] BAD_RECORDS = {
        {"this is not json", "unparsable"},
        {"{\"host\":\"h1\",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3}", "missing_field"},
        {"{\"host\":\"h1\",\"cpu\":\"high\",\"mem\":0.2,\"disk\":0.3,\"net\":0.4}",
            "non_numeric"},
        {"{\"host\":\"h1\",\"cpu\":1e999,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}",
            "non_finite"},
        {"[1, 2, 3]", "unparsable"},
    };
}

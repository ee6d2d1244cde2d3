package io.vaeanomaly.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON events {@code bench-e2e} produces: {@code {"host": "host-3", "host_metric_00": 61.2,
 * ...}} with {@code features} numeric fields (about 1 KB for 38), values from {@link BenchData}
 * (a low-rank latent structure plus noise, so the model has something to learn) mapped to
 * plausible magnitudes. A fixed pool of distinct payloads is generated once and cycled, so the
 * producer spends its time sending, not formatting numbers.
 */
final class BenchEvents {
    /** Distinct payloads in the pool. */
    static final int POOL = 8192;
    /** Distinct keys (hosts). */
    static final int HOSTS = 16;
    /** The JSON field holding the key ({@code input.key-field}). */
    static final String KEY_FIELD = "host";

    private final byte[][] values;
    private final byte[][] keys;
    private final List<String> names;

    BenchEvents(int features, long seed) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1: " + features);
        }
        names = new ArrayList<>(features);
        for (int j = 0; j < features; j++) {
            names.add(String.format(Locale.ROOT, "host_metric_%02d", j));
        }
        double[][] rows = BenchData.generate(POOL, features, seed);
        values = new byte[POOL][];
        keys = new byte[POOL][];
        StringBuilder sb = new StringBuilder(32 * features);
        for (int i = 0; i < POOL; i++) {
            String host = "host-" + (i % HOSTS);
            sb.setLength(0);
            sb.append("{\"").append(KEY_FIELD).append("\":\"").append(host).append('"');
            for (int j = 0; j < features; j++) {
                // Offsets and scales per feature, so values look like metrics, not z-scores.
                double v = 50 + 5 * j + (2 + j % 7) * rows[i][j];
                sb.append(",\"").append(names.get(j)).append("\":")
                        .append(String.format(Locale.ROOT, "%.6f", v));
            }
            sb.append('}');
            values[i] = sb.toString().getBytes(StandardCharsets.UTF_8);
            keys[i] = host.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The value of event {@code n} (cycles through the pool). */
    byte[] value(long n) {
        return values[(int) (n % POOL)];
    }

    /** The Kafka key of event {@code n}: its host. */
    byte[] key(long n) {
        return keys[(int) (n % POOL)];
    }

    /** The feature names, in the order of the payload. */
    List<String> names() {
        return names;
    }

    /** Mean payload size in bytes. */
    double meanValueBytes() {
        long sum = 0;
        for (byte[] v : values) {
            sum += v.length;
        }
        return (double) sum / values.length;
    }
}

package io.vaeanomaly.eval.telemanom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Writes tiny generated data sets in telemanom layout (train/, test/, labels.json) with columns
 * {@code value,cmd1,cmd2}: the value is Gaussian noise, the commands are rare 0/1 flags, and the
 * labelled test rows get the value shifted by +6 so that any sensible scorer finds them.
 */
final class TelemanomFixture {
    private TelemanomFixture() {}

    static final String HEADER = "value,cmd1,cmd2";

    static void writeChannel(Path dir, String name, long seed, int trainRows, int testRows,
            int[][] anomalies) throws IOException {
        Random rnd = new Random(seed);
        boolean[] anomalous = new boolean[testRows];
        for (int[] a : anomalies) {
            for (int i = a[0]; i <= a[1]; i++) {
                anomalous[i] = true;
            }
        }
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("test"));
        Files.writeString(dir.resolve("train").resolve(name + ".csv"), rows(rnd, trainRows, null));
        Files.writeString(
                dir.resolve("test").resolve(name + ".csv"), rows(rnd, testRows, anomalous));
    }

    private static String rows(Random rnd, int n, boolean[] anomalous) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < n; i++) {
            double v = 0.1 * rnd.nextGaussian() + (anomalous != null && anomalous[i] ? 0.6 : 0);
            sb.append(String.format(Locale.ROOT, "%.5f,%d,%d%n", v,
                    rnd.nextDouble() < 0.05 ? 1 : 0, rnd.nextDouble() < 0.05 ? 1 : 0));
        }
        return sb.toString();
    }

    /** Two channels, A-10 and A-2 (listed out of order on purpose). */
    static Path twoChannels(Path dir) throws IOException {
        writeChannel(dir, "A-10", 1, 200, 120, new int[][] {{30, 39}});
        writeChannel(dir, "A-2", 2, 150, 100, new int[][] {{10, 14}, {60, 69}});
        Files.writeString(
                dir.resolve("labels.json"),
                """
                {"A-10": {"anomaly_sequences": [[30, 39]], "class": "[point]", "num_values": 120},
                 "A-2": {"anomaly_sequences": [[10, 14], [60, 69]], "num_values": 100}}
                """);
        return dir;
    }
}

package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A short {@code demo} end to end: real broker, generator, job on a MiniCluster. Asserts the
 * summary, the detection quality against the injected labels, and that nothing is left behind.
 */
class DemoCommandITCase {
    /**
     * Tolerances below the measured values: a 60 s run gave precision 1.0 and recall 1.0 (33
     * injected anomalies scored, 33 flagged). A 40 s run scored only ~200 events on a loaded
     * machine (training takes ~20 s), hence 60 s; with ~30 anomalies one miss or false alarm
     * moves either by several points.
     */
    private static final double MIN_PRECISION = 0.8;
    private static final double MIN_RECALL = 0.8;

    @Test
    void runsEndToEndScoresWellAndCleansUp() throws Exception {
        Set<Path> tempBefore = demoTempDirs();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int rc;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            rc = Main.commandLine().execute("demo", "--duration", "60s", "--json");
        } finally {
            System.setOut(original);
        }
        String text = stdout.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(rc).isZero();
        String[] lines = text.trim().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(summary.has("events")).isTrue();
        assertThat(summary.has("anomalies")).isTrue();
        assertThat(summary.has("precision")).isTrue();
        assertThat(summary.has("recall")).isTrue();
        assertThat(summary.has("model_versions")).isTrue();
        assertThat(summary.get("events").asLong()).isGreaterThan(1000);
        // One global model; no retraining is configured.
        assertThat(summary.get("model_versions").asLong()).isEqualTo(1);
        assertThat(summary.get("anomalies").asLong()).isPositive();
        assertThat(summary.get("precision").asDouble()).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(summary.get("recall").asDouble()).isGreaterThanOrEqualTo(MIN_RECALL);
        assertThat(text).contains("events scored after the first model exists");

        // No broker JVM (the only child process the demo starts) and no temp dir left behind.
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?"))
                .filter(c -> c.contains("KafkaBrokerProcessMain")).toList()).isEmpty();
        Set<Path> tempAfter = demoTempDirs();
        tempAfter.removeAll(tempBefore);
        assertThat(tempAfter).isEmpty();
    }

    private static Set<Path> demoTempDirs() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("vae-anomaly-kafka-")
                        || n.startsWith("vae-anomaly-demo-checkpoints-");
            }).collect(Collectors.toSet());
        }
    }

}

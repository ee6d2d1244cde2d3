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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short {@code demo} end to end: real broker, generator, job on a MiniCluster. Asserts that
 * every event is scored, the detection quality against the injected labels, and that nothing is
 * left behind.
 *
 * <p>Robust on a loaded machine by construction: the demo holds events until its first model
 * exists and waits for every score (no fixed sleep), and its deterministic mode makes the result
 * independent of timing; only the wall time grows with load. The demo's own deadline
 * ({@code --timeout}) ends a run that cannot finish with exit code 1 well before this test's
 * {@link Timeout}.
 */
class DemoCommandITCase {
    /**
     * The bar. Measured (30 s, seed 42): 8001 of 8001 events scored, 55 injected, 55
     * flagged, precision 1.0, recall 1.0, on a machine with load average 10 to 17.
     */
    private static final double MIN_PRECISION = 0.9;
    private static final double MIN_RECALL = 0.9;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void scoresEveryEventWellAndCleansUp() throws Exception {
        Set<Path> tempBefore = demoTempDirs();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int rc;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            rc = Main.commandLine().execute(
                    "demo", "--duration", "30s", "--timeout", "5m", "--json");
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
        // Every event, including those that arrived before the first model, has a score.
        assertThat(summary.get("scored").asLong()).isEqualTo(summary.get("events").asLong());
        // One global model; no retraining is configured.
        assertThat(summary.get("model_versions").asLong()).isEqualTo(1);
        assertThat(summary.get("first_model_seconds").asDouble()).isPositive();
        assertThat(summary.get("anomalies").asLong()).isPositive();
        assertThat(summary.get("precision").asDouble()).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(summary.get("recall").asDouble()).isGreaterThanOrEqualTo(MIN_RECALL);
        assertThat(text).contains("(every event)");

        // No broker JVM (the only child process the demo starts) and no temp dir left behind.
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?"))
                .filter(c -> c.contains("KafkaBrokerProcessMain")).toList()).isEmpty();
        Set<Path> tempAfter = demoTempDirs();
        tempAfter.removeAll(tempBefore);
        assertThat(tempAfter).isEmpty();
    }

    /**
     * A demo that cannot score every event in time says so and fails (exit code 1) instead of
     * printing a summary of nothing with exit code 0. A warm-up longer than the run means no
     * model is ever trained, so every event is still held when the demo stops waiting.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void failsClearlyWhenEventsCannotBeScoredInTime() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int rc;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            rc = Main.commandLine().execute(
                    "demo", "--duration", "20s", "--timeout", "3s", "--json",
                    "--set", "training.warmup-events=100000",
                    "--set", "training.sample-size=100000");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String err = stderr.toString(StandardCharsets.UTF_8);
        System.out.println(stdout.toString(StandardCharsets.UTF_8));
        System.out.println(err);
        assertThat(rc).isEqualTo(DemoCommand.EXIT_NOT_SCORED);
        assertThat(err).containsPattern("error: \\d+ of \\d+ events were not scored after"
                + " waiting 3s: the job's warm-up \\(training.warmup-events 100000\\) is"
                + " longer than the run");
        String[] lines = stdout.toString(StandardCharsets.UTF_8).trim().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(summary.get("scored").asLong()).isZero();
        assertThat(summary.get("events").asLong()).isGreaterThan(1000);
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

package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tiny {@code bench-e2e} run (real broker, job on a MiniCluster, a small model so that its
 * retraining is short): every phase finishes, the JSON summary has the keys with values
 * that are consistent with each other, and no broker JVM is left behind. The figures themselves
 * are not asserted: on a shared machine they say nothing.
 */
class BenchE2eCommandITCase {

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void tinyRunReportsThroughputLatencyAndTheRetraining() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int rc;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            rc = Main.commandLine().execute("bench-e2e",
                    "--events", "2000", "--jit-warmup-events", "0",
                    "--rate", "400", "--latency-seconds", "3", "--features", "6",
                    "--set", "training.warmup-events=500",
                    "--set", "training.epochs=3",
                    "--set", "model.encoder-hidden=[8]",
                    "--set", "model.decoder-hidden=[8]",
                    "--set", "model.latent-dim=2",
                    "--timeout", "3m", "--json");
        } finally {
            System.setOut(original);
        }
        String text = stdout.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(rc).isZero();
        String[] lines = text.trim().split("\n");
        JsonNode s = new ObjectMapper().readTree(lines[lines.length - 1]);

        assertThat(s.get("delivery").asText()).isEqualTo("at-least-once");
        assertThat(s.get("parallelism").asInt()).isEqualTo(1);
        assertThat(s.get("features").asInt()).isEqualTo(6);
        assertThat(s.get("events").asLong()).isEqualTo(2000);
        // Throughput: the burst over its duration, in to out.
        double eventsPerS = s.get("events_per_s").asDouble();
        assertThat(eventsPerS).isPositive();
        // burst_seconds is rounded to 0.01 s: on a quiet machine the 2,000-event burst takes
        // about 0.16 s, so the rounding alone is worth 3%.
        double burstSeconds = s.get("burst_seconds").asDouble();
        double tolerance = 0.02 + 0.005 / burstSeconds;
        assertThat(eventsPerS * burstSeconds)
                .isBetween(2000 * (1 - tolerance), 2000 * (1 + tolerance));
        // Latency: percentiles over the fixed-rate events, in order.
        assertThat(s.get("latency_events").asLong()).isPositive();
        long p50 = s.get("p50_ms").asLong();
        long p99 = s.get("p99_ms").asLong();
        assertThat(p50).isNotNegative();
        assertThat(p99).isGreaterThanOrEqualTo(p50);
        assertThat(s.get("max_ms").asLong()).isGreaterThanOrEqualTo(p99);
        // The retraining ran during the fixed-rate phase, and events were scored meanwhile.
        assertThat(s.get("model_events").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(s.get("retrain_seconds").asDouble()).isPositive();
        assertThat(s.get("retrain_events").asLong()).isPositive();
        assertThat(s.get("p99_during_retrain_ms").isNumber()).isTrue();
        assertThat(s.get("dead_letters").asLong()).isZero();

        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?"))
                .filter(c -> c.contains("KafkaBrokerProcessMain")).toList()).isEmpty();
    }
}

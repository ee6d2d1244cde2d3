package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak (20 s at 300 events/s): the command runs end to end, loses nothing, records a
 * sample per interval with checkpoints, and its JSON summary is the last stdout line. The real
 * soak (10 minutes and more) is a benchmark: see the README.
 */
class SoakCommandITCase {
    @TempDir Path tmp;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aShortSoakLosesNothingAndReportsEveryInterval() throws Exception {
        Path csv = tmp.resolve("soak.csv");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("soak", "--duration", "20s", "--rate", "300",
                    "--interval", "5s", "--checkpoint-interval", "2s", "--epochs", "5",
                    "--steady-after", "0s", "--out", csv.toString(), "--json");
        } finally {
            System.setOut(saved);
        }
        String[] lines = stdout.toString(StandardCharsets.UTF_8).trim().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);

        assertThat(code).as("exit code; summary %s", summary).isZero();
        assertThat(summary.get("events_produced").asLong()).isEqualTo(20 * 300);
        assertThat(summary.get("events_lost").asLong()).isZero();
        assertThat(summary.get("events_scored").asLong()).isEqualTo(20 * 300);
        assertThat(summary.get("restarts").asLong()).isZero();
        assertThat(summary.get("checkpoints").asLong()).isPositive();
        assertThat(summary.get("model_version").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(summary.get("p99_ms").asLong()).isPositive();
        // Intervals without output (the first model training) leave the worst interval alone.
        assertThat(summary.get("p99_ms_max_interval").asLong()).as("summary %s", summary)
                .isPositive();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).startsWith("t_s,produced,scored");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
    }
}

package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    /** Telemanom layout, two channels; labelled test rows have the value shifted by 6 sigma. */
    private Path writeDataset() throws IOException {
        writeChannel("A-1", 1, new int[] {20, 29});
        writeChannel("B-1", 2, new int[] {50, 54});
        Files.writeString(
                dir.resolve("labels.json"),
                "{\"A-1\": {\"anomaly_sequences\": [[20, 29]], \"num_values\": 80},"
                        + " \"B-1\": {\"anomaly_sequences\": [[50, 54]], \"num_values\": 80}}");
        return dir;
    }

    private void writeChannel(String name, long seed, int[] anomaly) throws IOException {
        Random rnd = new Random(seed);
        for (String split : List.of("train", "test")) {
            StringBuilder sb = new StringBuilder("value,cmd1\n");
            for (int i = 0; i < 80; i++) {
                boolean shifted = split.equals("test") && i >= anomaly[0] && i <= anomaly[1];
                sb.append(String.format(Locale.ROOT, "%.5f,%d%n",
                        0.1 * rnd.nextGaussian() + (shifted ? 0.6 : 0), i % 7 == 0 ? 1 : 0));
            }
            Files.createDirectories(dir.resolve(split));
            Files.writeString(dir.resolve(split).resolve(name + ".csv"), sb.toString());
        }
    }

    private JsonNode lastJsonLine() throws IOException {
        String[] lines = out.toString().strip().split("\\R");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void printsTableAndJsonSummaryOfBaselines() throws IOException {
        writeDataset();

        int code = run("evaluate", "--format", "telemanom", "--data", dir.toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("A-1", "B-1", "mean", "vae", "pca", "zscore");
        JsonNode json = lastJsonLine();
        assertThat(json.get("dataset").asText()).isEqualTo(dir.getFileName().toString());
        assertThat(json.get("channels").asInt()).isEqualTo(2);
        for (String scorer : List.of("vae", "pca", "zscore")) {
            JsonNode m = json.get(scorer);
            assertThat(m).as(scorer).isNotNull();
            for (String field : List.of("auc_pr", "best_f1", "best_f1_point_adjusted")) {
                assertThat(m.get(field).isNumber()).as(scorer + "." + field).isTrue();
                assertThat(m.get(field).asDouble()).isBetween(0.0, 1.0);
            }
        }
        assertThat(json.get("zscore").get("auc_pr").asDouble()).isGreaterThan(0.9);
    }

    @Test
    void channelFilterLimitsTheRun() throws IOException {
        writeDataset();

        int code =
                run("evaluate", "--format", "telemanom", "--data", dir.toString(),
                        "--channels", "B-1", "--json");

        assertThat(code).isZero();
        assertThat(lastJsonLine().get("channels").asInt()).isEqualTo(1);
        assertThat(out.toString()).doesNotContain("A-1");
    }

    @Test
    void badUsageAndBadDataExitWithTwo() throws IOException {
        writeDataset();

        assertThat(run("evaluate", "--format", "nab", "--data", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unsupported 'nab'");
        assertThat(run("evaluate", "--format", "telemanom", "--data", dir.toString(),
                        "--channels", "X-1")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown channel 'X-1'");
        assertThat(run("evaluate", "--format", "telemanom", "--data",
                        dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("labels.json");
    }
}

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

class ConvergenceStudyCommandTest {
    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    /** A noisy sine with a timestamp column; with spikes labelled 1 when {@code spikes}. */
    private Path series(String name, int n, long seed, boolean spikes) throws IOException {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder("timestamp,value,label\n");
        for (int i = 0; i < n; i++) {
            boolean anomaly = spikes && i % 50 == 25;
            double v = Math.sin(i * 2 * Math.PI / 25) + 0.05 * rnd.nextGaussian() + (anomaly ? 3 : 0);
            sb.append(String.format(Locale.ROOT, "%d,%.5f,%d%n", i, v, anomaly ? 1 : 0));
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    private JsonNode lastJsonLine() throws IOException {
        String[] lines = out.toString().strip().split("\\R");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void writesTableCsvPlotsAndJson() throws IOException {
        Path input = series("train.csv", 400, 1, false);
        Path test = series("test.csv", 200, 2, true);
        Path outDir = dir.resolve("study");

        int code =
                run("convergence-study", "--input", input.toString(),
                        "--ignore-columns", "timestamp,label", "--shingle", "8",
                        "--seeds", "2", "--recipes", "plain,default", "--epochs", "4",
                        "--hidden", "8", "--latent", "2", "--batch-size", "32",
                        "--test", test.toString(), "--out", outDir.toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("recipe", "plain", "default", "effective dimension");
        JsonNode json = lastJsonLine();
        assertThat(json.get("input").asText()).isEqualTo(input.toString());
        assertThat(json.get("seeds").asInt()).isEqualTo(2);
        assertThat(json.get("features").asInt()).isEqualTo(8);
        assertThat(json.get("rows").asInt()).isEqualTo(400 - 8 + 1);
        JsonNode recipes = json.get("recipes");
        assertThat(recipes.size()).isEqualTo(2);
        for (String r : List.of("plain", "default")) {
            JsonNode m = recipes.get(r);
            for (String f : List.of("collapse_rate", "divergence_rate", "heldout_elbo_mean",
                    "heldout_elbo_sd", "heldout_iwae_mean", "active_units_mean", "seconds_mean",
                    "auc_pr_mean")) {
                assertThat(m.get(f).isNumber()).as(r + "." + f).isTrue();
            }
            assertThat(m.get("collapse_rate").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("auc_pr_mean").asDouble()).isBetween(0.0, 1.0);
        }
        List<String> runs = Files.readAllLines(outDir.resolve("runs.csv"));
        assertThat(runs).hasSize(1 + 4);
        assertThat(runs.get(0)).startsWith("recipe,seed,verdict,collapsed,diverged");
        assertThat(runs.get(1)).startsWith("plain,0,");
        assertThat(runs.get(4)).startsWith("default,1,");
        assertThat(Files.readAllLines(outDir.resolve("summary.csv"))).hasSize(3);
        for (String png : List.of("elbo_plain.png", "elbo_default.png", "kl_per_dimension.png")) {
            assertThat(outDir.resolve(png)).isNotEmptyFile();
        }
    }

    @Test
    void badUsageExitsWithTwo() throws IOException {
        Path input = series("train.csv", 100, 1, false);
        String in = input.toString();

        assertThat(run("convergence-study", "--input", in, "--seeds", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds");
        assertThat(run("convergence-study", "--input", in, "--recipes", "plain,fancy")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown preset 'fancy'");
        assertThat(run("convergence-study", "--input", in, "--recipe", "plain")).isEqualTo(2);
        assertThat(err.toString()).contains("--recipes");
        assertThat(run("convergence-study", "--input", dir.resolve("missing.csv").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("file not found");
        assertThat(out.toString()).isEmpty();
    }
}

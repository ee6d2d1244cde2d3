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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainScoreCommandTest {
    @TempDir Path dir;

    private Path csv(String name, int rows, int anomalyEvery, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("ts,a,b,c,d\n");
        for (int i = 0; i < rows; i++) {
            double z = r.nextGaussian();
            double[] v = {z, 2 * z + 0.1 * r.nextGaussian(), -z + 0.1 * r.nextGaussian(), 0.1 * r.nextGaussian() + 3};
            if (anomalyEvery > 0 && i % anomalyEvery == anomalyEvery / 2) {
                v[1] = 2 * z + 1.5; // b leaves its relation to a by 15 noise sigmas
            }
            sb.append(i).append(',').append(v[0]).append(',').append(v[1]).append(',').append(v[2]).append(',').append(v[3]).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    private record Run(int exit, String out, String err) {
        JsonNode lastJson() throws Exception {
            List<String> lines = out.lines().toList();
            return new ObjectMapper().readTree(lines.get(lines.size() - 1));
        }
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            var cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainThenScoreFindsTheBrokenCorrelations() throws Exception {
        Path train = csv("train.csv", 2000, 0, 1);
        Path test = csv("test.csv", 400, 50, 2);
        Path model = dir.resolve("m.vae");
        Path report = dir.resolve("report");
        Run t = run("train", "--input", train.toString(), "--ignore-columns", "ts", "--model", model.toString(),
                "--report", report.toString(), "--epochs", "120", "--learning-rate", "0.005", "--hidden", "16", "--latent", "2",
                "--threshold", "quantile", "--quantile", "0.995", "--json");
        assertThat(t.exit()).as(t.err()).isZero();
        JsonNode js = t.lastJson();
        assertThat(js.get("verdict").asText()).isIn("converged", "not_converged");
        assertThat(js.get("active_units").asInt()).isPositive();
        assertThat(js.has("heldout_elbo")).isTrue();
        assertThat(js.has("heldout_iwae")).isTrue();
        assertThat(js.get("epochs").asInt()).isPositive();
        assertThat(report.resolve("report.json")).exists();
        assertThat(report.resolve("elbo.png")).exists();
        assertThat(report.resolve("kl_per_dimension.png")).exists();
        assertThat(report.resolve("active_units.png")).exists();

        Path out = dir.resolve("scores.csv");
        Run s = run("score", "--model", model.toString(), "--input", test.toString(), "--ignore-columns", "ts",
                "--output", out.toString(), "--json");
        assertThat(s.exit()).as(s.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(401);
        int flaggedInjected = 0;
        int flaggedNormal = 0;
        for (int i = 1; i < lines.size(); i++) {
            boolean flagged = lines.get(i).split(",")[3].equals("1");
            boolean injected = (i - 1) % 50 == 25;
            if (flagged && injected) {
                flaggedInjected++;
            } else if (flagged) {
                flaggedNormal++;
            }
        }
        assertThat(flaggedInjected).isGreaterThanOrEqualTo(7);
        assertThat(flaggedNormal).isLessThanOrEqualTo(8);
        assertThat(s.lastJson().get("rows").asInt()).isEqualTo(400);
    }

    @Test
    void badCellExitsTwoNamingFileAndLineAndWritesNothing() throws Exception {
        Path train = csv("train.csv", 200, 0, 1);
        String text = Files.readString(train).replaceFirst("\n5,", "\n5,NaN-ish,");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, text);
        Path model = dir.resolve("m.vae");
        Run t = run("train", "--input", bad.toString(), "--model", model.toString(), "--ignore-columns", "ts");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(t.err()).contains("bad.csv:").contains("7");
        assertThat(model).doesNotExist();
    }

    @Test
    void corruptModelFileExitsTwo() throws Exception {
        Path fake = dir.resolve("fake.vae");
        Files.writeString(fake, "not a model");
        Path test = csv("test.csv", 20, 0, 2);
        Path out = dir.resolve("o.csv");
        Run s = run("score", "--model", fake.toString(), "--input", test.toString(), "--output", out.toString());
        assertThat(s.exit()).isEqualTo(2);
        assertThat(s.err()).contains("fake.vae").contains("magic");
        assertThat(out).doesNotExist();
    }

    /** The same rows with the columns in another order (and the timestamp moved to the end). */
    private Path reordered(Path source, String name, String... order) throws Exception {
        List<String> lines = Files.readAllLines(source);
        List<String> header = List.of(lines.get(0).split(","));
        StringBuilder sb = new StringBuilder(String.join(",", order)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            List<String> out = new java.util.ArrayList<>();
            for (String c : order) {
                out.add(cells[header.indexOf(c)]);
            }
            sb.append(String.join(",", out)).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    /**
     * The case: the same CSV with two columns swapped was scored by position and gave an
     * anomaly on every row, exit 0, with mislabelled top features. By name, the swapped file
     * scores exactly as the original, and the unused timestamp column needs no option.
     */
    @Test
    void scoreTakesColumnsByNameSoSwappedColumnsScoreTheSame() throws Exception {
        Path train = csv("train.csv", 1000, 0, 1);
        Path test = csv("test.csv", 200, 50, 2);
        Path model = dir.resolve("m.vae");
        Run t = run("train", "--input", train.toString(), "--ignore-columns", "ts", "--model",
                model.toString(), "--epochs", "40", "--hidden", "16", "--latent", "2");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(io.vaeanomaly.persist.ModelFile.read(model).featureNames())
                .containsExactly("a", "b", "c", "d");

        Path plainOut = dir.resolve("plain.csv");
        Run plain = run("score", "--model", model.toString(), "--input", test.toString(),
                "--output", plainOut.toString());
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.err()).contains("ignoring columns the model does not use: [ts]");

        Path swapped = reordered(test, "swapped.csv", "b", "a", "d", "c", "ts");
        Path swappedOut = dir.resolve("swapped-scores.csv");
        Run s = run("score", "--model", model.toString(), "--input", swapped.toString(),
                "--output", swappedOut.toString(), "--ignore-columns", "ts");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.err()).doesNotContain("ignoring");
        assertThat(Files.readAllLines(swappedOut)).isEqualTo(Files.readAllLines(plainOut));
        long flagged = Files.readAllLines(swappedOut).stream().skip(1)
                .filter(l -> l.split(",")[3].equals("1")).count();
        assertThat(flagged).isLessThan(20);
    }

    @Test
    void aMissingModelColumnExitsTwoNamingTheColumnAndTheFile() throws Exception {
        Path train = csv("train.csv", 200, 0, 1);
        Path model = dir.resolve("m.vae");
        assertThat(run("train", "--input", train.toString(), "--ignore-columns", "ts",
                "--model", model.toString(), "--epochs", "5").exit()).isZero();
        Path withoutC = reordered(csv("test.csv", 20, 0, 2), "no-c.csv", "ts", "a", "b", "d");
        Path out = dir.resolve("o.csv");
        Run s = run("score", "--model", model.toString(), "--input", withoutC.toString(),
                "--output", out.toString());
        assertThat(s.exit()).isEqualTo(2);
        assertThat(s.err()).contains("no-c.csv").contains("missing column 'c'");
        assertThat(out).doesNotExist();

        Run ignored = run("score", "--model", model.toString(), "--input",
                csv("t2.csv", 20, 0, 3).toString(), "--output", out.toString(),
                "--ignore-columns", "ts,b");
        assertThat(ignored.exit()).isEqualTo(2);
        assertThat(ignored.err()).contains("--ignore-columns [b]");
    }

    /** A model file from before feature names (format 1) still scores, by position, with a note. */
    @Test
    void aModelWithoutFeatureNamesStillScoresByPosition() throws Exception {
        Path model = dir.resolve("v1.vae");
        try (var in = getClass().getResourceAsStream("/golden/model-v1.vae")) {
            Files.write(model, in.readAllBytes());
        }
        Path data = dir.resolve("five.csv");
        Files.writeString(data, "p,q,r,s,t\n0.5,-1.0,2.0,0.0,1.5\n0.1,0.2,0.3,0.4,0.5\n");
        Path out = dir.resolve("o.csv");
        Run s = run("score", "--model", model.toString(), "--input", data.toString(),
                "--output", out.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.err()).contains("does not name its features");
        assertThat(Files.readAllLines(out)).hasSize(3);
    }
}

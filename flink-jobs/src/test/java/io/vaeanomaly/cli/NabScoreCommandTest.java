package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.eval.nab.NabCorpus;
import io.vaeanomaly.eval.nab.NabProfiles;
import io.vaeanomaly.eval.nab.NabResults;
import io.vaeanomaly.eval.nab.NabScore;
import io.vaeanomaly.eval.nab.NabScorer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nab-score} on the NAB slice committed with the core module's test resources. */
class NabScoreCommandTest {
    /** The slice lives in the core module; surefire runs with the module directory as cwd. */
    private static final Path SLICE = Path.of("..", "src", "test", "resources", "nab");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void printsTableAndJsonMatchingTheCoreScorer() throws Exception {
        assertThat(SLICE.resolve("README.md")).exists();
        int code = run("nab-score", "--data", SLICE.toString(),
                "--results", SLICE.resolve("results").toString(),
                "--detector", "windowedGaussian", "--json");
        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\\R");
        assertThat(lines[1]).startsWith("profile");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys).containsExactly(
                "detector", "standard", "reward_low_FP_rate", "reward_low_FN_rate");
        assertThat(json.get("detector").asText()).isEqualTo("windowedGaussian");

        NabCorpus corpus = NabCorpus.load(SLICE.resolve("data"),
                SLICE.resolve("labels/combined_windows.json"));
        NabResults res = NabResults.load(SLICE.resolve("results/windowedGaussian"),
                "windowedGaussian", corpus);
        List<NabScore> expected = new NabScorer(corpus, res).scoreAll(NabProfiles.defaults());
        for (NabScore s : expected) {
            double rounded = Math.round(s.normalizedScore() * 100) / 100.0;
            assertThat(json.get(s.profile().name()).asDouble()).isEqualTo(rounded);
            assertThat(out.toString()).contains(s.profile().name());
        }
    }

    @Test
    void missingDataDirectoryIsAUsageError(@TempDir Path tmp) {
        int code = run("nab-score", "--data", tmp.resolve("nope").toString(),
                "--results", tmp.toString(), "--detector", "d");
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("data/");
    }

    @Test
    void missingResultFileIsNamed(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("realTraffic"));
        int code = run("nab-score", "--data", SLICE.toString(), "--results", tmp.toString(),
                "--detector", "someDetector");
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("someDetector_").contains("not found");
    }
}

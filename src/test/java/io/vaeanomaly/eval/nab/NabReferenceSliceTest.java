package io.vaeanomaly.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scorer against NAB's published windowedGaussian results on the committed slice: per-file
 * scores and counts from {@code windowedGaussian_<profile>_scores.csv} and the per-row
 * {@code S(t)_<profile>} columns of the result files.
 */
class NabReferenceSliceTest {
    /** NAB's corpus-wide optimum for windowedGaussian on every profile (column Threshold). */
    private static final String REF_THRESHOLD_COLUMN = "Threshold";

    private static Path root;
    private static NabCorpus corpus;
    private static NabResults results;
    private static NabScorer scorer;

    @BeforeAll
    static void load() {
        root = NabTestData.sliceRoot();
        corpus = NabCorpus.load(root.resolve("data"), root.resolve("labels/combined_windows.json"));
        results = NabResults.load(root.resolve("results/windowedGaussian"), "windowedGaussian",
                corpus);
        scorer = new NabScorer(corpus, results);
    }

    @Test
    void windowsMapToTheRowsOfTheirTimestamps() throws IOException {
        JsonNode json = new ObjectMapper().readTree(
                root.resolve("labels/combined_windows.json").toFile());
        assertThat(corpus.files()).hasSize(json.size());
        int windows = 0;
        for (NabDataFile f : corpus.files()) {
            JsonNode pairs = json.get(f.relativePath());
            assertThat(f.windows()).hasSize(pairs.size());
            for (int k = 0; k < pairs.size(); k++) {
                NabWindow w = f.windows().get(k);
                // JSON "2014-04-10 07:15:00.000000" names the CSV row "2014-04-10 07:15:00".
                assertThat(pairs.get(k).get(0).asText())
                        .startsWith(f.timestamps().get(w.start()));
                assertThat(pairs.get(k).get(1).asText()).startsWith(f.timestamps().get(w.end()));
            }
            windows += pairs.size();
        }
        assertThat(corpus.windowCount()).isEqualTo(windows);
    }

    @Test
    void perFileScoresAndCountsMatchNabAtTheReferenceThreshold() throws IOException {
        for (NabProfile p : NabProfiles.load(root.resolve("config/profiles.json"))) {
            List<Map<String, String>> ref = readCsv(root.resolve(
                    "results/windowedGaussian/windowedGaussian_" + p.name() + "_scores.csv"));
            assertThat(ref).hasSize(corpus.files().size());
            double threshold = Double.parseDouble(ref.get(0).get(REF_THRESHOLD_COLUMN));
            NabScore s = scorer.scoreAtThreshold(p, threshold);
            for (Map<String, String> row : ref) {
                NabFileScore f = s.file(row.get("File"));
                assertThat(f).as(row.get("File")).isNotNull();
                assertThat(f.rawScore()).as(p.name() + " " + f.relativePath())
                        .isCloseTo(Double.parseDouble(row.get("Score")), within(1e-9));
                assertThat(f.tp()).isEqualTo(Long.parseLong(row.get("TP")));
                assertThat(f.tn()).isEqualTo(Long.parseLong(row.get("TN")));
                assertThat(f.fp()).isEqualTo(Long.parseLong(row.get("FP")));
                assertThat(f.fn()).isEqualTo(Long.parseLong(row.get("FN")));
                assertThat(f.rows()).isEqualTo(Integer.parseInt(row.get("Total_Count")));
            }
        }
    }

    @Test
    void windowContributionsAndFalsePositivePenaltiesMatchTheReferenceSColumns()
            throws IOException {
        for (NabProfile p : NabProfiles.defaults()) {
            NabScore s = scorer.scoreAtThreshold(p, 1.0);
            for (NabDataFile f : corpus.files()) {
                List<Map<String, String>> rows = readCsv(NabResults.resultPath(
                        root.resolve("results/windowedGaussian"), "windowedGaussian", f));
                double[] ref = rows.stream()
                        .mapToDouble(r -> Double.parseDouble(r.get("S(t)_" + p.name()))).toArray();
                // NAB writes each window's contribution on its first row and each false
                // positive's penalty on its row; every other row is 0.
                double[] expected = new double[f.rows()];
                double[] sweep = NabSweep.sweepScores(f, p);
                double[] anomaly = results.scores(f);
                for (int i = f.probationaryRows(); i < f.rows(); i++) {
                    if (!f.inWindow(i) && anomaly[i] >= 1.0) {
                        expected[i] = sweep[i];
                    }
                }
                List<Double> windowScores = s.file(f.relativePath()).windowScores();
                for (int k = 0; k < f.windows().size(); k++) {
                    expected[f.windows().get(k).start()] = windowScores.get(k);
                }
                for (int i = 0; i < f.rows(); i++) {
                    assertThat(expected[i]).as("%s %s row %d", p.name(), f.relativePath(), i)
                            .isCloseTo(ref[i], within(1e-9));
                }
                assertThat(Arrays.stream(ref).sum())
                        .isCloseTo(s.file(f.relativePath()).rawScore(), within(1e-9));
            }
        }
    }

    @Test
    void resultsLoaderReadsTheAnomalyScoreColumn() throws IOException {
        NabDataFile f = corpus.file("realTraffic/speed_7578.csv");
        List<Map<String, String>> rows = readCsv(NabResults.resultPath(
                root.resolve("results/windowedGaussian"), "windowedGaussian", f));
        double[] scores = results.scores(f);
        assertThat(scores).hasSize(rows.size());
        for (int i = 0; i < scores.length; i++) {
            assertThat(scores[i]).isEqualTo(Double.parseDouble(rows.get(i).get("anomaly_score")));
        }
    }

    @Test
    void optimisedThresholdIsAtLeastAsGoodAsTheCorpusWideReferenceThreshold() {
        for (NabProfile p : NabProfiles.defaults()) {
            NabScore best = scorer.score(p);
            NabScore atRef = scorer.scoreAtThreshold(p, 1.0);
            assertThat(best.rawScore()).isGreaterThanOrEqualTo(atRef.rawScore());
            int w = corpus.windowCount();
            assertThat(best.nullRawScore()).isEqualTo(-w * p.fnWeight());
            assertThat(best.perfectRawScore()).isEqualTo(w * p.tpWeight());
            assertThat(best.normalizedScore()).isCloseTo(
                    100 * (best.rawScore() + w * p.fnWeight())
                            / (w * (p.tpWeight() + p.fnWeight())),
                    within(1e-9));
        }
    }

    /** Reads a header-plus-rows CSV into maps (NAB's files have no quoting). */
    static List<Map<String, String>> readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            Map<String, String> row = new java.util.HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            out.add(row);
        }
        return out;
    }
}

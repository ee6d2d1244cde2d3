package io.vaeanomaly.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.io.InputFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading corpora, profiles and results, writing results, and the errors for bad input. */
class NabIoTest {
    @TempDir Path tmp;

    /** A tiny NAB tree: one data file of 40 rows with one window (rows 20..24). */
    private Path tinyCorpus() throws IOException {
        Path data = tmp.resolve("data/cat");
        Files.createDirectories(data);
        List<String> lines = new ArrayList<>();
        lines.add("timestamp,value");
        List<String> ts = NabTestData.timestamps(40);
        for (int i = 0; i < 40; i++) {
            lines.add(ts.get(i) + "," + i);
        }
        Files.write(data.resolve("f.csv"), lines);
        Files.createDirectories(tmp.resolve("labels"));
        Files.writeString(tmp.resolve("labels/w.json"), "{\"cat/f.csv\": [[\"" + ts.get(20)
                + ".000000\", \"" + ts.get(24) + ".000000\"]]}");
        return tmp;
    }

    private static NabCorpus load(Path root) {
        return NabCorpus.load(root.resolve("data"), root.resolve("labels/w.json"));
    }

    private NabCorpus loadTiny() throws IOException {
        Path root = tinyCorpus();
        return NabCorpus.load(root.resolve("data"), root.resolve("labels/w.json"));
    }

    @Test
    void loadsWindowsAsRowRanges() throws IOException {
        NabCorpus c = loadTiny();
        NabDataFile f = c.file("cat/f.csv");
        assertThat(f.windows()).containsExactly(new NabWindow(20, 24));
        assertThat(f.category()).isEqualTo("cat");
        assertThat(f.fileName()).isEqualTo("f.csv");
        assertThat(f.values()[39]).isEqualTo(39.0);
    }

    @Test
    void profilesJsonMatchesBuiltInProfiles() {
        assertThat(NabProfiles.load(NabTestData.sliceRoot().resolve("config/profiles.json")))
                .containsExactlyElementsOf(NabProfiles.defaults());
    }

    @Test
    void writerOutputIsReadBackExactlyWithLabels() throws IOException {
        NabCorpus c = loadTiny();
        NabDataFile f = c.files().get(0);
        double[] s = new double[40];
        for (int i = 0; i < 40; i++) {
            s[i] = i / 39.0;
        }
        s[3] = 1e-7; // Double.toString writes exponent notation; the reader must accept it.
        Path out = NabResultsWriter.write(tmp.resolve("results/det"), "det", f, s);
        assertThat(out).isEqualTo(tmp.resolve("results/det/cat/det_f.csv"));
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
        assertThat(lines.get(1)).startsWith(f.timestamps().get(0) + ",0,").endsWith(",0");
        assertThat(lines.get(21)).endsWith(",1");
        assertThat(lines.get(25)).endsWith(",1");
        assertThat(lines.get(26)).endsWith(",0");
        NabResults r = NabResults.load(tmp.resolve("results/det"), "det", c);
        assertThat(r.scores(f)).containsExactly(s);
    }

    @Test
    void writerRejectsScoresOutsideUnitInterval() throws IOException {
        NabDataFile f = loadTiny().files().get(0);
        double[] s = new double[40];
        s[5] = 1.5;
        assertThatThrownBy(() -> NabResultsWriter.write(tmp.resolve("r"), "d", f, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 5");
    }

    @Test
    void missingDataFileIsNamed() throws IOException {
        Path root = tinyCorpus();
        Files.delete(root.resolve("data/cat/f.csv"));
        assertThatThrownBy(() -> load(root))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("f.csv")
                .hasMessageContaining("not found");
    }

    @Test
    void windowTimestampAbsentFromDataIsAnError() throws IOException {
        Path root = tinyCorpus();
        Files.writeString(root.resolve("labels/w.json"),
                "{\"cat/f.csv\": [[\"2020-01-01 00:01:00\", \"2020-01-01 00:30:00\"]]}");
        assertThatThrownBy(() -> load(root))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("cat/f.csv").hasMessageContaining("2020-01-01 00:01:00");
    }

    @Test
    void badDataCellNamesFileAndLine() throws IOException {
        Path root = tinyCorpus();
        Path f = root.resolve("data/cat/f.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(7, lines.get(7).split(",")[0] + ",abc");
        Files.write(f, lines);
        assertThatThrownBy(() -> load(root))
                .isInstanceOf(InputFormatException.class)
                .satisfies(e -> assertThat(((InputFormatException) e).line()).isEqualTo(8))
                .hasMessageContaining("abc");
    }

    @Test
    void badResultsNameFileAndLine() throws IOException {
        NabCorpus c = loadTiny();
        NabDataFile f = c.files().get(0);
        Path dir = tmp.resolve("results/det");
        Path out = NabResultsWriter.write(dir, "det", f, new double[40]);
        List<String> good = Files.readAllLines(out);

        List<String> lines = new ArrayList<>(good);
        lines.set(10, lines.get(10).replace(",0.0,", ",x,"));
        Files.write(out, lines);
        assertLoadFails(c, dir, out, 11, "anomaly_score");

        lines = new ArrayList<>(good);
        lines.set(10, lines.get(10).replace(",0.0,", ",1.2,"));
        Files.write(out, lines);
        assertLoadFails(c, dir, out, 11, "[0, 1]");

        lines = new ArrayList<>(good);
        lines.set(5, lines.get(6));
        Files.write(out, lines);
        assertLoadFails(c, dir, out, 6, "does not match row 4");

        Files.write(out, good.subList(0, 30));
        assertLoadFails(c, dir, out, 30, "only 29 rows");

        Files.writeString(out, "timestamp,value,label\n");
        assertLoadFails(c, dir, out, 1, "anomaly_score");

        Files.delete(out);
        assertThatThrownBy(() -> NabResults.load(dir, "det", c))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("det_f.csv")
                .hasMessageContaining("not found");
    }

    private static void assertLoadFails(NabCorpus c, Path dir, Path file, long line, String text) {
        assertThatThrownBy(() -> NabResults.load(dir, "det", c))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining(text)
                .satisfies(e -> {
                    assertThat(((InputFormatException) e).file()).isEqualTo(file);
                    assertThat(((InputFormatException) e).line()).isEqualTo(line);
                });
    }

    @Test
    void invalidProfileWeightIsNamed() throws IOException {
        Path p = tmp.resolve("p.json");
        Files.writeString(p, "{\"x\": {\"CostMatrix\": {\"tpWeight\": 1, \"fpWeight\": -1,"
                + " \"fnWeight\": 1}}}");
        assertThatThrownBy(() -> NabProfiles.load(p)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("fpWeight");
    }
}

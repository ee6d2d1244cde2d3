package io.vaeanomaly.eval.telemanom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.io.InputFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemanomDatasetTest {
    @TempDir Path dir;

    @Test
    void loadsChannelsInNaturalOrderWithInclusiveLabels() throws IOException {
        TelemanomFixture.twoChannels(dir);

        TelemanomDataset ds = TelemanomDataset.load(dir);

        assertThat(ds.channels()).extracting(TelemanomChannel::name).containsExactly("A-2", "A-10");
        TelemanomChannel a2 = ds.channels().get(0);
        assertThat(a2.columns()).containsExactly("value", "cmd1", "cmd2");
        assertThat(a2.train()).hasNumberOfRows(150);
        assertThat(a2.train()[0]).hasSize(3);
        assertThat(a2.test()).hasNumberOfRows(100);
        assertThat(a2.testLabels()).hasSize(100);
        assertThat(a2.anomalousTestRows()).isEqualTo(15);
        assertThat(a2.testLabels()[9]).isFalse();
        assertThat(a2.testLabels()[10]).isTrue();
        assertThat(a2.testLabels()[14]).isTrue();
        assertThat(a2.testLabels()[15]).isFalse();
        assertThat(a2.testLabels()[69]).isTrue();
        assertThat(a2.testLabels()[70]).isFalse();
        assertThat(a2.anomalySequences()).containsExactly(new int[] {10, 14}, new int[] {60, 69});
        assertThat(ds.name()).isEqualTo(dir.getFileName().toString());
    }

    @Test
    void filtersChannels() throws IOException {
        TelemanomFixture.twoChannels(dir);

        TelemanomDataset ds = TelemanomDataset.load(dir, List.of("A-10"));

        assertThat(ds.channels()).extracting(TelemanomChannel::name).containsExactly("A-10");
        assertThatThrownBy(() -> TelemanomDataset.load(dir, List.of("Z-9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown channel 'Z-9'")
                .hasMessageContaining("A-2");
    }

    @Test
    void missingLabelsFileIsAFormatError() {
        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("labels.json")
                .hasMessageContaining("file not found");
    }

    @Test
    void numValuesMustMatchTestRows() throws IOException {
        TelemanomFixture.writeChannel(dir, "B-1", 1, 50, 40, new int[][] {{1, 2}});
        Files.writeString(
                dir.resolve("labels.json"),
                "{\"B-1\": {\"anomaly_sequences\": [[1, 2]], \"num_values\": 41}}");

        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("num_values is 41")
                .hasMessageContaining("40 data rows");
    }

    @Test
    void sequenceOutsideTestRowsIsAFormatError() throws IOException {
        TelemanomFixture.writeChannel(dir, "B-1", 1, 50, 40, new int[][] {{1, 2}});
        Files.writeString(
                dir.resolve("labels.json"), "{\"B-1\": {\"anomaly_sequences\": [[30, 40]]}}");

        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("[30, 40] is outside the 40 test rows");
    }

    @Test
    void malformedJsonAndSequencesAreFormatErrors() throws IOException {
        TelemanomFixture.writeChannel(dir, "B-1", 1, 50, 40, new int[][] {{1, 2}});
        Files.writeString(dir.resolve("labels.json"), "{\"B-1\": {\"anomaly_sequences\": [[1, 2]");
        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("invalid JSON");

        Files.writeString(dir.resolve("labels.json"), "{\"B-1\": {\"anomaly_sequences\": [[1]]}}");
        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("not a pair of integers");
    }

    @Test
    void badCsvNamesFileAndLine() throws IOException {
        TelemanomFixture.twoChannels(dir);
        Path test = dir.resolve("test").resolve("A-2.csv");
        List<String> lines = Files.readAllLines(test);
        lines.set(3, "0.1,x,0");
        Files.write(test, lines);

        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("A-2.csv:4")
                .hasMessageContaining("not a number");
    }

    @Test
    void trainAndTestColumnsMustMatch() throws IOException {
        TelemanomFixture.twoChannels(dir);
        Path train = dir.resolve("train").resolve("A-2.csv");
        List<String> lines = Files.readAllLines(train);
        lines.set(0, "value,cmd1,cmdX");
        Files.write(train, lines);

        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("differ from");
    }

    @Test
    void missingCsvIsAFormatError() throws IOException {
        TelemanomFixture.twoChannels(dir);
        Files.delete(dir.resolve("train").resolve("A-10.csv"));

        assertThatThrownBy(() -> TelemanomDataset.load(dir))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("A-10.csv")
                .hasMessageContaining("file not found");
    }
}

package io.vaeanomaly.eval.nab;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic NAB files and the path of the committed NAB slice. */
final class NabTestData {
    private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private NabTestData() {}

    /** The NAB slice root in test resources (data/, labels/, config/, results/). */
    static Path sliceRoot() {
        try {
            return Path.of(NabTestData.class.getResource("/nab/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Five-minute timestamps from 2020-01-01 00:00. */
    static List<String> timestamps(int rows) {
        LocalDateTime t = LocalDateTime.of(2020, 1, 1, 0, 0);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            out.add(t.plusMinutes(5L * i).format(FMT));
        }
        return out;
    }

    static NabDataFile file(String path, int rows, NabWindow... windows) {
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = Math.sin(i / 10.0);
        }
        return new NabDataFile(path, timestamps(rows), values, List.of(windows));
    }

    /** Results that put {@code 1.0} on the given rows of a one-file corpus and 0 elsewhere. */
    static NabResults hits(NabCorpus corpus, int... rows) {
        NabDataFile f = corpus.files().get(0);
        double[] s = new double[f.rows()];
        for (int r : rows) {
            s[r] = 1.0;
        }
        return NabResults.of("test", corpus, Map.of(f.relativePath(), s));
    }
}

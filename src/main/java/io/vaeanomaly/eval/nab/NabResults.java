package io.vaeanomaly.eval.nab;

import io.vaeanomaly.io.InputFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * A detector's anomaly scores for every file of a corpus: one score in [0, 1] per data row.
 * Immutable.
 */
public final class NabResults {
    private final String detector;
    private final Map<String, double[]> scores;

    private NabResults(String detector, Map<String, double[]> scores) {
        this.detector = detector;
        this.scores = scores;
    }

    /**
     * Results built in code: {@code scores} maps each corpus file's relative path to one anomaly
     * score per row.
     *
     * @throws IllegalArgumentException if a file is missing, has the wrong row count, or a score
     *     is not a finite number in [0, 1]
     */
    public static NabResults of(String detector, NabCorpus corpus, Map<String, double[]> scores) {
        Map<String, double[]> copy = new HashMap<>();
        for (NabDataFile f : corpus.files()) {
            double[] s = scores.get(f.relativePath());
            if (s == null) {
                throw new IllegalArgumentException("no scores for " + f.relativePath());
            }
            if (s.length != f.rows()) {
                throw new IllegalArgumentException(f.relativePath() + ": " + s.length
                        + " scores for " + f.rows() + " rows");
            }
            for (int i = 0; i < s.length; i++) {
                if (!(s[i] >= 0 && s[i] <= 1)) {
                    throw new IllegalArgumentException(f.relativePath() + ": row " + i
                            + ": anomaly score must be in [0, 1], got " + s[i]);
                }
            }
            double[] c = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                c[i] = s[i] + 0.0; // -0.0 sorts like 0.0
            }
            copy.put(f.relativePath(), c);
        }
        return new NabResults(detector, copy);
    }

    /**
     * Reads {@code <detectorDir>/<category>/<detector>_<file>.csv} for every corpus file. Each
     * needs {@code timestamp} and {@code anomaly_score} columns and exactly the data file's rows,
     * with matching timestamps (compared as date-times).
     *
     * @param detectorDir the detector's results directory, e.g. {@code results/windowedGaussian}
     * @param detector the detector name used as file-name prefix
     * @throws InputFormatException naming file and line for a missing file, missing column, bad
     *     cell, score outside [0, 1], timestamp mismatch, or too few/many rows
     */
    public static NabResults load(Path detectorDir, String detector, NabCorpus corpus) {
        Map<String, double[]> scores = new HashMap<>();
        for (NabDataFile f : corpus.files()) {
            scores.put(f.relativePath(), readFile(resultPath(detectorDir, detector, f), f));
        }
        return new NabResults(detector, scores);
    }

    /** Where NAB keeps {@code detector}'s results for {@code file} below {@code detectorDir}. */
    public static Path resultPath(Path detectorDir, String detector, NabDataFile file) {
        return detectorDir.resolve(file.category()).resolve(detector + "_" + file.fileName());
    }

    /** The detector name. */
    public String detector() {
        return detector;
    }

    /** A copy of the anomaly scores of {@code file}. */
    public double[] scores(NabDataFile file) {
        return scoresView(file).clone();
    }

    double[] scoresView(NabDataFile file) {
        double[] s = scores.get(file.relativePath());
        if (s == null) {
            throw new IllegalArgumentException("no results for " + file.relativePath());
        }
        return s;
    }

    private static double[] readFile(Path path, NabDataFile file) {
        double[] out = new double[file.rows()];
        int row = 0;
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new InputFormatException(path, 1, "empty file, expected a header row");
            }
            var cols = NabCsv.splitHeader(header);
            int tsCol = NabCsv.column(path, cols, "timestamp");
            int scoreCol = NabCsv.column(path, cols, "anomaly_score");
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (row >= file.rows()) {
                    throw new InputFormatException(path, lineNo, "more rows than the "
                            + file.rows() + " of data file " + file.relativePath());
                }
                String[] cells = NabCsv.split(path, lineNo, line, cols.size());
                String ts = cells[tsCol].trim();
                LocalDateTime t = NabTimestamps.parseOrNull(ts);
                String expected = file.timestamps().get(row);
                if (t == null || !t.equals(NabTimestamps.parseOrNull(expected))) {
                    throw new InputFormatException(path, lineNo, "timestamp '" + ts
                            + "' does not match row " + row + " of data file "
                            + file.relativePath() + " ('" + expected + "')");
                }
                double s = NabCsv.parseFinite(
                        path, lineNo, "anomaly_score", cells[scoreCol].trim());
                if (s < 0 || s > 1) {
                    throw new InputFormatException(path, lineNo,
                            "column 'anomaly_score': must be in [0, 1], got " + s);
                }
                out[row++] = s + 0.0; // -0.0 sorts like 0.0
            }
            if (row < file.rows()) {
                throw new InputFormatException(path, lineNo, "only " + row + " rows but data file "
                        + file.relativePath() + " has " + file.rows());
            }
        } catch (NoSuchFileException e) {
            throw new InputFormatException(path, 0,
                    "results file not found for data file " + file.relativePath());
        } catch (IOException e) {
            throw new InputFormatException(path, 0, "cannot read: " + e.getMessage());
        }
        return out;
    }
}

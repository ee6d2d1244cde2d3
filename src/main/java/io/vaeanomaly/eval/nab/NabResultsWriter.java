package io.vaeanomaly.eval.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a detector's scores in NAB's results format, {@code timestamp,value,anomaly_score,label},
 * to {@code <detectorDir>/<category>/<detector>_<file>.csv}, the layout {@link NabResults#load}
 * reads. {@code label} is 1 for rows inside a label window, else 0.
 */
public final class NabResultsWriter {
    private NabResultsWriter() {}

    /**
     * Writes one file's results.
     *
     * @param detectorDir the detector's results directory (created if needed)
     * @param detector detector name, the file-name prefix
     * @param file the data file the scores belong to
     * @param anomalyScores one score in [0, 1] per data row
     * @return the written path
     * @throws IllegalArgumentException for a bad detector name, wrong length or a score outside
     *     [0, 1]
     * @throws UncheckedIOException if writing fails
     */
    public static Path write(
            Path detectorDir, String detector, NabDataFile file, double[] anomalyScores) {
        if (detector == null || detector.isBlank() || detector.contains("/")
                || detector.contains("\\")) {
            throw new IllegalArgumentException("detector must be a non-blank name without "
                    + "path separators, got '" + detector + "'");
        }
        if (anomalyScores.length != file.rows()) {
            throw new IllegalArgumentException(file.relativePath() + ": " + anomalyScores.length
                    + " anomaly scores for " + file.rows() + " rows");
        }
        for (int i = 0; i < anomalyScores.length; i++) {
            if (!(anomalyScores[i] >= 0 && anomalyScores[i] <= 1)) {
                throw new IllegalArgumentException(file.relativePath() + ": row " + i
                        + ": anomaly score must be in [0, 1], got " + anomalyScores[i]);
            }
        }
        int[] windowOf = NabSweep.windowIndexOfRows(file);
        Path out = NabResults.resultPath(detectorDir, detector, file);
        try {
            Files.createDirectories(out.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write("timestamp,value,anomaly_score,label\n");
                for (int i = 0; i < file.rows(); i++) {
                    w.write(file.timestamps().get(i));
                    w.write(',');
                    w.write(file.valueText(i));
                    w.write(',');
                    // Double.toString round-trips exactly, so scoring the file reproduces ties.
                    w.write(Double.toString(anomalyScores[i]));
                    w.write(windowOf[i] >= 0 ? ",1\n" : ",0\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        return out;
    }
}

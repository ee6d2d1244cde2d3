package io.vaeanomaly.eval.nab;

import java.util.List;

/**
 * A detector's NAB result for one profile.
 *
 * @param profile the cost profile
 * @param threshold the corpus-wide threshold (rows with {@code anomaly_score >= threshold} are
 *     detections); {@link NabScorer#NO_DETECTION_THRESHOLD} means nothing is detected
 * @param rawScore sum of the per-file raw scores
 * @param normalizedScore {@code 100 * (raw - null) / (perfect - null)}; NaN without windows
 * @param nullRawScore raw score of a detector that never fires: {@code -fnWeight} per window
 * @param perfectRawScore raw score of a perfect detector: {@code tpWeight} per window
 * @param tp detected in-window rows over all files
 * @param tn undetected out-of-window rows over all files
 * @param fp detected out-of-window rows over all files
 * @param fn undetected in-window rows over all files
 * @param detectedWindows windows with at least one detection
 * @param windows number of windows in the corpus
 * @param files per-file results in corpus order
 */
public record NabScore(
        NabProfile profile,
        double threshold,
        double rawScore,
        double normalizedScore,
        double nullRawScore,
        double perfectRawScore,
        long tp,
        long tn,
        long fp,
        long fn,
        int detectedWindows,
        int windows,
        List<NabFileScore> files) {

    /** Copies the file list. */
    public NabScore {
        files = List.copyOf(files);
    }

    /** The result for one file, or {@code null}. */
    public NabFileScore file(String relativePath) {
        for (NabFileScore f : files) {
            if (f.relativePath().equals(relativePath)) {
                return f;
            }
        }
        return null;
    }
}

package io.vaeanomaly.eval.nab;

import java.util.List;

/**
 * One file's NAB result at the corpus threshold. Counts are of scored (non-probationary) rows, as
 * in NAB's {@code *_scores.csv}.
 *
 * @param relativePath the data file, e.g. {@code realKnownCause/nyc_taxi.csv}
 * @param rawScore the file's raw score: window contributions plus false-positive penalties
 * @param tp detected rows inside windows
 * @param tn undetected rows outside windows
 * @param fp detected rows outside windows
 * @param fn undetected rows inside windows
 * @param rows all rows of the file, probationary ones included
 * @param windowScores each window's contribution: its best detection's sweep score, or
 *     {@code -fnWeight} if undetected (0 for a window wholly inside the probationary period)
 * @param detectedWindows windows with at least one detection
 */
public record NabFileScore(
        String relativePath,
        double rawScore,
        long tp,
        long tn,
        long fp,
        long fn,
        int rows,
        List<Double> windowScores,
        int detectedWindows) {

    /** Copies the window list. */
    public NabFileScore {
        windowScores = List.copyOf(windowScores);
    }
}

package io.vaeanomaly.eval.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's scorer: finds the one anomaly-score threshold that maximises the corpus total for a
 * profile, then scores every file at it and normalises against the null and perfect detectors.
 *
 * <p>Threshold optimisation follows NAB's {@code Sweeper.calcScoreByThreshold} over the pooled
 * rows of all files: candidate thresholds are {@value #NO_DETECTION_THRESHOLD} (nothing detected)
 * and every distinct anomaly score, from high to low; the first candidate with the highest total
 * wins, so ties keep the higher threshold. The rows are sorted once per scorer (O(n log n)) and
 * each profile is swept in one incremental pass (O(n)).
 *
 * <p>Probationary rows (see {@link NabDataFile#probationaryRows()}) are neither detections nor
 * misses. A window counts once: its best (earliest) detection's sweep score, or
 * {@code -fnWeight} if none; every detection outside windows adds its (negative) sweep score.
 */
public final class NabScorer {
    /** The threshold that detects nothing (NAB starts its sweep at 1.1). */
    public static final double NO_DETECTION_THRESHOLD = 1.1;

    private final NabCorpus corpus;
    private final List<double[]> scores;
    /** First global window id of each file. */
    private final int[] windowBase;
    /** Pooled scored rows sorted by anomaly score, descending, stable in corpus order. */
    private final int[] sortedFile;
    private final int[] sortedRow;
    private final double[] sortedScore;

    /** Prepares scoring of {@code results} on {@code corpus}; sorts the pooled rows once. */
    public NabScorer(NabCorpus corpus, NabResults results) {
        this.corpus = corpus;
        this.scores = new ArrayList<>();
        this.windowBase = new int[corpus.files().size()];
        int pooled = 0;
        int windows = 0;
        for (int f = 0; f < corpus.files().size(); f++) {
            NabDataFile file = corpus.files().get(f);
            scores.add(results.scoresView(file));
            windowBase[f] = windows;
            windows += file.windows().size();
            pooled += file.rows() - file.probationaryRows();
        }
        long[] fileRow = new long[pooled];
        double[] key = new double[pooled];
        int k = 0;
        for (int f = 0; f < corpus.files().size(); f++) {
            NabDataFile file = corpus.files().get(f);
            double[] s = scores.get(f);
            for (int i = file.probationaryRows(); i < file.rows(); i++) {
                fileRow[k] = ((long) f << 32) | i;
                key[k++] = s[i];
            }
        }
        Integer[] order = new Integer[pooled];
        for (int i = 0; i < pooled; i++) {
            order[i] = i;
        }
        // TimSort is stable: equal scores stay in corpus order, as in NAB's sorted().
        Arrays.sort(order, (a, b) -> Double.compare(key[b], key[a]));
        sortedFile = new int[pooled];
        sortedRow = new int[pooled];
        sortedScore = new double[pooled];
        for (int i = 0; i < pooled; i++) {
            long fr = fileRow[order[i]];
            sortedFile[i] = (int) (fr >>> 32);
            sortedRow[i] = (int) fr;
            sortedScore[i] = key[order[i]];
        }
    }

    /** Optimises the threshold for {@code profile} and scores the corpus at it. */
    public static NabScore score(NabCorpus corpus, NabResults results, NabProfile profile) {
        return new NabScorer(corpus, results).score(profile);
    }

    /** Scores every profile, sharing one sort of the rows. */
    public List<NabScore> scoreAll(List<NabProfile> profiles) {
        List<NabScore> out = new ArrayList<>();
        for (NabProfile p : profiles) {
            out.add(score(p));
        }
        return out;
    }

    /** Optimises the threshold for {@code profile} and scores the corpus at it. */
    public NabScore score(NabProfile profile) {
        return scoreAtThreshold(profile, optimalThreshold(profile));
    }

    /**
     * The corpus-wide threshold with the highest total raw score for {@code profile}; the
     * highest such threshold on ties, {@link #NO_DETECTION_THRESHOLD} if no threshold beats
     * detecting nothing.
     */
    public double optimalThreshold(NabProfile profile) {
        List<NabDataFile> files = corpus.files();
        List<double[]> sweep = new ArrayList<>();
        List<int[]> windowOf = new ArrayList<>();
        int totalWindows = 0;
        for (NabDataFile file : files) {
            sweep.add(NabSweep.sweepScores(file, profile));
            windowOf.add(NabSweep.windowIndexOfRows(file));
            totalWindows += file.windows().size();
        }
        // Every scorable window starts as a miss; its entry is replaced by the best detection.
        double[] best = new double[totalWindows];
        double total = 0;
        for (int f = 0; f < files.size(); f++) {
            NabDataFile file = files.get(f);
            for (int w = 0; w < file.windows().size(); w++) {
                if (scorable(file, file.windows().get(w))) {
                    best[windowBase[f] + w] = -profile.fnWeight();
                    total -= profile.fnWeight();
                }
            }
        }
        double bestThreshold = NO_DETECTION_THRESHOLD;
        double bestTotal = total;
        int n = sortedScore.length;
        int i = 0;
        while (i < n) {
            double threshold = sortedScore[i];
            // All rows at this score become detections together.
            for (; i < n && sortedScore[i] == threshold; i++) {
                int f = sortedFile[i];
                int row = sortedRow[i];
                double s = sweep.get(f)[row];
                int w = windowOf.get(f)[row];
                if (w < 0) {
                    total += s;
                } else {
                    int g = windowBase[f] + w;
                    if (s > best[g]) {
                        total += s - best[g];
                        best[g] = s;
                    }
                }
            }
            if (total > bestTotal) {
                bestTotal = total;
                bestThreshold = threshold;
            }
        }
        return bestThreshold;
    }

    /**
     * Scores every file at a given threshold (rows with {@code anomaly_score >= threshold} are
     * detections), as NAB's scoring step does with the optimised threshold.
     */
    public NabScore scoreAtThreshold(NabProfile profile, double threshold) {
        List<NabFileScore> fileScores = new ArrayList<>();
        double raw = 0;
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        int detectedWindows = 0;
        int windows = 0;
        int scorableWindows = 0;
        for (int f = 0; f < corpus.files().size(); f++) {
            NabDataFile file = corpus.files().get(f);
            NabFileScore fs = scoreFile(file, scores.get(f), profile, threshold);
            fileScores.add(fs);
            raw += fs.rawScore();
            tp += fs.tp();
            tn += fs.tn();
            fp += fs.fp();
            fn += fs.fn();
            detectedWindows += fs.detectedWindows();
            windows += file.windows().size();
            for (NabWindow w : file.windows()) {
                scorableWindows += scorable(file, w) ? 1 : 0;
            }
        }
        // NAB normalises with the scored null detector (every scorable window missed) and a
        // perfect detector that hits the first row of every window.
        double nullRaw = -profile.fnWeight() * scorableWindows;
        double perfectRaw = profile.tpWeight() * windows;
        double normalized = perfectRaw == nullRaw
                ? Double.NaN : 100 * (raw - nullRaw) / (perfectRaw - nullRaw);
        return new NabScore(profile, threshold, raw, normalized, nullRaw, perfectRaw,
                tp, tn, fp, fn, detectedWindows, windows, fileScores);
    }

    private static NabFileScore scoreFile(
            NabDataFile file, double[] anomaly, NabProfile profile, double threshold) {
        double[] sweep = NabSweep.sweepScores(file, profile);
        int[] windowOf = NabSweep.windowIndexOfRows(file);
        int nw = file.windows().size();
        double[] best = new double[nw];
        boolean[] detected = new boolean[nw];
        double fpScore = 0;
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = file.probationaryRows(); i < file.rows(); i++) {
            boolean hit = anomaly[i] >= threshold;
            int w = windowOf[i];
            if (w < 0) {
                if (hit) {
                    fp++;
                    fpScore += sweep[i];
                } else {
                    tn++;
                }
            } else if (hit) {
                tp++;
                // Sweep scores fall along a window, so the first detection is the best.
                if (!detected[w] || sweep[i] > best[w]) {
                    best[w] = sweep[i];
                }
                detected[w] = true;
            } else {
                fn++;
            }
        }
        List<Double> windowScores = new ArrayList<>();
        double raw = fpScore;
        int detectedCount = 0;
        for (int w = 0; w < nw; w++) {
            double contribution;
            if (detected[w]) {
                contribution = best[w];
                detectedCount++;
            } else if (scorable(file, file.windows().get(w))) {
                contribution = -profile.fnWeight();
            } else {
                contribution = 0.0;
            }
            windowScores.add(contribution);
            raw += contribution;
        }
        return new NabFileScore(file.relativePath(), raw, tp, tn, fp, fn, file.rows(),
                windowScores, detectedCount);
    }

    /** NAB only scores windows with at least one row after the probationary period. */
    private static boolean scorable(NabDataFile file, NabWindow w) {
        return w.end() >= file.probationaryRows();
    }
}

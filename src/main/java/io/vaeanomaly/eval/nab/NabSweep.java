package io.vaeanomaly.eval.nab;

import java.util.Arrays;
import java.util.List;

/**
 * NAB's per-row "sweep score": what a detection at each row would add to the file's score, as in
 * {@code Sweeper.calcSweepScore} of numenta/NAB.
 *
 * <ul>
 *   <li>inside a window of width {@code w} ending at row {@code r}:
 *       {@code scaledSigmoid(-(r - i + 1) / w) * tpWeight / scaledSigmoid(-1)}, so the first row
 *       of a window is worth exactly {@code tpWeight} and the value falls towards the end;
 *   <li>outside, before any window: {@code -fpWeight};
 *   <li>outside, after a window of width {@code w} ending at row {@code r}:
 *       {@code scaledSigmoid(|r - i| / (w - 1)) * fpWeight}, a penalty that grows to
 *       {@code -fpWeight} with distance from the window.
 * </ul>
 */
public final class NabSweep {
    private static final double MAX_TP = scaledSigmoid(-1.0);

    private NabSweep() {}

    /**
     * NAB's scaled sigmoid: {@code 2 / (1 + exp(5x)) - 1}, and exactly {@code -1} for
     * {@code x >= 3}.
     */
    public static double scaledSigmoid(double x) {
        if (x >= 3.0) {
            return -1.0;
        }
        // Same evaluation order as NAB: 2 * sigmoid(-5x) - 1.
        return 2 * (1 / (1 + Math.exp(5 * x))) - 1.0;
    }

    /**
     * The weighted sweep score of every row of {@code file} (probationary rows included, as NAB
     * computes them too; the scorer ignores them).
     *
     * <p>A one-row window followed by rows makes NAB divide by zero; here the distance is then
     * infinite and the rows after it score {@code -fpWeight}.
     */
    public static double[] sweepScores(NabDataFile file, NabProfile profile) {
        double[] out = new double[file.rows()];
        List<NabWindow> windows = file.windows();
        int next = 0;
        NabWindow cur = null;
        NabWindow prev = null;
        for (int i = 0; i < out.length; i++) {
            if (next < windows.size() && i == windows.get(next).start()) {
                cur = windows.get(next++);
            }
            if (cur != null) {
                double position = -(cur.end() - i + 1) / (double) cur.width();
                out[i] = scaledSigmoid(position) * profile.tpWeight() / MAX_TP;
            } else {
                double past = prev == null ? 3.0 : Math.abs(prev.end() - i) / (prev.width() - 1.0);
                out[i] = scaledSigmoid(past) * profile.fpWeight();
            }
            if (cur != null && i == cur.end()) {
                prev = cur;
                cur = null;
            }
        }
        return out;
    }

    /** For each row, the index of its window in {@code file.windows()}, or -1 outside. */
    static int[] windowIndexOfRows(NabDataFile file) {
        int[] out = new int[file.rows()];
        Arrays.fill(out, -1);
        List<NabWindow> windows = file.windows();
        for (int k = 0; k < windows.size(); k++) {
            for (int i = windows.get(k).start(); i <= windows.get(k).end(); i++) {
                out[i] = k;
            }
        }
        return out;
    }
}

package io.vaeanomaly.train;

import io.vaeanomaly.diagnostics.EpochDiagnostics;
import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.Verdict;
import java.util.List;

/**
 * One restart of a training run.
 *
 * @param run 0-based restart index
 * @param seed the seed of this restart
 * @param verdict its verdict
 * @param reason why that verdict, in words
 * @param stoppedEarly whether early stopping ended it
 * @param epochs per-epoch diagnostics
 * @param finalHeldOut diagnostics of the returned (best) parameters on all held-out rows; null
 *     when the run diverged
 */
public record RunReport(
        int run,
        long seed,
        Verdict verdict,
        String reason,
        boolean stoppedEarly,
        List<EpochDiagnostics> epochs,
        HeldOutMetrics finalHeldOut) {}

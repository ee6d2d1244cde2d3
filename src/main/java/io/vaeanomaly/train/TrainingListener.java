package io.vaeanomaly.train;

import io.vaeanomaly.diagnostics.EpochDiagnostics;

/** Receives every epoch's diagnostics, for progress display. */
@FunctionalInterface
public interface TrainingListener {
    TrainingListener NONE = (run, maxEpochs, epoch) -> {};

    /** Called after every epoch of run {@code run} (0-based restart index). */
    void onEpoch(int run, int maxEpochs, EpochDiagnostics epoch);
}

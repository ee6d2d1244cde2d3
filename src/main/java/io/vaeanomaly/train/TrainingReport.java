package io.vaeanomaly.train;

import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.Verdict;
import java.util.List;

/**
 * Everything a training run measured, JSON-serialisable (Jackson maps records directly).
 *
 * @param recipe recipe name
 * @param model architecture summary
 * @param trainRows rows used for gradient steps
 * @param heldoutRows rows held out for diagnostics, early stopping and restart selection
 * @param runs every restart
 * @param chosenRun index of the restart whose model is returned (best held-out IWAE among usable
 *     runs), or -1 when none is usable
 * @param verdict the verdict of the chosen run (or the best one when none is usable)
 * @param reason why, in words
 * @param finalHeldOut held-out diagnostics of the returned model; null when diverged
 * @param collapsedDimensions latent dimensions that are inactive in the returned model
 * @param seconds wall time
 * @param epochBudget the most epochs a restart could run ({@link TrainingRecipe#epochBudget})
 * @param minSteps the minimum optimizer steps that set the budget; 0 when the recipe gave an
 *     explicit epoch maximum (which min-steps never raises)
 */
public record TrainingReport(
        String recipe,
        String model,
        int trainRows,
        int heldoutRows,
        List<RunReport> runs,
        int chosenRun,
        Verdict verdict,
        String reason,
        HeldOutMetrics finalHeldOut,
        int[] collapsedDimensions,
        double seconds,
        int epochBudget,
        int minSteps) {

    /** Epochs of the chosen run (or of the last run when none was chosen). */
    public int epochs() {
        RunReport r = chosenRun >= 0 ? runs.get(chosenRun) : runs.get(runs.size() - 1);
        return r.epochs().size();
    }
}

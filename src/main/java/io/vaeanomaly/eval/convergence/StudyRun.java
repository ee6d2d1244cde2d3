package io.vaeanomaly.eval.convergence;

import io.vaeanomaly.diagnostics.Verdict;

/**
 * One training run of the convergence study: one recipe, one seed.
 *
 * @param recipe recipe name
 * @param seedIndex 0-based index of the seed within the study
 * @param seed the recipe seed used (equals {@code seedIndex})
 * @param verdict the trainer's verdict
 * @param collapsed active units on the evaluation rows are 0 or below the data's {@linkplain
 *     EffectiveDimension effective dimension}; false for a diverged run
 * @param diverged the trainer returned no finite model
 * @param heldoutElbo ELBO on the study's evaluation rows (NaN when diverged)
 * @param heldoutIwae IWAE bound on the evaluation rows (NaN when diverged)
 * @param activeUnits active latent units on the evaluation rows (0 when diverged)
 * @param klPerDimension final KL per latent dimension on the evaluation rows (empty when
 *     diverged)
 * @param epochs epochs trained
 * @param seconds wall time of the training
 * @param aucPr downstream AUC-PR on labelled test rows, NaN when there are none or diverged
 * @param elboCurve the trainer's held-out ELBO after every epoch (its own validation rows)
 */
public record StudyRun(
        String recipe,
        int seedIndex,
        long seed,
        Verdict verdict,
        boolean collapsed,
        boolean diverged,
        double heldoutElbo,
        double heldoutIwae,
        int activeUnits,
        double[] klPerDimension,
        int epochs,
        double seconds,
        double aucPr,
        double[] elboCurve) {}

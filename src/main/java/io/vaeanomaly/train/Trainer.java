package io.vaeanomaly.train;

import io.vaeanomaly.diagnostics.EpochDiagnostics;
import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.ModelEvaluator;
import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.kernel.TrainingKernel;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Trains a {@link Vae} with a {@link TrainingRecipe}: minibatch Adam on the negative ELBO with KL
 * weight beta and free bits, learning-rate warm-up and decay on plateau, gradient-norm clipping,
 * early stopping on held-out ELBO, and best-of-N restarts chosen by held-out IWAE.
 *
 * <p>Steps and evaluations run on the fused float32 {@link TrainingKernel} ({@link
 * TrainingRecipe#threads()} threads); the ND4J {@link Vae} remains the parameter store and the
 * double-precision reference the kernel is tested against.
 *
 * <p>Diagnostics cost what they are worth: every epoch a cheap held-out ELBO on the kernel
 * ({@link TrainingRecipe#elboSamples()} samples per row, the same evaluation noise every epoch
 * and restart), with KL per dimension, active units and the decoder sigmas at the floor; the IWAE
 * bound and mutual information every {@link TrainingRecipe#diagnosticsEvery()} epochs at full KL
 * weight (null in the other epochs' figures) and always for the returned model.
 *
 * <p>All randomness (split, initialisation, shuffling, noise) derives from the recipe seed, and
 * the kernel's results do not depend on the thread count, so the same seed and data give
 * bit-identical parameters. A NaN or Inf ends a restart with the verdict {@link Verdict#DIVERGED};
 * such parameters are never returned.
 */
public final class Trainer {
    private static final double IMPROVEMENT_TOLERANCE = 0.01;

    /** Trains on {@code rows} (already normalised), each of length {@code config.inputDim()}. */
    public TrainingResult train(
            double[][] rows, VaeConfig config, TrainingRecipe recipe, TrainingListener listener) {
        long start = System.nanoTime();
        checkRows(rows, config.inputDim());
        GaussianNoise splitter = new GaussianNoise(recipe.seed());
        int[] perm = splitter.permutation(rows.length);
        int nHeld = recipe.heldoutRows(rows.length);
        double[][] heldout = new double[nHeld][];
        double[][] train = new double[rows.length - nHeld][];
        for (int i = 0; i < rows.length; i++) {
            if (i < nHeld) {
                heldout[i] = rows[perm[i]];
            } else {
                train[i - nHeld] = rows[perm[i]];
            }
        }
        double[][] heldoutSubset =
                Arrays.copyOf(heldout, Math.min(heldout.length, recipe.diagnosticRows()));
        // Same evaluation noise for every epoch and restart: figures are comparable.
        float[] evalNoise =
                new float[heldoutSubset.length * recipe.elboSamples() * config.latentDim()];
        new GaussianNoise(recipe.seed() ^ 0x2545F4914F6CDD1DL).fill(evalNoise);
        int epochBudget = recipe.epochBudget(train.length);
        List<RunReport> runs = new ArrayList<>();
        List<VaeParameters> results = new ArrayList<>();
        int batch = Math.min(recipe.batchSize(), train.length);
        try (TrainingKernel kernel =
                new TrainingKernel(config, batch, recipe.effectiveThreads())) {
            for (int r = 0; r < recipe.restarts(); r++) {
                long seed = recipe.seed() + 1_000_003L * r;
                RunState s =
                        new RunState(
                                config, recipe, seed, train, heldout, heldoutSubset, evalNoise, r,
                                listener, kernel);
                runs.add(s.run());
                results.add(s.resultParams);
            }
        }
        int chosen = -1;
        for (int r = 0; r < runs.size(); r++) {
            RunReport rr = runs.get(r);
            if (rr.verdict().usable()
                    && (chosen < 0
                            || rr.finalHeldOut().iwae() > runs.get(chosen).finalHeldOut().iwae())) {
                chosen = r;
            }
        }
        int shown = chosen;
        if (shown < 0) {
            // None usable: report the best finite (collapsed) one, or the last one.
            for (int r = 0; r < runs.size(); r++) {
                RunReport rr = runs.get(r);
                if (rr.finalHeldOut() != null
                        && (shown < 0
                                || runs.get(shown).finalHeldOut() == null
                                || rr.finalHeldOut().iwae() > runs.get(shown).finalHeldOut().iwae())) {
                    shown = r;
                }
            }
            if (shown < 0) {
                shown = runs.size() - 1;
            }
        }
        RunReport pick = runs.get(shown);
        VaeParameters params = results.get(shown);
        Optional<Vae> model =
                params == null ? Optional.empty() : Optional.of(new Vae(config, params));
        int[] collapsed =
                pick.finalHeldOut() == null
                        ? new int[0]
                        : pick.finalHeldOut()
                                .inactiveDimensions(ModelEvaluator.ACTIVE_UNIT_THRESHOLD);
        TrainingReport report =
                new TrainingReport(
                        recipe.name(),
                        config.toString(),
                        train.length,
                        heldout.length,
                        runs,
                        chosen,
                        pick.verdict(),
                        pick.reason(),
                        pick.finalHeldOut(),
                        collapsed,
                        (System.nanoTime() - start) / 1e9,
                        epochBudget,
                        recipe.maxEpochs() > 0 ? 0 : recipe.minSteps());
        return new TrainingResult(model, report);
    }

    private static void checkRows(double[][] rows, int dim) {
        if (rows.length < 10) {
            throw new IllegalArgumentException(
                    "training data: need at least 10 rows but got " + rows.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dim) {
                throw new IllegalArgumentException(
                        "training data: row "
                                + i
                                + " has "
                                + rows[i].length
                                + " values, expected "
                                + dim);
            }
            for (double v : rows[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(
                            "training data: row " + i + " holds a non-finite value " + v);
                }
            }
        }
    }

    /** One restart. */
    private static final class RunState {
        private final VaeConfig config;
        private final TrainingRecipe recipe;
        private final long seed;
        private final double[][] train;
        private final double[][] heldout;
        private final double[][] heldoutSubset;
        private final float[] evalNoise;
        private final int run;
        private final TrainingListener listener;
        private final TrainingKernel kernel;
        VaeParameters resultParams;

        RunState(
                VaeConfig config,
                TrainingRecipe recipe,
                long seed,
                double[][] train,
                double[][] heldout,
                double[][] heldoutSubset,
                float[] evalNoise,
                int run,
                TrainingListener listener,
                TrainingKernel kernel) {
            this.config = config;
            this.recipe = recipe;
            this.seed = seed;
            this.train = train;
            this.heldout = heldout;
            this.heldoutSubset = heldoutSubset;
            this.evalNoise = evalNoise;
            this.run = run;
            this.listener = listener;
            this.kernel = kernel;
        }

        RunReport run() {
            long t0 = System.nanoTime();
            VaeParameters params = VaeParameters.initialise(config, seed);
            kernel.load(params);
            GaussianNoise noise = new GaussianNoise(seed ^ 0x9E3779B97F4A7C15L);
            // The expensive figures (IWAE, mutual information), with the same evaluation noise
            // for every epoch and restart.
            ModelEvaluator evaluator = new ModelEvaluator(recipe.iwaeSamples(), recipe.seed());
            int n = train.length;
            int k = config.latentDim();
            int batch = Math.min(recipe.batchSize(), n);
            long stepsPerEpoch = (n + batch - 1) / batch;
            int maxEpochs = recipe.epochBudget(n);
            long totalSteps = stepsPerEpoch * maxEpochs;
            KlSchedule schedule = recipe.klSchedule();
            float[] eps = new float[batch * k];
            float[] best = kernel.newSnapshot();
            boolean haveBest = false;
            List<EpochDiagnostics> epochs = new ArrayList<>();
            long step = 0;
            double lrScale = 1.0;
            double bestElbo = Double.NEGATIVE_INFINITY;
            int sinceBest = 0;
            int sincePlateauBest = 0;
            int lastExpensive = 0;
            boolean stoppedEarly = false;

            for (int epoch = 1; epoch <= maxEpochs; epoch++) {
                int[] perm = noise.permutation(n);
                double sumRecon = 0;
                double sumKl = 0;
                double sumNorm = 0;
                int clipped = 0;
                int steps = 0;
                double betaAtStart = schedule.beta(step, stepsPerEpoch, totalSteps);
                double beta = betaAtStart;
                double lr = recipe.learningRate();
                for (int off = 0; off < n; off += batch) {
                    int b = Math.min(batch, n - off);
                    for (int i = 0; i < b; i++) {
                        kernel.setRow(i, train[perm[off + i]]);
                    }
                    for (int i = 0; i < b * k; i++) {
                        eps[i] = (float) noise.next();
                    }
                    kernel.setNoise(eps, b);
                    beta = schedule.beta(step, stepsPerEpoch, totalSteps);
                    double warm =
                            recipe.lrWarmupSteps() == 0
                                    ? 1.0
                                    : Math.min(1.0, (step + 1.0) / recipe.lrWarmupSteps());
                    lr =
                            Math.max(
                                    recipe.minLearningRate() * warm,
                                    recipe.learningRate() * lrScale * warm);
                    TrainingKernel.StepStats res =
                            kernel.step(b, beta, recipe.freeBits(), lr, recipe.clipNorm());
                    if (!res.finite()) {
                        return diverged(epochs, epoch, "non-finite loss or gradient", t0);
                    }
                    if (res.clipped()) {
                        clipped++;
                    }
                    sumRecon += res.reconstruction();
                    sumKl += res.kl();
                    sumNorm += res.gradientNorm();
                    steps++;
                    step++;
                }
                if (!kernel.parametersFinite()) {
                    return diverged(epochs, epoch, "non-finite parameters", t0);
                }
                // Held-out ELBO is only comparable across epochs trained at full KL weight: under
                // annealing a low beta buys reconstruction at the price of KL.
                boolean comparable = betaAtStart >= schedule.betaMax() * 0.999;
                HeldOutMetrics held = cheapHeldOut();
                if (comparable
                        && recipe.diagnosticsEvery() > 0
                        && epoch - lastExpensive >= recipe.diagnosticsEvery()) {
                    held =
                            held.withIwaeAndMutualInformation(
                                    evaluator.evaluate(kernel, heldoutSubset));
                    lastExpensive = epoch;
                }
                if (!held.isFinite()) {
                    return diverged(epochs, epoch, "non-finite held-out ELBO", t0);
                }
                EpochDiagnostics diag =
                        new EpochDiagnostics(
                                epoch,
                                beta,
                                lr,
                                (sumRecon - sumKl) / steps,
                                sumRecon / steps,
                                sumKl / steps,
                                sumNorm / steps,
                                (double) clipped / steps,
                                held,
                                (System.nanoTime() - t0) / 1e9);
                epochs.add(diag);
                listener.onEpoch(run, maxEpochs, diag);

                if (!comparable) {
                    continue;
                }
                if (held.elbo() > bestElbo + recipe.minDelta()) {
                    bestElbo = held.elbo();
                    kernel.snapshot(best);
                    haveBest = true;
                    sinceBest = 0;
                    sincePlateauBest = 0;
                } else {
                    sinceBest++;
                    sincePlateauBest++;
                    if (sincePlateauBest >= recipe.plateauPatience()) {
                        lrScale *= recipe.plateauFactor();
                        sincePlateauBest = 0;
                    }
                }
                if (recipe.earlyStoppingPatience() > 0
                        && sinceBest >= recipe.earlyStoppingPatience()) {
                    stoppedEarly = true;
                    break;
                }
            }
            if (haveBest) {
                kernel.restore(best);
            }
            kernel.writeTo(params);
            HeldOutMetrics fin = evaluator.evaluate(kernel, heldout);
            if (!fin.isFinite() || !params.isFinite()) {
                return diverged(epochs, epochs.size(), "non-finite final evaluation", t0);
            }
            resultParams = params;
            Verdict verdict;
            String reason;
            if (fin.activeUnits() < recipe.minActiveUnits()) {
                verdict = Verdict.COLLAPSED;
                reason =
                        "posterior collapse: "
                                + fin.activeUnits()
                                + " active latent units, need "
                                + recipe.minActiveUnits()
                                + "; inactive dimensions "
                                + Arrays.toString(
                                        fin.inactiveDimensions(
                                                ModelEvaluator.ACTIVE_UNIT_THRESHOLD));
            } else if (stoppedEarly) {
                verdict = Verdict.CONVERGED;
                reason =
                        "held-out ELBO did not improve for "
                                + recipe.earlyStoppingPatience()
                                + " epochs";
            } else if (stillImproving(epochs)) {
                verdict = Verdict.NOT_CONVERGED;
                reason = "epoch budget ran out while held-out ELBO was improving";
            } else {
                verdict = Verdict.CONVERGED;
                reason = "held-out ELBO flat over the last epochs";
            }
            return new RunReport(run, seed, verdict, reason, stoppedEarly, epochs, fin);
        }

        /** The per-epoch held-out figures from the kernel: no IWAE or mutual information. */
        private HeldOutMetrics cheapHeldOut() {
            TrainingKernel.EvalStats e =
                    kernel.evaluate(heldoutSubset, evalNoise, recipe.elboSamples());
            double[] latentVar = e.latentVariance().clone();
            double kl = e.kl();
            return new HeldOutMetrics(
                    e.rows(),
                    e.reconstruction() - kl,
                    e.reconstruction(),
                    kl,
                    e.klPerDimension().clone(),
                    ModelEvaluator.activeUnits(latentVar),
                    latentVar,
                    null,
                    null,
                    0,
                    e.sigmaAtFloorShare());
        }

        private static boolean stillImproving(List<EpochDiagnostics> epochs) {
            int n = epochs.size();
            if (n < 6) {
                return true;
            }
            double recent = epochs.get(n - 1).heldOut().elbo();
            double before = epochs.get(n - 6).heldOut().elbo();
            return recent - before > IMPROVEMENT_TOLERANCE * 5;
        }

        private RunReport diverged(
                List<EpochDiagnostics> epochs, int epoch, String what, long t0) {
            resultParams = null;
            return new RunReport(
                    run,
                    seed,
                    Verdict.DIVERGED,
                    what + " in epoch " + epoch,
                    false,
                    epochs,
                    null);
        }
    }
}

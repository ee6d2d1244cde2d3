package io.vaeanomaly.eval.convergence;

import io.vaeanomaly.diagnostics.EpochDiagnostics;
import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.ModelEvaluator;
import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.eval.metrics.PointwiseMetrics;
import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.feature.Normalizer;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.Score;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.RunReport;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingListener;
import io.vaeanomaly.train.TrainingRecipe;
import io.vaeanomaly.train.TrainingResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How reliably each training recipe converges: trains the same architecture on the same data with
 * every recipe and seeds {@code 0 .. N-1}, and records per run whether it collapsed or diverged,
 * its held-out ELBO and IWAE, active units, epochs and time, and optionally the detection quality
 * (AUC-PR) on labelled rows.
 *
 * <p>Protocol. The rows are standardised once (a {@link Normalizer} fitted on all given rows). A
 * fixed share ({@link #EVAL_SHARE}) of the rows, chosen with a fixed seed, is set aside as
 * <em>evaluation rows</em>: no run trains on them, and every run's final model is measured on
 * them with the same evaluation noise, so held-out ELBOs are comparable across recipes and seeds.
 * The trainer splits the remaining rows again, by the run's seed, into its own training and
 * validation rows (for early stopping); the ELBO curves come from that validation split.
 *
 * <p>A run is <em>collapsed</em> when its active units on the evaluation rows are 0 or fewer than
 * the {@linkplain EffectiveDimension effective dimension} of the (standardised) training rows:
 * principal components explaining 90% of the variance, capped at the latent size. It is
 * <em>diverged</em> when the trainer returned no finite model (verdict {@link Verdict#DIVERGED}).
 */
public final class ConvergenceStudy {
    /** Share of the rows set aside as common evaluation rows. */
    public static final double EVAL_SHARE = 0.2;

    /** Seed of the evaluation split and of the evaluation noise (fixed for all runs). */
    public static final long EVAL_SEED = 20_240_601L;

    /** IWAE samples for the final evaluation. */
    public static final int EVAL_IWAE_SAMPLES = 32;

    /** Latent samples per row for the downstream anomaly scores. */
    public static final int SCORE_SAMPLES = 16;

    private final VaeConfig config;
    private final List<TrainingRecipe> recipes;
    private final int seeds;

    /** Receives each run as it finishes (for progress display). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = run -> {};

        void onRun(StudyRun run);
    }

    /**
     * Everything the study measured.
     *
     * @param rows rows given
     * @param evaluationRows rows set aside for the common evaluation
     * @param effectiveDimension effective dimension of the standardised training rows
     * @param latentDim latent dimensions of the model
     * @param runs every run, recipe by recipe, seed by seed
     * @param summaries per recipe, in recipe order
     */
    public record Result(
            int rows,
            int evaluationRows,
            int effectiveDimension,
            int latentDim,
            List<StudyRun> runs,
            Map<String, RecipeSummary> summaries) {}

    /**
     * @param config architecture, the same for all runs; its input dimension must match the rows
     * @param recipes at least one, distinct names; their seeds are replaced by the seed index
     * @param seeds runs per recipe, {@code >= 1}
     */
    public ConvergenceStudy(VaeConfig config, List<TrainingRecipe> recipes, int seeds) {
        this.config = Objects.requireNonNull(config, "config");
        if (recipes.isEmpty()) {
            throw new IllegalArgumentException("recipes: must not be empty");
        }
        Set<String> names = new HashSet<>();
        for (TrainingRecipe r : recipes) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("recipes: duplicate name '" + r.name() + "'");
            }
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds: must be >= 1 but was " + seeds);
        }
        this.recipes = List.copyOf(recipes);
        this.seeds = seeds;
    }

    /** Runs the study on {@code rows} (raw) without a downstream check. */
    public Result run(double[][] rows, Listener listener) {
        return run(rows, Optional.empty(), listener);
    }

    /**
     * Runs the study.
     *
     * @param rows raw training rows, each of length {@code config.inputDim()}
     * @param labelled optional labelled rows (same layout) for the downstream AUC-PR
     * @param listener called after every run
     */
    public Result run(double[][] rows, Optional<LabelledRows> labelled, Listener listener) {
        int d = config.inputDim();
        if (rows.length < 20) {
            throw new IllegalArgumentException(
                    "rows: need at least 20 rows but got " + rows.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "rows: row " + i + " has " + rows[i].length + " values, expected " + d);
            }
        }
        labelled.ifPresent(
                l -> {
                    if (l.rows()[0].length != d) {
                        throw new IllegalArgumentException(
                                "labelled rows have "
                                        + l.rows()[0].length
                                        + " values, expected "
                                        + d);
                    }
                });
        Normalizer stats = new Normalizer(d);
        stats.updateAll(rows);
        FrozenNormalizer norm = stats.freeze();
        double[][] x = norm.normalize(rows);
        int[] perm = new GaussianNoise(EVAL_SEED).permutation(x.length);
        int nEval = Math.max(1, (int) Math.round(x.length * EVAL_SHARE));
        double[][] eval = new double[nEval][];
        double[][] fit = new double[x.length - nEval][];
        for (int i = 0; i < x.length; i++) {
            if (i < nEval) {
                eval[i] = x[perm[i]];
            } else {
                fit[i - nEval] = x[perm[i]];
            }
        }
        int effective =
                EffectiveDimension.of(fit, EffectiveDimension.DEFAULT_SHARE, config.latentDim());
        double[][] test = labelled.map(l -> norm.normalize(l.rows())).orElse(null);
        boolean[] labels = labelled.map(LabelledRows::labels).orElse(null);
        ModelEvaluator evaluator = new ModelEvaluator(EVAL_IWAE_SAMPLES, EVAL_SEED);

        List<StudyRun> runs = new ArrayList<>();
        Map<String, RecipeSummary> summaries = new LinkedHashMap<>();
        for (TrainingRecipe base : recipes) {
            List<StudyRun> mine = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                TrainingRecipe recipe = base.toBuilder().seed(s).build();
                StudyRun run = one(fit, eval, test, labels, effective, recipe, s, evaluator);
                mine.add(run);
                runs.add(run);
                listener.onRun(run);
            }
            summaries.put(base.name(), RecipeSummary.of(base.name(), mine));
        }
        return new Result(
                rows.length,
                nEval,
                effective,
                config.latentDim(),
                List.copyOf(runs),
                java.util.Collections.unmodifiableMap(summaries));
    }

    private StudyRun one(
            double[][] fit,
            double[][] eval,
            double[][] test,
            boolean[] labels,
            int effective,
            TrainingRecipe recipe,
            int seedIndex,
            ModelEvaluator evaluator) {
        TrainingResult result = new Trainer().train(fit, config, recipe, TrainingListener.NONE);
        var report = result.report();
        RunReport shown =
                report.runs()
                        .get(report.chosenRun() >= 0 ? report.chosenRun() : report.runs().size() - 1);
        double[] curve =
                shown.epochs().stream()
                        .map(EpochDiagnostics::heldOut)
                        .mapToDouble(HeldOutMetrics::elbo)
                        .toArray();
        Optional<Vae> model = result.model();
        if (model.isEmpty()) {
            return new StudyRun(
                    recipe.name(),
                    seedIndex,
                    recipe.seed(),
                    Verdict.DIVERGED,
                    false,
                    true,
                    Double.NaN,
                    Double.NaN,
                    0,
                    new double[0],
                    shown.epochs().size(),
                    report.seconds(),
                    Double.NaN,
                    curve);
        }
        HeldOutMetrics m = evaluator.evaluate(model.get(), eval);
        boolean collapsed = m.activeUnits() == 0 || m.activeUnits() < effective;
        double auc = Double.NaN;
        if (test != null) {
            ReconstructionScorer scorer =
                    new ReconstructionScorer(
                            model.get(), SCORE_SAMPLES, ScoreMode.LOG_MEAN_EXP, 0, 7);
            Score[] scores = scorer.score(test);
            double[] anomaly = new double[scores.length];
            for (int i = 0; i < scores.length; i++) {
                anomaly[i] = -scores[i].logProb();
            }
            auc = PointwiseMetrics.averagePrecision(anomaly, labels);
        }
        return new StudyRun(
                recipe.name(),
                seedIndex,
                recipe.seed(),
                report.verdict(),
                collapsed,
                false,
                m.elbo(),
                m.iwae(),
                m.activeUnits(),
                m.klPerDimension().clone(),
                shown.epochs().size(),
                report.seconds(),
                auc,
                curve);
    }
}

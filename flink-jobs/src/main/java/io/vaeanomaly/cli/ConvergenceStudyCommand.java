package io.vaeanomaly.cli;

import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.eval.convergence.ConvergenceStudy;
import io.vaeanomaly.eval.convergence.LabelledRows;
import io.vaeanomaly.eval.convergence.RecipeSummary;
import io.vaeanomaly.eval.convergence.StudyRun;
import io.vaeanomaly.feature.Shingler;
import io.vaeanomaly.io.InputFormatException;
import io.vaeanomaly.io.NumericCsvReader;
import io.vaeanomaly.io.NumericTable;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.train.TrainingRecipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code convergence-study}: trains the same VAE on the same data with several recipes and seeds
 * {@code 0..N-1} and reports how often each recipe collapses or diverges and how much its
 * held-out ELBO varies across seeds (see {@link ConvergenceStudy} for the protocol).
 */
@Command(
        name = "convergence-study",
        mixinStandardHelpOptions = true,
        description = {
            "Train one architecture with several recipes over N seeds and compare collapse rate,"
                    + " divergence rate and held-out ELBO spread.",
            "Prints a table, writes a CSV of all runs, and with --out PNG plots of the held-out"
                    + " ELBO curves and of the final KL per latent dimension."
        })
public final class ConvergenceStudyCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "--input", required = true, description = "CSV file with a header row.")
    Path input;

    @Option(
            names = "--seeds",
            defaultValue = "20",
            description = "Runs per recipe; run i uses seed i (${DEFAULT-VALUE}).")
    int seeds;

    @Option(
            names = "--recipes",
            split = ",",
            defaultValue = "plain,warmup,cyclical,freebits,default",
            description = "Recipes to compare (${DEFAULT-VALUE}).")
    List<String> recipes;

    @Option(
            names = "--shingle",
            defaultValue = "1",
            description =
                    "Sliding windows of W consecutive rows as model input (for univariate"
                            + " series); 1 = off (${DEFAULT-VALUE}).")
    int shingle;

    @Option(
            names = "--test",
            description =
                    "Optional labelled CSV (same columns plus --label-column) for the downstream"
                            + " AUC-PR of every run.")
    Path test;

    @Option(
            names = "--label-column",
            defaultValue = "label",
            description = "Label column of --test: non-zero means anomalous (${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--out", description = "Folder for runs.csv, summary.csv and PNG plots.")
    Path out;

    @Option(
            names = "--csv",
            description = "CSV of all runs (default: runs.csv in --out, else convergence-study.csv).")
    Path csvFile;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Mixin CsvOptions csv = new CsvOptions();
    @Mixin RecipeOptions recipeOptions = new RecipeOptions();

    @Override
    public Integer call() throws IOException {
        var parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--recipe")) {
            throw new UsageException("--recipe: not used here; list recipes with --recipes");
        }
        if (parsed.hasMatchedOption("--seed")) {
            throw new UsageException("--seed: not used here; run i uses seed i (see --seeds)");
        }
        if (seeds < 1) {
            throw new UsageException("--seeds: must be >= 1 but was " + seeds);
        }
        if (shingle < 1) {
            throw new UsageException("--shingle: must be >= 1 but was " + shingle);
        }
        List<TrainingRecipe> recipeList = recipes();
        NumericTable table = csv.read(input);
        double[][] rows = Shingler.shingle(table.toMatrix(), shingle);
        if (rows.length < 20) {
            throw new UsageException(
                    input + ": need at least 20 rows (after shingling) but have " + rows.length);
        }
        VaeConfig config = recipeOptions.architecture(rows[0].length);
        Optional<LabelledRows> labelled =
                test == null ? Optional.empty() : Optional.of(labelled(table.columns()));

        ConvergenceStudy.Result result;
        try (ProgressBar bar =
                new ProgressBar("convergence study", (long) seeds * recipeList.size())) {
            result =
                    new ConvergenceStudy(config, recipeList, seeds)
                            .run(rows, labelled, run -> bar.step(1));
        }
        PrintWriter o = spec.commandLine().getOut();
        TrainingRecipe first = recipeList.get(0);
        int epochBudget =
                first.epochBudget(first.trainRows(result.rows() - result.evaluationRows()));
        printTable(o, result, config, epochBudget);
        Path runsCsv =
                csvFile != null
                        ? csvFile
                        : out != null ? out.resolve("runs.csv") : Path.of("convergence-study.csv");
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("summary.csv"), summaryCsv(result));
            writePlots(result, out);
        }
        if (runsCsv.toAbsolutePath().getParent() != null) {
            Files.createDirectories(runsCsv.toAbsolutePath().getParent());
        }
        Files.writeString(runsCsv, runsCsv(result));
        o.println("runs written to " + runsCsv + (out != null ? "; summary and plots in " + out : ""));
        if (json) {
            o.println(JsonSummary.toJson(summary(result, config, epochBudget)));
        }
        o.flush();
        return 0;
    }

    private List<TrainingRecipe> recipes() {
        List<TrainingRecipe> list = new ArrayList<>();
        for (String name : recipes) {
            try {
                TrainingRecipe.Builder b = TrainingRecipe.preset(name).toBuilder();
                if (recipeOptions.epochs != null) {
                    b.maxEpochs(recipeOptions.epochs);
                }
                if (recipeOptions.minSteps != null) {
                    b.minSteps(recipeOptions.minSteps);
                }
                if (recipeOptions.threads != null) {
                    b.threads(recipeOptions.threads);
                }
                if (recipeOptions.batchSize != null) {
                    b.batchSize(recipeOptions.batchSize);
                }
                if (recipeOptions.learningRate != null) {
                    b.learningRate(recipeOptions.learningRate);
                }
                if (recipeOptions.restarts != null) {
                    b.restarts(recipeOptions.restarts);
                }
                list.add(b.build());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--recipes: " + e.getMessage());
            }
        }
        if (list.stream().map(TrainingRecipe::name).distinct().count() != list.size()) {
            throw new UsageException("--recipes: a recipe is listed twice: " + recipes);
        }
        return list;
    }

    /** Test rows shingled like the input; a window takes the label of its last row. */
    private LabelledRows labelled(List<String> columns) {
        NumericTable t = NumericCsvReader.columns(columns, List.of(labelColumn)).read(test);
        boolean[] labels = new boolean[t.size()];
        for (int i = 0; i < t.size(); i++) {
            String cell = t.extra().get(i)[0];
            try {
                labels[i] = Double.parseDouble(cell) != 0;
            } catch (NumberFormatException e) {
                throw new InputFormatException(
                        test, i + 2, "column '" + labelColumn + "': not a number: '" + cell + "'");
            }
        }
        double[][] rows = Shingler.shingle(t.toMatrix(), shingle);
        if (rows.length == 0) {
            throw new UsageException(test + ": fewer rows than the shingle width " + shingle);
        }
        return new LabelledRows(rows, Arrays.copyOfRange(labels, shingle - 1, labels.length));
    }

    private static void printTable(
            PrintWriter o, ConvergenceStudy.Result r, VaeConfig config, int maxEpochs) {
        o.printf(
                Locale.ROOT,
                "%d rows (%d held out for evaluation), %d features, effective dimension %d"
                        + " (90%% variance, capped at latent %d); up to %d epochs%n",
                r.rows(),
                r.evaluationRows(),
                config.inputDim(),
                r.effectiveDimension(),
                r.latentDim(),
                maxEpochs);
        String header =
                String.format(
                        Locale.ROOT,
                        "%-9s %5s %9s %8s %20s %10s %6s %6s %7s %7s  %s",
                        "recipe",
                        "runs",
                        "collapsed",
                        "diverged",
                        "held-out ELBO (sd)",
                        "IWAE",
                        "active",
                        "epochs",
                        "seconds",
                        "AUC-PR",
                        "verdicts (conv/not conv/collapsed/diverged)");
        o.println(header);
        o.println("-".repeat(header.length()));
        for (RecipeSummary s : r.summaries().values()) {
            Map<Verdict, Integer> v = s.verdicts();
            o.printf(
                    Locale.ROOT,
                    "%-9s %5d %9d %8d %11.3f (%6.3f) %10.3f %6.2f %6.1f %7.1f %7.3f  %d/%d/%d/%d%n",
                    s.recipe(),
                    s.runs(),
                    Math.round(s.collapseRate() * s.runs()),
                    Math.round(s.divergenceRate() * s.runs()),
                    s.heldoutElboMean(),
                    s.heldoutElboSd(),
                    s.heldoutIwaeMean(),
                    s.activeUnitsMean(),
                    s.epochsMean(),
                    s.secondsMean(),
                    s.aucPrMean(),
                    v.get(Verdict.CONVERGED),
                    v.get(Verdict.NOT_CONVERGED),
                    v.get(Verdict.COLLAPSED),
                    v.get(Verdict.DIVERGED));
        }
    }

    static String runsCsv(ConvergenceStudy.Result r) {
        StringBuilder sb =
                new StringBuilder(
                        "recipe,seed,verdict,collapsed,diverged,heldout_elbo,heldout_iwae,"
                                + "active_units,epochs,seconds,auc_pr,kl_per_dimension\n");
        for (StudyRun run : r.runs()) {
            sb.append(run.recipe())
                    .append(',')
                    .append(run.seed())
                    .append(',')
                    .append(run.verdict().name().toLowerCase(Locale.ROOT))
                    .append(',')
                    .append(run.collapsed())
                    .append(',')
                    .append(run.diverged())
                    .append(',')
                    .append(num(run.heldoutElbo()))
                    .append(',')
                    .append(num(run.heldoutIwae()))
                    .append(',')
                    .append(run.activeUnits())
                    .append(',')
                    .append(run.epochs())
                    .append(',')
                    .append(num(run.seconds()))
                    .append(',')
                    .append(num(run.aucPr()))
                    .append(',');
            // Semicolons inside the field keep the CSV one value per column.
            StringBuilder kl = new StringBuilder();
            for (double v : run.klPerDimension()) {
                kl.append(kl.length() == 0 ? "" : ";").append(num(v));
            }
            sb.append(kl).append('\n');
        }
        return sb.toString();
    }

    static String summaryCsv(ConvergenceStudy.Result r) {
        StringBuilder sb =
                new StringBuilder(
                        "recipe,runs,collapse_rate,divergence_rate,heldout_elbo_mean,"
                                + "heldout_elbo_sd,heldout_iwae_mean,active_units_mean,"
                                + "epochs_mean,seconds_mean,auc_pr_mean\n");
        for (RecipeSummary s : r.summaries().values()) {
            sb.append(
                    String.join(
                            ",",
                            s.recipe(),
                            Integer.toString(s.runs()),
                            num(s.collapseRate()),
                            num(s.divergenceRate()),
                            num(s.heldoutElboMean()),
                            num(s.heldoutElboSd()),
                            num(s.heldoutIwaeMean()),
                            num(s.activeUnitsMean()),
                            num(s.epochsMean()),
                            num(s.secondsMean()),
                            num(s.aucPrMean())));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /**
     * elbo_&lt;recipe&gt;.png: the trainer's held-out ELBO per epoch for every seed of one recipe;
     * kl_per_dimension.png: final KL per latent dimension, dimensions sorted by KL within each run
     * (latent dimensions have no identity across seeds), averaged over the seeds, one line per
     * recipe.
     */
    private static void writePlots(ConvergenceStudy.Result r, Path dir) throws IOException {
        XYChart kl = TrainingPlots.chart("Final KL per latent dimension (sorted, mean over seeds)",
                "nats");
        kl.setXAxisTitle("latent dimension, largest KL first");
        for (RecipeSummary s : r.summaries().values()) {
            List<StudyRun> mine =
                    r.runs().stream().filter(x -> x.recipe().equals(s.recipe())).toList();
            XYChart elbo =
                    TrainingPlots.chart(
                            "Held-out ELBO per epoch, " + s.recipe() + ", " + mine.size()
                                    + " seeds",
                            "nats per row");
            boolean any = false;
            for (StudyRun run : mine) {
                double[] y = run.elboCurve();
                if (y.length == 0) {
                    continue;
                }
                double[] x = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    x[i] = i + 1;
                }
                elbo.addSeries("seed " + run.seed(), x, y);
                any = true;
            }
            elbo.getStyler().setLegendVisible(false);
            if (any) {
                TrainingPlots.save(elbo, dir.resolve("elbo_" + s.recipe() + ".png"));
            }
            double[] mean = new double[r.latentDim()];
            int n = 0;
            for (StudyRun run : mine) {
                if (run.klPerDimension().length == mean.length) {
                    double[] sorted = run.klPerDimension().clone();
                    Arrays.sort(sorted);
                    for (int j = 0; j < mean.length; j++) {
                        mean[j] += sorted[mean.length - 1 - j];
                    }
                    n++;
                }
            }
            if (n > 0) {
                double[] x = new double[mean.length];
                for (int j = 0; j < mean.length; j++) {
                    mean[j] /= n;
                    x[j] = j;
                }
                kl.addSeries(s.recipe(), x, mean);
            }
        }
        if (!kl.getSeriesMap().isEmpty()) {
            TrainingPlots.save(kl, dir.resolve("kl_per_dimension.png"));
        }
    }

    private Map<String, Object> summary(ConvergenceStudy.Result r, VaeConfig config, int epochs) {
        Map<String, Object> root = JsonSummary.ordered();
        root.put("input", input.toString());
        root.put("seeds", seeds);
        root.put("rows", r.rows());
        root.put("features", config.inputDim());
        root.put("shingle", shingle);
        root.put("max_epochs", epochs);
        root.put("effective_dimension", r.effectiveDimension());
        Map<String, Object> rs = JsonSummary.ordered();
        for (RecipeSummary s : r.summaries().values()) {
            Map<String, Object> m = JsonSummary.ordered();
            m.put("collapse_rate", JsonSummary.round(s.collapseRate(), 4));
            m.put("divergence_rate", JsonSummary.round(s.divergenceRate(), 4));
            m.put("heldout_elbo_mean", JsonSummary.round(s.heldoutElboMean(), 4));
            m.put("heldout_elbo_sd", JsonSummary.round(s.heldoutElboSd(), 4));
            m.put("heldout_iwae_mean", JsonSummary.round(s.heldoutIwaeMean(), 4));
            m.put("active_units_mean", JsonSummary.round(s.activeUnitsMean(), 3));
            m.put("epochs_mean", JsonSummary.round(s.epochsMean(), 2));
            m.put("seconds_mean", JsonSummary.round(s.secondsMean(), 2));
            if (!Double.isNaN(s.aucPrMean())) {
                m.put("auc_pr_mean", JsonSummary.round(s.aucPrMean(), 4));
            }
            rs.put(s.recipe(), m);
        }
        root.put("recipes", rs);
        return root;
    }
}

package io.vaeanomaly.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.io.NumericTable;
import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.persist.ModelFile;
import io.vaeanomaly.train.TrainingRecipe;
import io.vaeanomaly.train.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: fits a model on a CSV file and writes the model file (and a report). */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a VAE on a CSV file (header row, numeric columns) and write a model file.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "CSV file with a header row.")
    Path input;

    @Option(names = "--model", required = true, description = "Model file to write.")
    Path model;

    @Option(
            names = "--report",
            description = "Folder for report.json and PNG plots (ELBO, KL per dimension, active units).")
    Path reportDir;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Option(
            names = "--threshold",
            defaultValue = "spot",
            description = "Threshold type: spot, quantile or static (${DEFAULT-VALUE}).")
    String threshold;

    @Option(
            names = "--risk",
            defaultValue = "1e-4",
            description = "SPOT risk q (${DEFAULT-VALUE}).")
    double risk;

    @Option(
            names = "--quantile",
            defaultValue = "0.999",
            description = "Quantile threshold: share of training scores above the cut (${DEFAULT-VALUE}).")
    double quantile;

    @Option(names = "--score-samples", defaultValue = "16", description = "L samples per event when scoring (${DEFAULT-VALUE}).")
    int scoreSamples;

    @Mixin CsvOptions csv = new CsvOptions();
    @Mixin RecipeOptions recipeOptions = new RecipeOptions();

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        NumericTable table = csv.read(input);
        if (table.size() < 10) {
            throw new UsageException(input + ": need at least 10 data rows, found " + table.size());
        }
        if (java.util.Set.copyOf(table.columns()).size() != table.columns().size()) {
            // The model file names its features, and score takes columns by these names.
            throw new UsageException(input + ": duplicate column names among the features "
                    + table.columns());
        }
        TrainingRecipe recipe = recipeOptions.recipe();
        ThresholdSettings.Type type;
        try {
            type = ThresholdSettings.Type.valueOf(threshold.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--threshold: unknown value '" + threshold + "', expected spot, quantile or static");
        }
        DetectorSettings settings =
                new DetectorSettings(
                        recipeOptions::architecture,
                        recipe,
                        new ScoringSettings(
                                scoreSamples,
                                ScoringSettings.DEFAULT.mode(),
                                ScoringSettings.DEFAULT.topK(),
                                ScoringSettings.DEFAULT.seed()),
                        new ThresholdSettings(type, risk, 0.98, quantile, -100),
                        10,
                        0,
                        table.size(),
                        SampleBuffer.Strategy.RESERVOIR,
                        0,
                        1,
                        recipe.effectiveThreads());
        recipeOptions.architecture(table.dimension()); // validate before the long part
        // The bar's total is the real budget: the epoch cap, or the epochs min-steps asks for.
        int epochBudget = recipe.epochBudget(recipe.trainRows(table.size()));
        ChallengerTrainer.Outcome outcome;
        try (ProgressBar bar =
                new ProgressBar("training", (long) epochBudget * recipe.restarts())) {
            outcome =
                    new ChallengerTrainer(settings)
                            .train(
                                    table.toMatrix(),
                                    0,
                                    System::currentTimeMillis,
                                    (run, max, e) -> bar.set((long) run * max + e.epoch()));
        }
        TrainingReport report = outcome.report();
        if (reportDir != null) {
            Files.createDirectories(reportDir);
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(reportDir.resolve("report.json").toFile(), report);
            TrainingPlots.write(report, reportDir);
        }
        HeldOutMetrics held = report.finalHeldOut();
        System.out.printf(
                "verdict: %s (%s)%nheld-out ELBO %.4f, IWAE(k=%d) %.4f nats/row; KL %.3f; active units %d/%d; epochs %d of %d%s; %.1f s%n",
                report.verdict().label(),
                report.reason(),
                held == null ? Double.NaN : held.elbo(),
                recipe.iwaeSamples(),
                held == null ? Double.NaN : held.iwae(),
                held == null ? Double.NaN : held.kl(),
                held == null ? 0 : held.activeUnits(),
                recipeOptions.architecture(table.dimension()).latentDim(),
                report.epochs(),
                report.epochBudget(),
                report.minSteps() > 0 ? " (budget raised to " + report.minSteps() + " min steps)" : "",
                report.seconds());
        boolean written = outcome.challenger().isPresent();
        if (written) {
            ModelFile.write(outcome.challenger().get().withVersion(1)
                    .withFeatureNames(table.columns()), model);
            System.out.println("model written to " + model);
        } else {
            System.err.println(
                    "error: no model written: training ended "
                            + report.verdict().label()
                            + " ("
                            + report.reason()
                            + ")");
        }
        if (json) {
            Map<String, Object> s = JsonSummary.ordered();
            s.put("input", input.toString());
            s.put("rows", table.size());
            s.put("features", table.dimension());
            s.put("model", written ? model.toString() : null);
            s.put("recipe", recipe.name());
            s.put("verdict", report.verdict().name().toLowerCase(java.util.Locale.ROOT));
            s.put("heldout_elbo", held == null ? null : JsonSummary.round(held.elbo(), 4));
            s.put("heldout_iwae", held == null ? null : JsonSummary.round(held.iwae(), 4));
            s.put("active_units", held == null ? 0 : held.activeUnits());
            s.put("epochs", report.epochs());
            s.put("epoch_budget", report.epochBudget());
            s.put("min_steps", report.minSteps());
            s.put("threads", recipe.effectiveThreads());
            s.put("kernel", KernelOps.get().vectorised() ? "vector" : "scalar");
            s.put("seconds", JsonSummary.round((System.nanoTime() - t0) / 1e9, 2));
            JsonSummary.print(System.out, s);
        }
        return written ? 0 : 1;
    }
}

package io.vaeanomaly.cli;

import io.vaeanomaly.eval.baseline.AnomalyScorer;
import io.vaeanomaly.eval.baseline.ConstantColumns;
import io.vaeanomaly.eval.baseline.PcaReconstructionScorer;
import io.vaeanomaly.eval.baseline.VaeScorer;
import io.vaeanomaly.eval.baseline.ZScoreScorer;
import io.vaeanomaly.eval.metrics.DetectionMetrics;
import io.vaeanomaly.eval.telemanom.TelemanomDataset;
import io.vaeanomaly.eval.telemanom.TelemanomEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate --format telemanom --data DIR}: fits every scorer from {@link #scorers()} on each
 * channel's train rows, scores its test rows, and reports point-wise AUC-PR and best F1 plus the
 * (inflated, labelled as such) point-adjusted best F1, per channel and as the mean over channels.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate anomaly scorers on a labelled benchmark (telemanom format: SMAP, MSL).",
            "Metrics: point-wise AUC-PR (average precision) and best F1 over thresholds; "
                    + "best F1 after point adjustment (inflated, reported separately)."
        })
public final class EvaluateCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(
            names = "--format",
            required = true,
            description = "Data set layout; supported: telemanom.")
    private String format;

    @Option(
            names = "--data",
            required = true,
            description = "Data set folder (train/, test/, labels.json).")
    private Path data;

    @Option(
            names = "--channels",
            split = ",",
            description = "Only these channels, comma-separated (e.g. A-1,A-2). Default: all.")
    private List<String> channels = new ArrayList<>();

    @Option(
            names = "--constant-columns",
            description =
                    "Baselines' handling of columns constant in training: UNIT_SCALE (default)"
                            + " or DROP.")
    private ConstantColumns constantColumns = ConstantColumns.UNIT_SCALE;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    /** The scorers evaluated, in report order. Add new ones (e.g. the VAE) here. */
    List<AnomalyScorer> scorers() {
        return List.of(
                new VaeScorer(),
                new PcaReconstructionScorer(0.95, constantColumns),
                new ZScoreScorer(constantColumns));
    }

    @Override
    public Integer call() {
        if (!"telemanom".equals(format)) {
            throw new UsageException(
                    "--format: unsupported '" + format + "'; supported: telemanom");
        }
        TelemanomDataset dataset;
        try {
            dataset = TelemanomDataset.load(data, channels);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--channels: " + e.getMessage(), e);
        }
        List<AnomalyScorer> scorers = scorers();
        TelemanomEvaluation.Result result;
        try (ProgressBar bar = new ProgressBar("evaluate", dataset.channels().size())) {
            result = new TelemanomEvaluation(scorers).run(dataset, r -> bar.step(1));
        }
        PrintWriter out = spec.commandLine().getOut();
        printTable(out, result, scorers);
        if (json) {
            out.println(JsonSummary.toJson(summary(result)));
        }
        out.flush();
        return 0;
    }

    private static void printTable(
            PrintWriter out, TelemanomEvaluation.Result result, List<AnomalyScorer> scorers) {
        out.printf(
                Locale.ROOT,
                "%s: %d channels. Point-wise AUC-PR and best F1; PA-F1 = best F1 after point"
                        + " adjustment (inflated).%n",
                result.dataset(),
                result.channels().size());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s", "channel"));
        for (AnomalyScorer s : scorers) {
            header.append(
                    String.format(
                            Locale.ROOT,
                            " | %-24s",
                            s.name() + " AUC-PR / F1 / PA-F1"));
        }
        out.println(header);
        out.println("-".repeat(header.length()));
        for (TelemanomEvaluation.ChannelResult r : result.channels()) {
            out.println(row(r.channel(), r.metrics(), scorers));
        }
        out.println("-".repeat(header.length()));
        out.println(row("mean", result.mean(), scorers));
    }

    private static String row(
            String label, Map<String, DetectionMetrics> metrics, List<AnomalyScorer> scorers) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s", label));
        for (AnomalyScorer s : scorers) {
            DetectionMetrics m = metrics.get(s.name());
            sb.append(
                    String.format(
                            Locale.ROOT,
                            " | %6.3f / %6.3f / %6.3f",
                            m.aucPr(),
                            m.bestF1(),
                            m.bestF1PointAdjusted()));
        }
        return sb.toString();
    }

    private static Map<String, Object> summary(TelemanomEvaluation.Result result) {
        Map<String, Object> root = JsonSummary.ordered();
        root.put("dataset", result.dataset());
        root.put("channels", result.channels().size());
        for (Map.Entry<String, DetectionMetrics> e : result.mean().entrySet()) {
            Map<String, Object> m = JsonSummary.ordered();
            m.put("auc_pr", JsonSummary.round(e.getValue().aucPr(), 4));
            m.put("best_f1", JsonSummary.round(e.getValue().bestF1(), 4));
            m.put(
                    "best_f1_point_adjusted",
                    JsonSummary.round(e.getValue().bestF1PointAdjusted(), 4));
            root.put(e.getKey(), m);
        }
        return root;
    }
}

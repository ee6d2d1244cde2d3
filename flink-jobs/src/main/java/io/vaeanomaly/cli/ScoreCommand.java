package io.vaeanomaly.cli;

import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.io.NumericCsvReader;
import io.vaeanomaly.io.NumericTable;
import io.vaeanomaly.persist.ModelFile;
import io.vaeanomaly.persist.ModelFormatException;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code score}: scores every row of a CSV file with a model file, taking the columns by the
 * names the model was trained on ({@link #readColumns}).
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = "Score a CSV file with a model: log-probability, anomaly score, decision, top features per row.")
public final class ScoreCommand implements Callable<Integer> {
    private static final int BATCH = 512;

    @Option(names = "--model", required = true, description = "Model file written by train.")
    Path modelFile;

    @Option(names = "--input", required = true,
            description = "CSV file with a header row; the model's feature columns are taken by"
                    + " name, in any order, and other columns are ignored.")
    Path input;

    @Option(names = "--output", required = true, description = "CSV file to write.")
    Path output;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Mixin CsvOptions csv = new CsvOptions();

    /**
     * The input's feature columns in the model's order. A model that names its features (every
     * model {@code train} writes) takes its columns by header name: a missing one is an error
     * (exit 2) naming it and the file, others are ignored with a note, and the column order in
     * the file does not matter. A model without names (format version 1) takes the numeric
     * columns by position, as before, with a note that says so.
     */
    private NumericTable readColumns(DetectorModel model) {
        List<String> names = model.featureNames();
        if (names.isEmpty()) {
            System.err.println("note: " + modelFile + " does not name its features (written"
                    + " before model file format 2): columns are taken by position; train it"
                    + " again to match them by name");
            NumericTable table = csv.read(input);
            if (table.dimension() != model.inputDim()) {
                throw new UsageException(input + ": the model expects " + model.inputDim()
                        + " features but the file has " + table.dimension()
                        + " numeric columns " + table.columns());
            }
            return table;
        }
        if (!csv.columns.isEmpty() && !Set.copyOf(csv.columns).equals(Set.copyOf(names))) {
            throw new UsageException("--columns " + csv.columns + " differ from the model's"
                    + " features " + names + "; leave --columns out: the model takes its"
                    + " columns by name");
        }
        List<String> ignoredFeatures = csv.ignore.stream().filter(names::contains).toList();
        if (!ignoredFeatures.isEmpty()) {
            throw new UsageException("--ignore-columns " + ignoredFeatures + ": the model needs"
                    + " these features");
        }
        List<String> header = NumericCsvReader.header(input);
        List<String> missing = names.stream().filter(n -> !header.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new UsageException(input + ": missing column"
                    + (missing.size() > 1 ? "s " : " ")
                    + missing.stream().map(m -> "'" + m + "'").collect(Collectors.joining(", "))
                    + " of the model's features " + names + " (the file has " + header + ")");
        }
        List<String> unused = header.stream()
                .filter(c -> !names.contains(c) && !csv.ignore.contains(c)).toList();
        if (!unused.isEmpty()) {
            System.err.println("note: " + input + ": ignoring columns the model does not use: "
                    + unused);
        }
        return NumericCsvReader.columns(names, List.of()).read(input);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        DetectorModel model;
        try {
            model = ModelFile.read(modelFile);
        } catch (ModelFormatException e) {
            throw new UsageException(e.getMessage(), e);
        }
        // Read (and so validate) the whole input before writing anything.
        NumericTable table = readColumns(model);
        double[][] rows = table.toMatrix();
        List<String> names = table.columns();
        Path dir = output.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, output.getFileName().toString(), ".tmp");
        long anomalies = 0;
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                    ProgressBar bar = new ProgressBar("scoring", rows.length)) {
                w.write("row,log_prob,anomaly_score,is_anomaly,threshold_log_prob,top_features\n");
                for (int start = 0; start < rows.length; start += BATCH) {
                    double[][] batch = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + BATCH));
                    Detection[] det = model.detect(batch, false);
                    for (int i = 0; i < det.length; i++) {
                        Detection d = det[i];
                        if (d.anomaly()) {
                            anomalies++;
                        }
                        StringBuilder top = new StringBuilder();
                        for (int t = 0; t < d.topFeatures().length; t++) {
                            if (t > 0) {
                                top.append(';');
                            }
                            top.append(names.get(d.topFeatures()[t]))
                                    .append(':')
                                    .append(String.format(Locale.ROOT, "%.4f", d.topContributions()[t]));
                        }
                        w.write(
                                String.format(
                                        Locale.ROOT,
                                        "%d,%.6f,%.6f,%d,%.6f,%s%n",
                                        start + i + 2,
                                        d.logProb(),
                                        d.anomalyScore(),
                                        d.anomaly() ? 1 : 0,
                                        d.thresholdLogProb(),
                                        top));
                    }
                    bar.set(start + det.length);
                }
            }
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d rows scored, %d anomalies, written to %s (%.1f s)%n", rows.length, anomalies, output, secs);
        if (json) {
            Map<String, Object> s = JsonSummary.ordered();
            s.put("input", input.toString());
            s.put("output", output.toString());
            s.put("rows", rows.length);
            s.put("anomalies", anomalies);
            s.put("model_version", model.version());
            s.put("threshold_log_prob", JsonSummary.round(model.threshold().thresholdLogProb(), 4));
            s.put("seconds", JsonSummary.round(secs, 2));
            JsonSummary.print(System.out, s);
        }
        return 0;
    }
}

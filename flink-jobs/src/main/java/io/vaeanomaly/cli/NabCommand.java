package io.vaeanomaly.cli;

import io.vaeanomaly.eval.nab.NabCorpus;
import io.vaeanomaly.eval.nab.NabDataFile;
import io.vaeanomaly.eval.nab.NabDetector;
import io.vaeanomaly.eval.nab.NabResultsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nab}: runs our detector over the NAB corpus, one online detector per series (the code the
 * Flink job runs per key), writes NAB-format result files, then scores them with {@code
 * nab-score}.
 */
@Command(
        name = "nab",
        mixinStandardHelpOptions = true,
        description = "Run the VAE detector on the NAB corpus, write NAB results, and score them.")
public final class NabCommand implements Callable<Integer> {
    static final String DETECTOR = "vae";

    @Option(names = "--data", required = true, description = "NAB root (with data/, labels/, config/).")
    Path data;

    @Option(names = "--out", required = true, description = "Results folder to write (<out>/vae/<category>/vae_<file>.csv).")
    Path out;

    @Option(names = "--threads", description = "Series processed in parallel (default: all cores).")
    Integer threads;

    @Option(names = "--files", split = ",", description = "Only these files (category/name.csv), for quick runs.")
    List<String> only;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dataDir = data.resolve("data");
        Path windows = data.resolve("labels").resolve("combined_windows.json");
        if (!Files.isDirectory(dataDir) || !Files.isRegularFile(windows)) {
            throw new UsageException("--data " + data + ": expected a NAB root with data/ and labels/combined_windows.json");
        }
        NabCorpus corpus = NabCorpus.load(dataDir, windows);
        List<NabDataFile> files = new ArrayList<>();
        for (NabDataFile f : corpus.files()) {
            if (only == null || only.contains(f.relativePath())) {
                files.add(f);
            }
        }
        if (files.isEmpty()) {
            throw new UsageException("--files: none of " + only + " is in the corpus");
        }
        Path detectorDir = out.resolve(DETECTOR);
        long rows = files.stream().mapToLong(NabDataFile::rows).sum();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (ProgressBar bar = new ProgressBar("nab", rows)) {
            // Longest series first keeps both cores busy to the end.
            files.sort((a, b) -> Integer.compare(b.rows(), a.rows()));
            List<Future<Integer>> jobs = new ArrayList<>();
            for (NabDataFile f : files) {
                jobs.add(pool.submit(() -> {
                    double[] scores = NabDetector.run(f);
                    NabResultsWriter.write(detectorDir, DETECTOR, f, scores);
                    return f.rows();
                }));
            }
            for (Future<Integer> j : jobs) {
                int r = j.get();
                synchronized (bar) {
                    bar.step(r);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("detector ran on %d files, %d rows in %.0f s%n", files.size(), rows, secs);
        List<String> args = new ArrayList<>(List.of(
                "nab-score", "--data", data.toString(), "--results", detectorDir.toString(), "--detector", DETECTOR));
        if (only != null) {
            // Score only the files we ran: a windows file restricted to them.
            Path sub = out.resolve("windows-subset.json");
            writeWindowsSubset(windows, sub, files);
            args.addAll(List.of("--windows", sub.toString()));
        }
        if (json) {
            args.add("--json");
        }
        return Main.commandLine().execute(args.toArray(new String[0]));
    }

    private static void writeWindowsSubset(Path windows, Path target, List<NabDataFile> files)
            throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode all =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(windows.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode keep = json.createObjectNode();
        for (NabDataFile f : files) {
            keep.set(f.relativePath(), all.get(f.relativePath()));
        }
        Files.createDirectories(target.getParent());
        json.writeValue(target.toFile(), keep);
    }
}

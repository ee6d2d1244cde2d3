package io.vaeanomaly.cli;

import io.vaeanomaly.eval.nab.NabCorpus;
import io.vaeanomaly.eval.nab.NabDataFile;
import io.vaeanomaly.eval.nab.NabFileScore;
import io.vaeanomaly.eval.nab.NabProfile;
import io.vaeanomaly.eval.nab.NabProfiles;
import io.vaeanomaly.eval.nab.NabResults;
import io.vaeanomaly.eval.nab.NabScore;
import io.vaeanomaly.eval.nab.NabScorer;
import io.vaeanomaly.io.InputFormatException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * {@code nab-score}: scores a detector's NAB result files with the Numenta Anomaly Benchmark
 * scorer on the three standard profiles.
 */
@Command(
        name = "nab-score",
        mixinStandardHelpOptions = true,
        description = {
            "Scores a detector's results on the Numenta Anomaly Benchmark (NAB).",
            "Optimises one corpus-wide threshold per profile and normalises so that the null "
                    + "detector scores 0 and a perfect one 100."
        })
public final class NabScoreCommand implements Callable<Integer> {
    /** The profiles reported, in NAB's order. */
    static final List<String> PROFILE_NAMES =
            List.of("standard", "reward_low_FP_rate", "reward_low_FN_rate");

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "NAB root directory, holding data/, labels/ and config/.")
    private Path data;

    @Option(
            names = "--results",
            required = true,
            paramLabel = "DIR",
            description = "The detector's results directory holding "
                    + "<category>/<detector>_<file>.csv (or its parent, holding <detector>/).")
    private Path results;

    @Option(
            names = "--detector",
            required = true,
            paramLabel = "NAME",
            description = "Detector name: the prefix of the result file names.")
    private String detector;

    @Option(
            names = "--windows",
            paramLabel = "FILE",
            description = "Label windows JSON (default: <data>/labels/combined_windows.json).")
    private Path windows;

    @Option(
            names = "--profiles",
            paramLabel = "FILE",
            description = "Profiles JSON (default: <data>/config/profiles.json if present, else "
                    + "NAB's built-in weights).")
    private Path profiles;

    @Option(names = "--per-file", description = "Also print each file's standard-profile score.")
    private boolean perFile;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dataDir = data.resolve("data");
        if (!Files.isDirectory(dataDir)) {
            throw new UsageException("--data " + data + ": expected a NAB root with a data/ "
                    + "directory");
        }
        if (detector.isBlank() || detector.contains("/") || detector.contains("\\")) {
            throw new UsageException("--detector: expected a plain name, got '" + detector + "'");
        }
        Path windowsFile = windows != null
                ? windows : data.resolve("labels").resolve("combined_windows.json");
        if (!Files.isRegularFile(windowsFile)) {
            throw new UsageException("windows file not found: " + windowsFile);
        }
        if (!Files.isDirectory(results)) {
            throw new UsageException("--results " + results + ": not a directory");
        }
        List<NabProfile> chosen = profiles();

        NabCorpus corpus = NabCorpus.load(dataDir, windowsFile);
        Path detectorDir = detectorDir(corpus);
        NabResults res = NabResults.load(detectorDir, detector, corpus);
        List<NabScore> scores = new NabScorer(corpus, res).scoreAll(chosen);

        out.printf(Locale.ROOT, "NAB scores of %s (%d files, %d windows, %d rows; results %s)%n",
                detector, corpus.files().size(), corpus.windowCount(), corpus.totalRows(),
                detectorDir);
        out.printf(Locale.ROOT, "%-20s %10s %10s %9s %9s %8s %8s %8s %8s%n", "profile",
                "threshold", "raw", "null", "perfect", "score", "TP rows", "FP rows", "windows");
        for (NabScore s : scores) {
            out.printf(Locale.ROOT, "%-20s %10.6f %10.4f %9.2f %9.2f %8.2f %8d %8d %4d/%-3d%n",
                    s.profile().name(), s.threshold(), s.rawScore(), s.nullRawScore(),
                    s.perfectRawScore(), s.normalizedScore(), s.tp(), s.fp(),
                    s.detectedWindows(), s.windows());
        }
        if (perFile) {
            NabScore std = scores.get(0);
            out.printf(Locale.ROOT, "%nper file (%s, threshold %.6f):%n",
                    std.profile().name(), std.threshold());
            for (NabFileScore f : std.files()) {
                out.printf(Locale.ROOT, "  %-60s %9.4f  TP %5d  FP %5d  windows %d/%d%n",
                        f.relativePath(), f.rawScore(), f.tp(), f.fp(), f.detectedWindows(),
                        f.windowScores().size());
            }
        }
        if (json) {
            Map<String, Object> summary = JsonSummary.ordered();
            summary.put("detector", detector);
            for (NabScore s : scores) {
                summary.put(s.profile().name(), JsonSummary.round(s.normalizedScore(), 2));
            }
            out.println(JsonSummary.toJson(summary));
        }
        out.flush();
        return 0;
    }

    private List<NabProfile> profiles() {
        Path file = profiles != null ? profiles : data.resolve("config").resolve("profiles.json");
        if (profiles == null && !Files.isRegularFile(file)) {
            return NabProfiles.defaults();
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("profiles file not found: " + file);
        }
        List<NabProfile> all = NabProfiles.load(file);
        List<NabProfile> out = new ArrayList<>();
        for (String name : PROFILE_NAMES) {
            NabProfile p = NabProfiles.find(all, name);
            if (p == null) {
                throw new InputFormatException(file, 0, "no profile named '" + name + "'");
            }
            out.add(p);
        }
        return out;
    }

    /** Accepts either the detector's directory or its parent (NAB's results/ directory). */
    private Path detectorDir(NabCorpus corpus) {
        NabDataFile first = corpus.files().get(0);
        Path nested = results.resolve(detector);
        if (!Files.isDirectory(results.resolve(first.category())) && Files.isDirectory(nested)) {
            return nested;
        }
        return results;
    }
}

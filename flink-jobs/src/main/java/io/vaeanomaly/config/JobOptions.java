package io.vaeanomaly.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The registry of every option of the job, in documentation order. */
public final class JobOptions {
    private JobOptions() {}

    /** Section names in documentation order. */
    public static final List<String> SECTIONS =
            List.of("kafka", "input", "model", "training", "threshold");

    /**
     * Sections that existed once, with what to do instead: a configuration written for an older
     * version fails with directions rather than "unknown section".
     */
    public static final Map<String, String> REMOVED_SECTIONS = Map.of(
            "flink",
            "this section was removed: Flink settings come from Flink's own configuration"
                    + " (a cluster's config.yaml, flink run -p N -D key=value, or the run"
                    + " command's -p N -D key=value). parallelism -> parallelism.default,"
                    + " checkpoint-interval -> execution.checkpointing.interval, state-backend"
                    + " -> state.backend.type, checkpoint-dir -> execution.checkpointing.dir;"
                    + " max-buffered-events is now training.max-buffered-events");

    private static final Map<String, ConfigOption<?>> BY_KEY = index();

    private static Map<String, ConfigOption<?>> index() {
        Map<String, ConfigOption<?>> m = new LinkedHashMap<>();
        Stream.of(
                        KafkaOptions.OPTIONS,
                        InputOptions.OPTIONS,
                        ModelOptions.OPTIONS,
                        TrainingOptions.OPTIONS,
                        ThresholdOptions.OPTIONS)
                .flatMap(List::stream)
                .forEach(
                        o -> {
                            if (m.put(o.key(), o) != null) {
                                throw new IllegalStateException("duplicate option " + o.key());
                            }
                            if (!SECTIONS.contains(o.section())) {
                                throw new IllegalStateException("unknown section of " + o.key());
                            }
                        });
        return m;
    }

    /** Every option. */
    public static List<ConfigOption<?>> all() {
        return List.copyOf(BY_KEY.values());
    }

    /** The option with full key {@code key}, if any. */
    public static Optional<ConfigOption<?>> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /**
     * The closest known key to a misspelt one, if any is close: the same name in another section
     * ({@code model.epochs} → {@code training.epochs}), a spelling with {@code _} or camel case
     * ({@code training.batchSize} → {@code training.batch-size}), or a small edit distance.
     */
    public static Optional<String> suggest(String unknown) {
        return suggest(unknown, new ArrayList<>(BY_KEY.keySet()));
    }

    /** The closest section name to a misspelt one, if any is close. */
    public static Optional<String> suggestSection(String unknown) {
        return closest(unknown, SECTIONS);
    }

    static Optional<String> suggest(String unknown, List<String> keys) {
        String normal = normalise(unknown);
        for (String k : keys) {
            if (k.equals(normal)) {
                return Optional.of(k);
            }
        }
        int dot = normal.indexOf('.');
        if (dot >= 0) {
            String name = normal.substring(dot + 1);
            for (String k : keys) {
                if (k.substring(k.indexOf('.') + 1).equals(name)) {
                    return Optional.of(k);
                }
            }
        }
        return closest(normal, keys);
    }

    private static Optional<String> closest(String s, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = levenshtein(s, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, s.length() / 4);
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    /** camelCase and snake_case to kebab-case. */
    private static String normalise(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-')
                .toLowerCase(Locale.ROOT);
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

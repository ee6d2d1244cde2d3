package io.vaeanomaly.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a {@link JobConfig}: YAML file, then {@code key.path=value} overrides (the CLI's
 * {@code --set training.epochs=10}), then defaults from the {@link ConfigOption} definitions, then
 * validation. Everything is checked before anything starts; all problems found are reported
 * together in one {@link ConfigException}, each naming its full key path.
 *
 * <p>Override values are text and are converted like YAML scalars ({@code 10s}, {@code 0.5},
 * {@code true}); lists may be written {@code [64,32]} or {@code 64,32}. Entries of
 * {@code kafka.properties} are set with {@code --set kafka.properties.security.protocol=SSL}.
 * An empty YAML value ({@code key:}) means "use the default".
 */
public final class JobConfigLoader {
    private JobConfigLoader() {}

    /** Duplicate keys are rejected: with them, which value wins would be a silent surprise. */
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Loads {@code file} (may be {@code null}: defaults only) and applies {@code overrides}.
     *
     * @throws ConfigException if the file is missing or unreadable, or anything is invalid
     */
    public static JobConfig load(Path file, List<String> overrides) {
        if (file == null) {
            return loadYaml("", "(defaults)", overrides);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "config file not found");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read config file: " + e);
        }
        return loadYaml(text, file.toString(), overrides);
    }

    /**
     * Loads YAML text and applies {@code overrides}.
     *
     * @param sourceName names the text in messages about the YAML itself (usually the file name)
     * @throws ConfigException if anything is invalid
     */
    public static JobConfig loadYaml(String yaml, String sourceName, List<String> overrides) {
        List<ConfigException.Problem> problems = new ArrayList<>();
        Map<String, JsonNode> raw = new LinkedHashMap<>();
        readYaml(yaml, sourceName, raw, problems);
        for (String assignment : overrides) {
            applyOverride(assignment, raw, problems);
        }
        Map<String, Object> values = resolve(raw, problems);
        throwIfAny(problems);
        ConfigValues v = new ConfigValues(values);
        KafkaOptions kafka = build(() -> KafkaOptions.from(v), problems);
        InputOptions input = build(() -> InputOptions.from(v), problems);
        ModelOptions model = build(() -> ModelOptions.from(v), problems);
        TrainingOptions training = build(() -> TrainingOptions.from(v), problems);
        ThresholdOptions threshold = build(() -> ThresholdOptions.from(v), problems);
        throwIfAny(problems);
        JobConfig config = build(() -> new JobConfig(kafka, input, model, training, threshold),
                problems);
        throwIfAny(problems);
        config.detector(); // what the core accepts, checked before anything runs
        return config;
    }

    /** Defaults plus {@code key.path=value} assignments, without a file (handy in tests). */
    public static JobConfig fromOverrides(String... assignments) {
        return loadYaml("", "(defaults)", List.of(assignments));
    }

    // ---------------------------------------------------------------------------------- steps

    private static void readYaml(
            String yaml,
            String sourceName,
            Map<String, JsonNode> raw,
            List<ConfigException.Problem> problems) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr();
            problems.add(new ConfigException.Problem(
                    sourceName, "invalid YAML" + where + ": " + e.getOriginalMessage()));
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add(new ConfigException.Problem(
                    sourceName,
                    "expected a mapping of sections (" + String.join(", ", JobOptions.SECTIONS)
                            + ") but got " + RawValues.render(root)));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> sections = root.fields();
        while (sections.hasNext()) {
            Map.Entry<String, JsonNode> section = sections.next();
            String name = section.getKey();
            JsonNode body = section.getValue();
            if (JobOptions.REMOVED_SECTIONS.containsKey(name)) {
                problems.add(new ConfigException.Problem(
                        name, JobOptions.REMOVED_SECTIONS.get(name)));
            } else if (!JobOptions.SECTIONS.contains(name)) {
                problems.add(new ConfigException.Problem(
                        name, "unknown section" + didYouMean(JobOptions.suggestSection(name))
                                + " (sections: " + String.join(", ", JobOptions.SECTIONS) + ")"));
            } else if (body.isNull()) {
                continue; // an empty section: all defaults
            } else if (!body.isObject()) {
                problems.add(new ConfigException.Problem(
                        name, "expected a mapping of options but got " + RawValues.render(body)));
            } else {
                Iterator<Map.Entry<String, JsonNode>> options = body.fields();
                while (options.hasNext()) {
                    Map.Entry<String, JsonNode> option = options.next();
                    String key = name + "." + option.getKey();
                    if (JobOptions.byKey(key).isPresent()) {
                        raw.put(key, option.getValue());
                    } else {
                        problems.add(unknownKey(key));
                    }
                }
            }
        }
    }

    private static void applyOverride(
            String assignment, Map<String, JsonNode> raw, List<ConfigException.Problem> problems) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            problems.add(new ConfigException.Problem(
                    assignment, "expected an override of the form key.path=value"));
            return;
        }
        String key = assignment.substring(0, eq).trim();
        JsonNode value = overrideValue(assignment.substring(eq + 1));
        if (JobOptions.byKey(key).isPresent()) {
            raw.put(key, value);
            return;
        }
        // Entries of a mapping option: kafka.properties.security.protocol=SSL
        for (ConfigOption<?> o : JobOptions.all()) {
            String prefix = o.key() + ".";
            if (o.type().isMapping()
                    && key.startsWith(prefix)
                    && key.length() > prefix.length()) {
                JsonNode current = raw.get(o.key());
                ObjectNode map =
                        current != null && current.isObject()
                                ? (ObjectNode) current
                                : JsonNodeFactory.instance.objectNode();
                map.set(key.substring(prefix.length()), value);
                raw.put(o.key(), map);
                return;
            }
        }
        problems.add(unknownKey(key));
    }

    /** Flow-style lists and maps are YAML; everything else stays text for the type to convert. */
    private static JsonNode overrideValue(String text) {
        String t = text.trim();
        if (t.startsWith("[") || t.startsWith("{")) {
            try {
                JsonNode n = YAML.readTree(t);
                if (n != null && (n.isArray() || n.isObject())) {
                    return n;
                }
            } catch (JsonProcessingException e) {
                // Falls through: the option's type reports the text as the wrong value.
            }
        }
        return TextNode.valueOf(t);
    }

    private static Map<String, Object> resolve(
            Map<String, JsonNode> raw, List<ConfigException.Problem> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigOption<?> o : JobOptions.all()) {
            JsonNode n = raw.get(o.key());
            if (n == null || n.isNull() || n.isMissingNode()) {
                Optional<?> d = o.defaultValue();
                if (d.isPresent()) {
                    values.put(o.key(), d.get());
                } else {
                    problems.add(new ConfigException.Problem(
                            o.key(),
                            "missing required option (set it in the config file or with --set "
                                    + o.key() + "=...)"));
                }
                continue;
            }
            try {
                values.put(o.key(), o.parse(n));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        return values;
    }

    private interface Builder<T> {
        T build();
    }

    private static <T> T build(Builder<T> builder, List<ConfigException.Problem> problems) {
        try {
            return builder.build();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private static void throwIfAny(List<ConfigException.Problem> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static ConfigException.Problem unknownKey(String key) {
        int dot = key.indexOf('.');
        String section = dot < 0 ? key : key.substring(0, dot);
        if (JobOptions.REMOVED_SECTIONS.containsKey(section)) {
            return new ConfigException.Problem(key, JobOptions.REMOVED_SECTIONS.get(section));
        }
        return new ConfigException.Problem(
                key, "unknown option" + didYouMean(JobOptions.suggest(key)));
    }

    private static String didYouMean(Optional<String> suggestion) {
        return suggestion.map(s -> "; did you mean " + s + "?").orElse("");
    }
}

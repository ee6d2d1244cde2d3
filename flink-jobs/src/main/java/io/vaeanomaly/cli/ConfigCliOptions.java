package io.vaeanomaly.cli;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The config flags every job-running command shares; use it as a picocli mixin:
 *
 * <pre>{@code
 * @Mixin ConfigCliOptions config;
 * ...
 * JobConfig jobConfig = config.load(); // a bad configuration exits with code 2
 * }</pre>
 */
public final class ConfigCliOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "YAML job configuration (every option is documented in configs/job.yaml).")
    private Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one option, e.g. --set training.epochs=10 (repeatable).")
    private List<String> overrides = new ArrayList<>();

    /** The configuration file, or {@code null} when none was given. */
    public Path configFile() {
        return configFile;
    }

    /** The {@code --set} assignments in command-line order. */
    public List<String> overrides() {
        return List.copyOf(overrides);
    }

    /**
     * Loads and validates the configuration.
     *
     * @throws UsageException (exit code 2) whose message names every invalid key; its cause is
     *     the {@link ConfigException}
     */
    public JobConfig load() {
        try {
            return JobConfigLoader.load(configFile, overrides);
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}

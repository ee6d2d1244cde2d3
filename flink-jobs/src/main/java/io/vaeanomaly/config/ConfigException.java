package io.vaeanomaly.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One or more problems in the job configuration, found before anything starts. Every problem
 * names the full key path of the offending option (for example {@code training.batch-size:
 * expected a positive integer but got "abc"}).
 *
 * <p>CLI commands load through {@code io.vaeanomaly.cli.ConfigCliOptions.load()}, which rethrows it as a
 * {@code UsageException} so the command exits with code 2 and prints the message.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A single problem.
     *
     * @param key full key path such as {@code training.epochs}, or the config source (file name)
     *     for problems that concern no single key
     * @param message what is wrong, without the key
     */
    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    private final List<Problem> problems;

    /** A single problem with the option {@code key}. */
    public ConfigException(String key, String message) {
        this(List.of(new Problem(key, message)));
    }

    /** Several problems, reported together. */
    public ConfigException(List<Problem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** All problems, in the order they were found. */
    public List<Problem> problems() {
        return problems;
    }

    /** The key of the first problem. */
    public String key() {
        return problems.get(0).key();
    }

    private static String render(List<Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size()
                + " configuration problems:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}

package io.vaeanomaly.cli;

import io.vaeanomaly.io.InputFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code vae-anomaly.jar}. Each subcommand is a small class of its own; bad input
 * ({@link InputFormatException}, {@link UsageException}) exits with code 2 and a message that
 * names the problem.
 */
@Command(
        name = "vae-anomaly",
        mixinStandardHelpOptions = true,
        version = "vae-anomaly 0.1.0",
        description = "Streaming anomaly detection with a Variational Autoencoder.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad input or bad usage. */
    public static final int EXIT_BAD_INPUT = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Builds the command line with all subcommands and the exit-code mapping. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Subcommands are registered here, one line each (keeps merges trivial).
        cl.addSubcommand(new TrainCommand());
        cl.addSubcommand(new ScoreCommand());
        cl.addSubcommand(new EvaluateCommand());
        cl.addSubcommand(new NabScoreCommand());
        cl.addSubcommand(new NabCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new BenchE2eCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new SoakCommand());
        cl.addSubcommand(new GenerateCommand());
        cl.addSubcommand(new ConvergenceStudyCommand());
        cl.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    if (ex instanceof InputFormatException || ex instanceof UsageException) {
                        commandLine.getErr().println("error: " + ex.getMessage());
                        return EXIT_BAD_INPUT;
                    }
                    throw ex;
                });
        cl.setExitCodeExceptionMapper(ex -> EXIT_BAD_INPUT);
        return cl;
    }

    /** The command-line tool's logging: warnings and errors to stderr. */
    static final String LOG_CONFIG = "io/vaeanomaly/cli/log4j2-cli.properties";

    public static void main(String[] args) {
        // Before any logger exists; an explicit -Dlog4j2.configurationFile wins.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:" + LOG_CONFIG);
        }
        // The training kernel needs --add-modules jdk.incubator.vector, which a jar manifest
        // cannot add: run in a child JVM that has it, unless this one does.
        java.util.OptionalInt child = VectorModuleLauncher.relaunchIfNeeded(args);
        if (child.isPresent()) {
            System.exit(child.getAsInt());
        }
        System.exit(commandLine().execute(args));
    }
}

package io.vaeanomaly.cli;

import io.vaeanomaly.kernel.KernelOps;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Gives {@code java -jar vae-anomaly.jar <command>} the Vector API that the training kernel
 * needs: when the JVM was started without {@code --add-modules jdk.incubator.vector}, the command
 * runs once more in a child JVM with the module, the same JVM options and the same arguments,
 * sharing this process's standard streams, and its exit code becomes ours.
 *
 * <p>Why a child JVM: a jar manifest can open packages ({@code Add-Opens}) but cannot add a
 * module to the boot layer, and the kernel's scalar fallback is about ten times slower per
 * training step. The child is skipped when the module is already there, when {@code
 * -Dvae.kernel.vector=false} asks for the scalar path, for commands that do not train or score
 * ({@code generate}, {@code nab-score}, help), and when the JVM lacks the module even with the
 * option (a trimmed runtime): then the command runs here on the scalar path.
 */
final class VectorModuleLauncher {
    static final String MODULE = "jdk.incubator.vector";
    /** Set in the child so that it never relaunches again. */
    static final String RELAUNCHED_PROPERTY = "vae.launcher.relaunched";

    private static final Set<String> WITHOUT_KERNEL =
            Set.of("generate", "nab-score", "help", "-h", "--help", "-V", "--version");

    private VectorModuleLauncher() {}

    /**
     * Runs the command in a child JVM with the Vector API when that is needed and possible.
     *
     * @return the child's exit code, or empty when the command should run in this JVM
     */
    static OptionalInt relaunchIfNeeded(String[] args) {
        if (!shouldRelaunch(
                ModuleLayer.boot().findModule(MODULE).isPresent(),
                System.getProperty(KernelOps.VECTOR_PROPERTY),
                Boolean.getBoolean(RELAUNCHED_PROPERTY),
                args)) {
            return OptionalInt.empty();
        }
        List<String> command =
                childCommand(
                        javaExecutable(),
                        ManagementFactory.getRuntimeMXBean().getInputArguments(),
                        System.getProperty("java.class.path"),
                        System.getProperty("sun.java.command", ""),
                        args);
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            // The options these variables carry are already among our input arguments.
            Map<String, String> env = pb.environment();
            env.remove("JDK_JAVA_OPTIONS");
            env.remove("JAVA_TOOL_OPTIONS");
            Process child = pb.start();
            // SIGTERM to this process is passed on and Ctrl-C reaches the child directly
            // (StopSignals.forwardTo); the hook covers any other shutdown (SIGHUP). Either way
            // this process ends only after the child has cleaned up, with its exit code.
            Thread stopChild =
                    new Thread(
                            () -> {
                                if (child.isAlive()) {
                                    child.destroy();
                                    try {
                                        child.waitFor(60, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            },
                            "vae-launcher-stop-child");
            Runtime.getRuntime().addShutdownHook(stopChild);
            int code;
            try (StopSignals forwarding = StopSignals.forwardTo(child)) {
                code = child.waitFor();
            }
            Runtime.getRuntime().removeShutdownHook(stopChild);
            return OptionalInt.of(code);
        } catch (java.io.IOException e) {
            System.err.println(
                    "warning: could not start a JVM with --add-modules "
                            + MODULE
                            + " ("
                            + e.getMessage()
                            + "); training runs on the slower scalar path");
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(130);
        }
    }

    /** Whether to run the command in a child JVM with the module. */
    static boolean shouldRelaunch(
            boolean modulePresent, String vectorProperty, boolean relaunched, String[] args) {
        if (modulePresent || relaunched) {
            return false;
        }
        if (vectorProperty != null && !Boolean.parseBoolean(vectorProperty)) {
            return false;
        }
        return args.length > 0 && !WITHOUT_KERNEL.contains(args[0]);
    }

    /**
     * The child's command line: this JVM's options plus the module, then {@code -jar} when we were
     * started from a jar (so its manifest applies as before), else the class path and {@link Main}.
     *
     * @param sunJavaCommand the launcher's record of the main class or jar and the arguments
     */
    static List<String> childCommand(
            String java,
            List<String> jvmOptions,
            String classPath,
            String sunJavaCommand,
            String[] args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--add-modules");
        cmd.add(MODULE);
        cmd.addAll(jvmOptions);
        cmd.add("-D" + RELAUNCHED_PROPERTY + "=true");
        boolean fromJar =
                classPath != null
                        && !classPath.contains(File.pathSeparator)
                        && classPath.endsWith(".jar")
                        && sunJavaCommand.startsWith(classPath);
        if (fromJar) {
            cmd.add("-jar");
            cmd.add(classPath);
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(Main.class.getName());
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}

package io.vaeanomaly.testutils;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Launcher for the child JVMs of {@link StandaloneFlinkCluster}: runs another class's
 * {@code main} and halts the JVM when its standard input reaches end-of-file, i.e. when the test
 * JVM that started it is gone, even if that JVM was killed and no shutdown hook ran. So a killed
 * test run leaves no Flink process behind.
 *
 * <p>Uses the JDK only: the cluster starts it from a one-class jar, so the cluster's class path
 * stays that of a Flink distribution.
 *
 * <p>Arguments: {@code <main-class> [args...]}.
 */
public final class ParentWatchdogMain {
    /** Exit status when the parent is gone (as for SIGKILL). */
    static final int EXIT_PARENT_GONE = 137;

    private ParentWatchdogMain() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatchdogMain <main-class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(ParentWatchdogMain::haltAtEndOfInput, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void haltAtEndOfInput() {
        byte[] buf = new byte[64];
        try {
            while (System.in.read(buf) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException ignored) {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }
}

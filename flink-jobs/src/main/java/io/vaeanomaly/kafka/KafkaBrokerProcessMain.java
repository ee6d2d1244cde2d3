package io.vaeanomaly.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Main class of the child JVM that {@link EmbeddedKafkaBroker} starts. Not meant to be run by
 * hand. It formats the KRaft storage and then runs {@code kafka.Kafka} in the same JVM, so the
 * broker costs one JVM start instead of two.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id> <work-dir>}.
 *
 * <p>The parent keeps this process's stdin open. When the parent dies without closing the broker
 * (kill -9, crash), the pipe reaches end-of-file and this process deletes its work directory and
 * halts, so a killed demo leaves neither a broker nor temp files behind.
 */
public final class KafkaBrokerProcessMain {
    /** Exit code when storage formatting fails. */
    static final int EXIT_FORMAT_FAILED = 3;

    private KafkaBrokerProcessMain() {}

    /**
     * Formats storage and runs the broker until the process is terminated.
     *
     * @param args server.properties path, cluster id, work directory
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: KafkaBrokerProcessMain <server.properties> <cluster-id> <dir>");
            System.exit(2);
        }
        String config = args[0];
        String clusterId = args[1];
        Path workDir = Path.of(args[2]);
        watchParent(System.in, workDir);

        PrintStream out = System.out;
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "--cluster-id", clusterId, "--config", config}, out);
        if (rc != 0) {
            System.err.println("kafka storage format failed with exit code " + rc);
            System.exit(EXIT_FORMAT_FAILED);
        }
        kafka.Kafka.main(new String[] {config});
    }

    /** Halts this JVM (after deleting the work dir) once the parent's end of stdin is closed. */
    private static void watchParent(InputStream stdin, Path workDir) {
        Thread watcher = new Thread(() -> {
            byte[] buf = new byte[64];
            try {
                while (stdin.read(buf) >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as EOF: the parent is gone.
            }
            TempDirs.deleteQuietly(workDir);
            Runtime.getRuntime().halt(0);
        }, "parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
    }
}

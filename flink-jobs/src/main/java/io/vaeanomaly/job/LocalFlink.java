package io.vaeanomaly.job;

import io.vaeanomaly.kafka.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in this process (the {@code run} and {@code demo} commands) that keeps to
 * itself: its ports bind to loopback, and every file it writes (temp and spill files, blobs,
 * working directories, RocksDB files, checkpoints) lives under one work directory that
 * {@link #close()} deletes. Savepoints go where they are asked to, since they must outlive the
 * run.
 *
 * <p>The user's settings ({@code -D key=value}, {@code -p}) come on top: a key the user sets is
 * never overridden, so {@code -Drest.bind-address=0.0.0.0} exposes the web UI on purpose.
 */
public final class LocalFlink implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final Path workDir;
    private final Configuration configuration;

    private LocalFlink(Path workDir, Configuration configuration) {
        this.workDir = workDir;
        this.configuration = configuration;
    }

    /**
     * Creates the work directory (under {@code java.io.tmpdir}) and the configuration: the
     * local defaults, then {@code user} on top.
     */
    public static LocalFlink create(Configuration user) throws IOException {
        Path work = Files.createTempDirectory("vae-anomaly-flink-");
        try {
            return new LocalFlink(work, configuration(work, user));
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteQuietly(work);
            throw e;
        }
    }

    static Configuration configuration(Path work, Configuration user) throws IOException {
        Configuration conf = new Configuration();
        // Network: nothing listens beyond this machine unless the user asks for it.
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_PORT, "0"); // another process may hold 8081
        // Files: all under the work directory.
        conf.set(CoreOptions.TMP_DIRS, dir(work, "io"));
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, dir(work, "blobs"));
        conf.set(WebOptions.TMP_DIR, dir(work, "web"));
        conf.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, dir(work, "processes"));
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, dir(work, "rocksdb"));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        conf.addAll(user);
        return conf;
    }

    private static String dir(Path work, String name) throws IOException {
        return Files.createDirectories(work.resolve(name)).toString();
    }

    /** The effective Flink configuration. */
    public Configuration configuration() {
        return configuration;
    }

    /** The value of {@code option} in the effective configuration. */
    public <T> T get(ConfigOption<T> option) {
        return configuration.get(option);
    }

    /** The directory {@link #close()} deletes. */
    public Path workDir() {
        return workDir;
    }

    /**
     * An environment whose jobs run on their own MiniCluster, shut down when the job ends.
     *
     * @param webUi serve the web UI (on {@code rest.port}) as well as the REST API
     */
    public StreamExecutionEnvironment environment(boolean webUi) {
        return webUi
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(configuration)
                : StreamExecutionEnvironment.createLocalEnvironment(configuration);
    }

    /** Deletes the work directory; call it after the job (and so its cluster) has ended. */
    @Override
    public void close() {
        if (!TempDirs.deleteQuietly(workDir)) {
            System.err.println("vae-anomaly: could not delete " + workDir);
        }
    }
}

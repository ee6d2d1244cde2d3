package io.vaeanomaly.cli;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.job.AnomalyDetectionJob;
import io.vaeanomaly.job.FlinkJobMain;
import io.vaeanomaly.job.KafkaTopicCheck;
import io.vaeanomaly.job.LocalFlink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code run --config configs/job.yaml [--set k=v] [-p N] [-D key=value] [--from-savepoint P]}:
 * the streaming job in this process on a local Flink MiniCluster ({@link LocalFlink}) against
 * the configured, external Kafka, with the flags of {@code flink run}. Before anything starts,
 * every topic of the job must exist ({@link KafkaTopicCheck}). SIGTERM or Ctrl-C stops the job
 * with a savepoint, whose path is printed for {@code --from-savepoint}; a second signal stops
 * without one. Everything the command says goes to stderr; so do warnings and errors of Flink
 * and Kafka (see {@link Main}'s logging).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the streaming anomaly detection job on a local Flink MiniCluster.",
            "Reads kafka.input-topic, writes anomalies to kafka.output-topic; runs until"
                    + " SIGTERM or Ctrl-C, which stop it with a savepoint."
        })
public final class RunCommand implements Callable<Integer> {
    /** Exit code when the job failed or could not start. */
    static final int EXIT_FAILED = 1;

    private static final long STATUS_POLL_MS = 500;
    private static final long STOP_TIMEOUT_MINUTES = 5;

    @Spec private CommandSpec spec;

    @Mixin private ConfigCliOptions config;

    @Option(
            names = {"-p", "--parallelism"},
            paramLabel = "N",
            description = "Job parallelism (Flink's parallelism.default), as with flink run -p.")
    private Integer parallelism;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description = "A Flink setting, as with flink run -D, e.g."
                    + " -Dexecution.checkpointing.interval=30s -Dstate.backend.type=rocksdb"
                    + " (repeatable).")
    private Map<String, String> flinkSettings = new LinkedHashMap<>();

    @Option(
            names = {"-s", "--from-savepoint"},
            paramLabel = "PATH",
            description = "Restore the job from this savepoint (or retained checkpoint).")
    private String fromSavepoint;

    @Option(
            names = "--savepoint-dir",
            paramLabel = "DIR",
            description = "Where SIGTERM/Ctrl-C write the savepoint (default:"
                    + " execution.checkpointing.savepoint-dir if set, else ./savepoints).")
    private Path savepointDir;

    @Option(
            names = "--prometheus-port",
            paramLabel = "PORT",
            description = "Expose the job's metrics for Prometheus on this port (0 = off).")
    private int prometheusPort;

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            description = "Serve the Flink web UI on this port, on 127.0.0.1 unless"
                    + " -Drest.bind-address is set (0 = off).")
    private int webUiPort;

    @Override
    public Integer call() throws Exception {
        JobConfig job = config.load();
        try {
            KafkaTopicCheck.verify(job.kafka(), KafkaTopicCheck.DEFAULT_TIMEOUT);
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (KafkaTopicCheck.KafkaUnavailableException e) {
            err("error: " + e.getMessage());
            return EXIT_FAILED;
        }
        try (LocalFlink flink = LocalFlink.create(flinkSettings())) {
            StreamExecutionEnvironment env = flink.environment(webUiPort > 0);
            try {
                AnomalyDetectionJob.buildKafkaPipeline(env, job);
            } catch (ConfigException e) {
                throw new UsageException(e.getMessage(), e);
            }
            return runUntilStopped(env, job, savepointTarget(flink));
        }
    }

    private Configuration flinkSettings() {
        Configuration user = new Configuration();
        flinkSettings.forEach(user::setString);
        if (parallelism != null) {
            if (parallelism < 1) {
                throw new UsageException("-p: parallelism must be at least 1 but was "
                        + parallelism);
            }
            user.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        }
        if (fromSavepoint != null) {
            user.set(StateRecoveryOptions.SAVEPOINT_PATH, fromSavepoint);
        }
        if (prometheusPort > 0) {
            user.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            user.setString("metrics.reporter.prom.port", Integer.toString(prometheusPort));
        }
        if (webUiPort > 0) {
            user.set(RestOptions.PORT, webUiPort);
            user.set(RestOptions.BIND_PORT, Integer.toString(webUiPort));
        }
        return user;
    }

    private String savepointTarget(LocalFlink flink) {
        if (savepointDir != null) {
            return savepointDir.toAbsolutePath().toUri().toString();
        }
        String configured = flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY);
        return configured != null
                ? configured
                : Path.of("savepoints").toAbsolutePath().toUri().toString();
    }

    private int runUntilStopped(StreamExecutionEnvironment env, JobConfig job, String target)
            throws Exception {
        JobClient client;
        try {
            client = env.executeAsync(FlinkJobMain.JOB_NAME);
        } catch (Exception e) {
            err("error: the job did not start: " + rootMessage(e));
            return EXIT_FAILED;
        }
        err("vae-anomaly: job " + client.getJobID() + " reads " + job.kafka().inputTopic()
                + " from " + job.kafka().bootstrapServers() + " and writes anomalies to "
                + job.kafka().outputTopic()
                + (fromSavepoint == null ? "" : ", restored from " + fromSavepoint)
                + " (SIGTERM or Ctrl-C: stop with a savepoint)");
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        try (StopSignals signals = StopSignals.install()) {
            JobStatus reported = null;
            while (!result.isDone()) {
                if (signals.awaitStop(STATUS_POLL_MS)) {
                    return stop(client, result, signals, target);
                }
                reported = reportStatus(client, reported);
            }
        }
        return finished(result);
    }

    /** Says on stderr when the job's status changes: running, restarting, failing. */
    private JobStatus reportStatus(JobClient client, JobStatus reported) {
        JobStatus now;
        try {
            now = client.getJobStatus().get(STATUS_POLL_MS * 4, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return reported; // the cluster is shutting down; the result says how it ended
        }
        if (now != reported) {
            switch (now) {
                case RUNNING -> err("vae-anomaly: job running");
                case RESTARTING -> err("vae-anomaly: job restarting after a failure (the"
                        + " cause is logged above)");
                case FAILING -> err("vae-anomaly: job failing");
                default -> { }
            }
        }
        return now;
    }

    private int stop(JobClient client, CompletableFuture<JobExecutionResult> result,
            StopSignals signals, String target) throws InterruptedException {
        err("vae-anomaly: " + signals.received() + " received: stopping the job with a savepoint"
                + " in " + target + " (signal again to stop without one)");
        CompletableFuture<String> savepoint =
                client.stopWithSavepoint(false, target, SavepointFormatType.CANONICAL);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(STOP_TIMEOUT_MINUTES);
        while (!savepoint.isDone() && !signals.forced() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (savepoint.isDone() && !savepoint.isCompletedExceptionally()) {
            String path = savepoint.join();
            awaitQuietly(result);
            err("vae-anomaly: savepoint written: " + path);
            err("vae-anomaly: resume with: run --config ... --from-savepoint " + path);
            return 0;
        }
        if (savepoint.isDone()) {
            err("error: the savepoint failed: " + rootMessage(savepoint.handle((v, e) -> e).join()));
        } else {
            err("vae-anomaly: stopping without a savepoint");
        }
        client.cancel();
        awaitQuietly(result);
        return EXIT_FAILED;
    }

    private int finished(CompletableFuture<JobExecutionResult> result) {
        try {
            result.get();
            err("vae-anomaly: job finished");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (ExecutionException e) {
            err("error: the job failed: " + rootMessage(e));
            return EXIT_FAILED;
        }
    }

    private static void awaitQuietly(CompletableFuture<?> result) {
        try {
            result.get(STOP_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (Exception e) {
            // stopped or cancelled: how it ended was reported already
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e) : e.getMessage() + " (cause: " + t + ")";
    }

    private void err(String line) {
        spec.commandLine().getErr().println(line);
        spec.commandLine().getErr().flush();
    }
}

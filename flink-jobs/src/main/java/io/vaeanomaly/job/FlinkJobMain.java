package io.vaeanomaly.job;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Main class of {@code vae-anomaly-flink-job.jar} for a Flink cluster:
 *
 * <pre>
 * flink run flink-jobs/target/vae-anomaly-flink-job.jar --config job.yaml [--set key=value ...]
 * </pre>
 *
 * The configuration file must be readable where {@code main} runs (the client, or the JobManager
 * in application mode). Flink's own settings (parallelism, checkpointing, state backend) come
 * from the cluster's config.yaml (see configs/config.yaml) and {@code flink run -p N -D ...}, as
 * for any Flink job. Before submitting, the topics of the job must exist
 * ({@link KafkaTopicCheck}); a missing one is an error here, not a job that restarts forever.
 */
public final class FlinkJobMain {
    private FlinkJobMain() {}

    /** Job name shown in the Flink UI and metrics. */
    public static final String JOB_NAME = "vae-anomaly";

    public static void main(String[] args) throws Exception {
        JobConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException | ConfigException e) {
            // Thrown, never System.exit: submitted through the REST API or the web UI, main()
            // runs inside the JobManager, and exiting would stop the cluster. flink run prints
            // the message and exits non-zero; the REST API returns it to the submitter.
            throw new IllegalArgumentException(e.getMessage()
                    + " (usage: --config FILE [--set key=value ...])", e);
        }
        // A missing topic (ConfigException) or a cluster that refuses or does not answer
        // (KafkaUnavailableException, e.g. a wrong SASL password) propagates like the errors
        // above: never System.exit, which inside a JobManager stops the cluster.
        KafkaTopicCheck.verify(config.kafka(), KafkaTopicCheck.DEFAULT_TIMEOUT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        env.execute(JOB_NAME);
    }

    /** Parses {@code --config FILE} and repeated {@code --set key=value}. */
    static JobConfig parse(String[] args) {
        Path file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            } else if (a.equals("--set") && i + 1 < args.length) {
                overrides.add(args[++i]);
            } else if (a.startsWith("--set=")) {
                overrides.add(a.substring("--set=".length()));
            } else {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("--config is required");
        }
        return JobConfigLoader.load(file, overrides);
    }
}

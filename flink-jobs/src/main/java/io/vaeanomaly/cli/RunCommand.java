package io.vaeanomaly.cli;

import io.vaeanomaly.config.ConfigCliOptions;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.job.AnomalyDetectionJob;
import io.vaeanomaly.job.FlinkJobMain;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run --config configs/job.yaml [--set k=v]}: runs the streaming job in this process on a
 * local Flink MiniCluster against the configured (external) Kafka, until interrupted.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the streaming anomaly detection job on a local Flink MiniCluster.",
            "Reads kafka.input-topic, writes anomalies to kafka.output-topic; runs until"
                    + " interrupted (Ctrl-C)."
        })
public final class RunCommand implements Callable<Integer> {
    @Mixin private ConfigCliOptions config;

    @Option(
            names = "--prometheus-port",
            paramLabel = "PORT",
            description = "Expose the job's metrics for Prometheus on this port (0 = off).")
    private int prometheusPort;

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            description = "Serve the Flink web UI on this port (0 = off).")
    private int webUiPort;

    @Override
    public Integer call() throws Exception {
        JobConfig jobConfig = config.load();
        Configuration conf = AnomalyDetectionJob.flinkConfiguration(jobConfig);
        if (prometheusPort > 0) {
            conf.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", Integer.toString(prometheusPort));
        }
        StreamExecutionEnvironment env;
        if (webUiPort > 0) {
            conf.set(RestOptions.PORT, webUiPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        AnomalyDetectionJob.buildKafkaPipeline(env, jobConfig);
        System.err.println("vae-anomaly: reading " + jobConfig.kafka().inputTopic() + " from "
                + jobConfig.kafka().bootstrapServers() + ", writing anomalies to "
                + jobConfig.kafka().outputTopic() + " (Ctrl-C to stop)");
        env.execute(FlinkJobMain.JOB_NAME);
        return 0;
    }
}

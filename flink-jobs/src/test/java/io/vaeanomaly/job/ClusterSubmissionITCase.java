package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.testutils.StandaloneFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submitting the cluster job jar with a configuration error, the way {@code flink run} and the
 * web UI do (REST jar run: the main method runs inside the JobManager): the error comes back to
 * the submitter naming the bad key, and the JobManager keeps running. A main method that called
 * System.exit there would take the whole cluster down.
 */
class ClusterSubmissionITCase {
    private static final Path JOB_JAR = Path.of("target", "vae-anomaly-flink-job.jar");

    @TempDir Path tmp;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aConfigurationErrorIsReportedAndTheJobManagerKeepsRunning() throws Exception {
        assertThat(JOB_JAR).as("the cluster job jar (built by mvn package)").isRegularFile();
        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, String.join("\n", "kafka:", "  bootstrap-servers: 127.0.0.1:9",
                "  input-topic: in", "  output-topic: out", "model:", "  latent-dim: -3", ""));
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.builder()
                .taskManagers(0)
                .keepLogsIn(Path.of("target", "flink-cluster-logs", "submission"))
                .start()) {
            String jar = cluster.uploadJar(JOB_JAR);
            assertThatThrownBy(() -> cluster.runJar(jar, List.of("--config", yaml.toString())))
                    .isInstanceOf(StandaloneFlinkCluster.RestException.class)
                    .hasMessageContaining("model.latent-dim");
            // Still there: answers, and takes another submission.
            assertThat(cluster.get("/overview").path("jobs-running").asInt()).isZero();
            assertThatThrownBy(() -> cluster.runJar(jar, List.of("--config", "/no/such.yaml")))
                    .isInstanceOf(StandaloneFlinkCluster.RestException.class)
                    .hasMessageContaining("/no/such.yaml");
        }
    }
}

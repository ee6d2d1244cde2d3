package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** configs/config.yaml loads with Flink's own loader and uses only options Flink knows. */
class FlinkConfFileTest {
    @TempDir Path dir;

    static Path repoFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above the working directory");
    }

    @Test
    void everyKeyIsAFlinkOptionAndThePrometheusReporterIsOn() throws Exception {
        Files.copy(repoFile("configs/config.yaml"), dir.resolve("config.yaml"));
        Configuration conf = GlobalConfiguration.loadConfiguration(dir.toString());

        Set<String> known = new HashSet<>();
        for (Class<?> c : List.of(CheckpointingOptions.class, StateBackendOptions.class,
                StateRecoveryOptions.class, JobManagerOptions.class, TaskManagerOptions.class,
                RestOptions.class, CoreOptions.class, RestartStrategyOptions.class,
                MetricOptions.class)) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    known.add(o.key());
                    o.fallbackKeys().forEach(k -> known.add(k.getKey()));
                }
            }
        }
        List<String> unknown = conf.keySet().stream()
                .filter(k -> !known.contains(k) && !k.startsWith("metrics.reporter.prom."))
                .collect(Collectors.toList());
        assertThat(unknown).as("keys that are not Flink options").isEmpty();
        assertThat(conf.getString("metrics.reporter.prom.factory.class", ""))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        // It replaces the distribution's config.yaml, which carries the JVM options Flink needs
        // on Java 17; the core's kernels need the Vector API module.
        String jvm = conf.get(CoreOptions.FLINK_JVM_OPTIONS);
        assertThat(jvm).contains("--add-modules jdk.incubator.vector",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.util=ALL-UNNAMED");
        // The reporter class is on the job's classpath.
        Class.forName("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }
}

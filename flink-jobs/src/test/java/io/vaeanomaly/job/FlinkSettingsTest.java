package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.testdata.TestConfigs;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Flink's own settings (flink run -p, -D, config.yaml) win; the job only fills gaps. */
class FlinkSettingsTest {
    private static StreamExecutionEnvironment env(Configuration conf) {
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    @Test
    void theJobKeepsEveryFlinkSettingItIsGiven() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 3);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(7));
        conf.set(PipelineOptions.OBJECT_REUSE, false);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = env(conf);

        AnomalyDetectionJob.buildKafkaPipeline(env, TestConfigs.small());

        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointInterval()).isEqualTo(7000);
        assertThat(env.getConfig().isObjectReuseEnabled()).isFalse();
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("rocksdb");
    }

    @Test
    void withoutFlinkSettingsTheJobCheckpointsAndReusesObjects() {
        StreamExecutionEnvironment env = env(new Configuration());
        AnomalyDetectionJob.buildKafkaPipeline(env, TestConfigs.small());
        assertThat(env.getCheckpointInterval())
                .isEqualTo(AnomalyDetectionJob.DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
    }

    @Test
    void exactlyOnceNeedsTransactionsLongerThanFlinksCheckpointInterval() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        JobConfig shortTimeout = TestConfigs.small("kafka.transaction-timeout=10s");
        assertThatThrownBy(() -> AnomalyDetectionJob.buildKafkaPipeline(env(conf), shortTimeout))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.transaction-timeout: must be longer than Flink's checkpoint"
                        + " interval (execution.checkpointing.interval = 30s) for exactly-once");
        JobConfig atLeastOnce = TestConfigs.small("kafka.transaction-timeout=10s",
                "kafka.delivery-guarantee=at-least-once");
        AnomalyDetectionJob.buildKafkaPipeline(env(conf), atLeastOnce);
    }
}

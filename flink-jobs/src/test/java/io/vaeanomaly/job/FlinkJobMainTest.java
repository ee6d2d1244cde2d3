package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkJobMainTest {
    @TempDir Path dir;

    @Test
    void readsTheConfigFileAndAppliesOverridesInOrder() throws Exception {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: broker:9092\n"
                + "  input-topic: in\n  output-topic: out\n");
        JobConfig c = FlinkJobMain.parse(new String[] {
            "--config", file.toString(), "--set", "training.epochs=5",
            "--set=training.epochs=6", "--set", "model.scope=per-key"});
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.training().epochs()).isEqualTo(6);
        assertThat(c.model().scope().name()).isEqualTo("PER_KEY");
    }

    @Test
    void reportsMissingConfigUnknownArgumentsAndBadOptions() throws Exception {
        assertThatThrownBy(() -> FlinkJobMain.parse(new String[0]))
                .hasMessageContaining("--config");
        assertThatThrownBy(() -> FlinkJobMain.parse(new String[] {"--bogus"}))
                .hasMessageContaining("--bogus");
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: b:1\n");
        assertThatThrownBy(() -> FlinkJobMain.parse(new String[] {"--config", file.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.input-topic");
    }
}

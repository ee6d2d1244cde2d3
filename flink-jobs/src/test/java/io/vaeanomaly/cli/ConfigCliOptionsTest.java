package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --config/--set mixin loads the configuration and reports problems as usage errors. */
class ConfigCliOptionsTest {
    private static final List<String> REQUIRED = List.of("kafka.bootstrap-servers=localhost:9092",
            "kafka.input-topic=events", "kafka.output-topic=anomalies");

    @CommandLine.Command(name = "t")
    static class Cmd {
        @CommandLine.Mixin ConfigCliOptions config;
    }

    @Test
    void loadsAndMapsErrorsToUsageException() {
        Cmd ok = new Cmd();
        new CommandLine(ok).parseArgs("--set", REQUIRED.get(0), "--set", REQUIRED.get(1),
                "--set", REQUIRED.get(2), "--set", "training.epochs=7");
        assertThat(ok.config.load().training().epochs()).isEqualTo(7);

        Cmd bad = new Cmd();
        new CommandLine(bad).parseArgs("--set", "training.epochs=7");
        assertThatThrownBy(bad.config::load)
                .isInstanceOf(UsageException.class)
                .hasCauseInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap-servers: missing required option");
    }
}

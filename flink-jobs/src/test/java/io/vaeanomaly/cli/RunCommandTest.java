package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code run} command's argument handling (running a job needs a broker: see the ITs). */
class RunCommandTest {
    @Test
    void anInvalidConfigurationExitsWithCode2NamingTheKeys() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("run", "--set", "kafka.bootstrap-servers=localhost:9092",
                "--set", "training.epochs=-1");
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("kafka.input-topic").contains("training.epochs");
    }

    @Test
    void isRegisteredWithItsOptions() {
        String usage = Main.commandLine().getSubcommands().get("run").getUsageMessage();
        assertThat(usage).contains("--config").contains("--set").contains("--prometheus-port");
    }
}

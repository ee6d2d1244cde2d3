package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.demo.GeneratorConfig;
import io.vaeanomaly.demo.MetricEvent;
import io.vaeanomaly.demo.MetricsGenerator;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code generate} against a real broker. */
class GenerateCommandITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void producesTheGeneratorsEventsKeyedByHost() {
        String topic = KAFKA.createUniqueTopic("metrics", 2);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int rc;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            rc = Main.commandLine().execute("generate", "--bootstrap-servers",
                    KAFKA.bootstrapServers(), "--topic", topic, "--events", "600", "--rate", "0",
                    "--seed", "3", "--features", "12", "--ticks-per-day", "50",
                    "--warmup-events", "0", "--anomaly-rate", "0.05",
                    "--start-ms", "1735689600000");
        } finally {
            System.setOut(original);
        }
        assertThat(rc).isZero();
        String[] lines = stdout.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("{\"topic\":\"" + topic + "\"")
                .contains("\"events\":600");

        List<ConsumerRecord<String, String>> got = KAFKA.consumeAll(topic, Duration.ofSeconds(60));
        assertThat(got).hasSize(600);
        List<MetricEvent> expected = new MetricsGenerator(GeneratorConfig.builder().seed(3)
                .features(12).ticksPerDay(50).warmupEvents(0).anomalyRate(0.05)
                .startMillis(1735689600000L).build()).take(600);
        // Per host (= key = one partition) the order is the generator's order.
        Map<String, List<String>> gotByHost = got.stream().collect(Collectors.groupingBy(
                ConsumerRecord::key, Collectors.mapping(ConsumerRecord::value,
                        Collectors.toList())));
        Map<String, List<String>> expectedByHost = expected.stream().collect(
                Collectors.groupingBy(MetricEvent::host,
                        Collectors.mapping(MetricEvent::toJson, Collectors.toList())));
        assertThat(gotByHost).isEqualTo(expectedByHost);
        // Record timestamps are wall-clock (broker-safe), event time is in the JSON.
        long now = System.currentTimeMillis();
        assertThat(got).allMatch(r -> Math.abs(r.timestamp() - now) < 600_000);
        assertThat(expected).anyMatch(MetricEvent::isAnomaly);
    }

    @Test
    void badOptionsExitWithCodeTwo() {
        int rc = Main.commandLine().execute("generate", "--bootstrap-servers",
                KAFKA.bootstrapServers(), "--topic", "unused", "--features", "3");
        assertThat(rc).isEqualTo(Main.EXIT_BAD_INPUT);
    }
}

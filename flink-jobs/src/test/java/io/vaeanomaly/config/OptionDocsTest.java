package io.vaeanomaly.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** configs/job.yaml documents exactly the options defined in code, with the same defaults. */
class OptionDocsTest {

    private static Map<String, JsonNode> documented() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(
                Files.readString(RepoFiles.jobYaml()));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> sections = root.fields();
        while (sections.hasNext()) {
            Map.Entry<String, JsonNode> s = sections.next();
            s.getValue().fields().forEachRemaining(
                    e -> out.put(s.getKey() + "." + e.getKey(), e.getValue()));
        }
        return out;
    }

    @Test
    void everyOptionInCodeIsDocumentedAndViceVersa() throws IOException {
        Set<String> inCode =
                JobOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        Set<String> inYaml = documented().keySet();

        assertThat(new TreeSet<>(inYaml)).as("keys in configs/job.yaml")
                .isEqualTo(new TreeSet<>(inCode));
    }

    @Test
    void documentedOrderFollowsTheCode() throws IOException {
        List<String> inCode = JobOptions.all().stream().map(ConfigOption::key).toList();
        assertThat(new ArrayList<>(documented().keySet())).isEqualTo(inCode);
    }

    @Test
    void documentedValuesAreTheDefaultsInCode() throws IOException {
        Map<String, JsonNode> doc = documented();
        for (ConfigOption<?> option : JobOptions.all()) {
            JsonNode value = doc.get(option.key());
            if (option.isRequired()) {
                assertThat(value.isNull()).as(option.key() + " is required: empty in job.yaml")
                        .isTrue();
            } else {
                assertThat((Object) option.parse(value))
                        .as("default of " + option.key() + " in job.yaml")
                        .isEqualTo(option.defaultValue().orElseThrow());
            }
        }
    }

    @Test
    void requiredOptionsAreExactlyTheThreeKafkaEndpoints() {
        assertThat(JobOptions.all().stream().filter(ConfigOption::isRequired)
                        .map(ConfigOption::key))
                .containsExactly("kafka.bootstrap-servers", "kafka.input-topic",
                        "kafka.output-topic");
    }

    @Test
    void jobYamlLoadsOnceTheRequiredKeysAreSupplied() {
        JobConfig config = JobConfigLoader.load(RepoFiles.jobYaml(), List.of(
                "kafka.bootstrap-servers=localhost:9092",
                "kafka.input-topic=events",
                "kafka.output-topic=anomalies"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.model().encoderHidden()).containsExactly(64, 64);
        assertThat(config.training().retrainInterval()).isEqualTo(Duration.ZERO);
        assertThat(config.threshold().risk()).isEqualTo(1e-4);
    }

    @Test
    void everyOptionHasADescription() {
        for (ConfigOption<?> option : JobOptions.all()) {
            assertThat(option.description()).as(option.key()).hasSizeGreaterThan(10);
        }
    }
}

package io.vaeanomaly.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.config.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker/ without a Docker engine: the compose file parses, the files it
 * and the Dockerfile reference exist, the job submission's configuration loads, and the topics
 * and addresses of the job, the generator and the topic creation agree.
 */
class DockerFilesTest {
    private static Path root;
    private static JsonNode compose;

    @BeforeAll
    static void load() throws IOException {
        root = repoRoot();
        compose = new ObjectMapper(new YAMLFactory())
                .readTree(root.resolve("docker/docker-compose.yml").toFile());
    }

    @Test
    void composeHasTheStack() {
        assertThat(names(compose.get("services"))).contains("kafka", "kafka-init", "jobmanager",
                "taskmanager", "submit-job", "generator", "prometheus");
        JsonNode kafka = service("kafka");
        assertThat(kafka.get("image").asText()).isEqualTo("apache/kafka:4.1.0");
        JsonNode env = kafka.get("environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        // Event time runs ahead of the wall clock: at least a year of tolerance.
        assertThat(env.get("KAFKA_LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS").asLong())
                .isGreaterThan(365L * 86_400_000L);
    }

    @Test
    void submittedJobConfigurationIsValidAndMatchesTheTopics() {
        List<String> args = strings(service("submit-job").get("entrypoint"));
        assertThat(args.get(0)).isEqualTo("/opt/flink/bin/flink");
        assertThat(args).contains("run", "/opt/flink/usrlib/vae-anomaly-flink-job.jar");
        String configInImage = args.get(args.indexOf("--config") + 1);
        assertThat(configInImage).isEqualTo("/opt/vae-anomaly/configs/job.yaml");
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--set")) {
                overrides.add(args.get(i + 1));
            }
        }
        // The image's configs/ is the repository's configs/ (Dockerfile COPY).
        JobConfig job = JobConfigLoader.load(root.resolve("configs/job.yaml"), overrides);
        assertThat(job.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(job.model().scope()).isEqualTo(ModelOptions.Scope.PER_KEY);
        assertThat(job.input().keyField()).isEqualTo("host");
        assertThat(job.input().featurePattern()).isEqualTo("metrics\\..*");
        // The label is not a feature.
        assertThat(Pattern.matches(job.input().featurePattern(), "injected_anomaly")).isFalse();

        List<String> generator = strings(service("generator").get("entrypoint"));
        assertThat(generator.get(generator.indexOf("--topic") + 1))
                .isEqualTo(job.kafka().inputTopic());
        assertThat(generator.get(generator.indexOf("--bootstrap-servers") + 1))
                .isEqualTo(job.kafka().bootstrapServers());

        String init = String.join("\n", strings(service("kafka-init").get("command")));
        Matcher m = Pattern.compile("for t in ([^;]+);").matcher(init);
        assertThat(m.find()).isTrue();
        List<String> created = new ArrayList<>();
        for (String t : m.group(1).trim().split("\\s+")) {
            created.add(t.substring(0, t.indexOf(':')));
        }
        assertThat(created).containsExactlyInAnyOrder(job.kafka().inputTopic(),
                job.kafka().outputTopic(), job.kafka().deadLetterTopic(),
                job.kafka().modelEventsTopic());
    }

    @Test
    void referencedFilesExist() throws IOException {
        Path docker = root.resolve("docker");
        for (String volume : strings(service("prometheus").get("volumes"))) {
            assertThat(docker.resolve(volume.split(":")[0]).normalize()).isRegularFile();
        }
        String prometheus = Files.readString(root.resolve("configs/prometheus.yml"));
        assertThat(prometheus).contains("jobmanager:9249", "taskmanager:9249");
        // Jackson does not expand YAML merge keys (<<: *vae-image): read the shared block.
        JsonNode image = compose.get("x-vae-image");
        assertThat(image.get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(docker.resolve(image.get("build").get("context").asText()).normalize())
                .isEqualTo(root);
        String dockerfile = Files.readString(docker.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM ${FLINK_IMAGE}", "flink:2.2.0-java17");
        String pom = Files.readString(root.resolve("flink-jobs/pom.xml"));
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) ").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            String src = copy.group(1);
            if (src.startsWith("flink-jobs/target/")) {
                // Build outputs: the jar names must be the shade plugin's final names.
                String name = src.substring("flink-jobs/target/".length()).replace(".jar", "");
                assertThat(pom).contains("<finalName>" + name + "</finalName>");
            } else {
                assertThat(root.resolve(src)).exists();
            }
        }
        assertThat(copies).isGreaterThanOrEqualTo(4);
    }

    private static JsonNode service(String name) {
        JsonNode s = compose.get("services").get(name);
        assertThat(s).as("service " + name).isNotNull();
        return s;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("docker/docker-compose.yml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("docker/docker-compose.yml not found");
    }
}

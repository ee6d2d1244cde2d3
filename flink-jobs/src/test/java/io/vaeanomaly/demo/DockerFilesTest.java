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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What can be checked of docker/ without a Docker engine: that the compose file, the Dockerfile,
 * .dockerignore and configs/ agree with each other and with the pom (versions, jar names, main
 * class), that the job's arguments load into a valid configuration whose topics the topic
 * creation and the generator use, and the deployment points a Flink user would trip over.
 */
class DockerFilesTest {
    private static final String FLINK_USER = "flink";

    private static Path root;
    private static JsonNode compose;
    private static String dockerfile;
    /** COPY destination to source, in order. */
    private static Map<String, String> copies;
    private static Document pom;
    private static Document parentPom;

    @BeforeAll
    static void load() throws Exception {
        root = repoRoot();
        compose = yaml(root.resolve("docker/docker-compose.yml"));
        dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
        copies = new LinkedHashMap<>();
        Matcher copy = Pattern.compile("(?m)^COPY (?:--chown=\\S+ )?(\\S+) (\\S+)$")
                .matcher(dockerfile);
        while (copy.find()) {
            copies.put(copy.group(2), copy.group(1));
        }
        var factory = DocumentBuilderFactory.newInstance();
        pom = factory.newDocumentBuilder().parse(root.resolve("flink-jobs/pom.xml").toFile());
        parentPom = factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
    }

    private static JsonNode yaml(Path file) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    private static String property(String name) {
        return parentPom.getElementsByTagName(name).item(0).getTextContent().trim();
    }

    /** finalName of the shade execution whose manifest main class is {@code mainClass}. */
    private static String jarWithMainClass(String mainClass) {
        NodeList executions = pom.getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element e = (Element) executions.item(i);
            NodeList main = e.getElementsByTagName("mainClass");
            if (main.getLength() > 0 && main.item(0).getTextContent().trim().equals(mainClass)) {
                return e.getElementsByTagName("finalName").item(0).getTextContent().trim()
                        + ".jar";
            }
        }
        throw new AssertionError("no shade execution with main class " + mainClass);
    }

    private static String clusterMainClass() {
        return io.vaeanomaly.job.FlinkJobMain.class.getName();
    }

    @Test
    void imagesFollowThePinnedVersions() {
        Matcher from = Pattern.compile("(?m)^ARG FLINK_IMAGE=flink:(\\S+)$").matcher(dockerfile);
        assertThat(from.find()).as("ARG FLINK_IMAGE in the Dockerfile").isTrue();
        assertThat(from.group(1)).as("Flink image tag")
                .startsWith(property("flink.version") + "-")
                .endsWith("java" + property("maven.compiler.release"));
        assertThat(dockerfile).contains("FROM ${FLINK_IMAGE}");
        for (String kafkaService : List.of("kafka", "kafka-init")) {
            assertThat(service(kafkaService).get("image").asText())
                    .isEqualTo("apache/kafka:" + property("kafka.version"));
        }
    }

    @Test
    void copiedFilesExistAreOwnedByTheImagesUserAndPassTheDockerignore() throws IOException {
        Matcher copyLine = Pattern.compile("(?m)^COPY .*$").matcher(dockerfile);
        int n = 0;
        while (copyLine.find()) {
            n++;
            assertThat(copyLine.group()).as("owned by the image's USER")
                    .startsWith("COPY --chown=" + FLINK_USER + ":" + FLINK_USER + " ");
        }
        assertThat(n).isEqualTo(copies.size()).isGreaterThanOrEqualTo(4);
        List<String> ignore = Files.readAllLines(root.resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).as("everything is out of the context by default").isEqualTo("*");
        for (String src : copies.values()) {
            if (src.startsWith("flink-jobs/target/")) {
                String jar = src.substring("flink-jobs/target/".length());
                assertThat(List.of(jarWithMainClass(clusterMainClass()),
                        jarWithMainClass("io.vaeanomaly.cli.Main"))).contains(jar);
            } else {
                assertThat(root.resolve(src)).exists();
            }
            assertThat(ignore).as(".dockerignore lets " + src + " in").anyMatch(rule ->
                    rule.startsWith("!") && (rule.substring(1).equals(src)
                            || rule.endsWith("/") && src.startsWith(rule.substring(1))));
        }
    }

    @Test
    void applicationModeRunsTheClusterJarsMainClassOnce() {
        String jar = jarWithMainClass(clusterMainClass());
        assertThat(copies).containsEntry("/opt/flink/usrlib/" + jar, "flink-jobs/target/" + jar);
        List<String> command = strings(service("jobmanager").get("command"));
        assertThat(command.get(0)).isEqualTo("standalone-job");
        assertThat(command.get(command.indexOf("--job-classname") + 1))
                .isEqualTo(clusterMainClass());
        // Nothing submits jobs from outside: a resubmission would run the job twice.
        compose.get("services").forEach(s ->
                assertThat(s.toString()).doesNotContain("\"run\"").doesNotContain("flink run"));
    }

    @Test
    void everyFlinkContainerFindsTheJobManager() {
        JsonNode flink = compose.get("x-flink");
        String address = flink.get("environment").get("JOB_MANAGER_RPC_ADDRESS").asText();
        assertThat(address).isEqualTo(service("jobmanager").get("hostname").asText());
        // Jackson does not expand YAML merge keys: the services use the shared block.
        for (String name : List.of("jobmanager", "taskmanager")) {
            assertThat(service(name).has("<<")).as(name + " merges x-flink").isTrue();
        }
        assertThat(flink.get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(root.resolve("docker").resolve(flink.get("build").get("context").asText())
                .normalize()).isEqualTo(root);
    }

    @Test
    void stateVolumeHoldsTheCheckpointsAndSavepointsOfConfigYaml() throws IOException {
        assertThat(copies).containsEntry("/opt/flink/conf/config.yaml", "configs/config.yaml");
        JsonNode checkpointing = yaml(root.resolve("configs/config.yaml"))
                .get("execution").get("checkpointing");
        String mount = strings(compose.get("x-flink").get("volumes")).get(0);
        String target = mount.substring(mount.indexOf(':') + 1);
        for (String key : List.of("dir", "savepoint-dir")) {
            String uri = checkpointing.get(key).asText();
            assertThat(uri).as("execution.checkpointing." + key)
                    .startsWith("file://" + target + "/");
            assertThat(dockerfile).as("the image creates it, owned by " + FLINK_USER)
                    .contains(uri.substring("file://".length()));
        }
    }

    @Test
    void jobArgumentsLoadAndAgreeWithTheTopicsAndTheGenerator() {
        List<String> command = strings(service("jobmanager").get("command"));
        List<String> args = command.subList(command.indexOf("--") + 1, command.size());
        String configInImage = args.get(args.indexOf("--config") + 1);
        String configInRepo = null;
        for (Map.Entry<String, String> c : copies.entrySet()) {
            if (configInImage.startsWith(c.getKey()) && c.getValue().endsWith("/")) {
                configInRepo = c.getValue() + configInImage.substring(c.getKey().length());
            }
        }
        assertThat(configInRepo).as(configInImage + " comes from the repository").isNotNull();
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--set")) {
                overrides.add(args.get(i + 1));
            }
        }
        JobConfig job = JobConfigLoader.load(root.resolve(configInRepo), overrides);
        assertThat(job.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(job.model().scope()).isEqualTo(ModelOptions.Scope.PER_KEY);
        // The generator's label is not a feature.
        assertThat(Pattern.matches(job.input().featurePattern(), "injected_anomaly")).isFalse();

        List<String> generator = strings(service("generator").get("entrypoint"));
        assertThat(generator).contains(copies.entrySet().stream()
                .filter(c -> c.getValue().endsWith(jarWithMainClass("io.vaeanomaly.cli.Main")))
                .findFirst().orElseThrow().getKey());
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
    void prometheusScrapesEveryJobManagerAndTaskManager() throws IOException {
        JsonNode prometheus = service("prometheus");
        String mount = strings(prometheus.get("volumes")).get(0);
        Path scrapeFile = root.resolve("docker").resolve(mount.split(":")[0]).normalize();
        assertThat(scrapeFile).isRegularFile();
        String range = yaml(root.resolve("configs/config.yaml")).get("metrics").get("reporter")
                .get("prom").get("port").asText();
        int port = Integer.parseInt(range.split("-")[0]);

        List<String> discovered = new ArrayList<>();
        for (JsonNode job : yaml(scrapeFile).get("scrape_configs")) {
            JsonNode dns = job.get("dns_sd_configs");
            if (dns != null) {
                for (JsonNode d : dns) {
                    // DNS discovery: one target per replica of the service.
                    assertThat(d.get("type").asText()).isEqualTo("A");
                    assertThat(d.get("port").asInt()).isEqualTo(port);
                    discovered.addAll(strings(d.get("names")));
                }
            }
        }
        assertThat(discovered).containsExactlyInAnyOrder(
                service("jobmanager").get("hostname").asText(), "taskmanager");
        assertThat(compose.get("services").has("taskmanager")).isTrue();
    }

    private static JsonNode service(String name) {
        JsonNode s = compose.get("services").get(name);
        assertThat(s).as("service " + name).isNotNull();
        return s;
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

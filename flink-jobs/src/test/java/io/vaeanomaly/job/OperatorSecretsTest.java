package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.testdata.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Kafka credentials reach only the Kafka source and sinks: every other operator of the job
 * graph, serialised as Flink ships it to the task managers, is searched for a planted secret.
 */
class OperatorSecretsTest {

    /** Names of the job graph's nodes whose serialised operator contains {@code secret}. */
    private static List<String> nodesWith(String secret, List<String> checked, String... extra)
            throws Exception {
        List<String> overrides = new ArrayList<>(List.of(
                "kafka.properties.security.protocol=SASL_SSL",
                "kafka.properties.sasl.mechanism=PLAIN",
                "kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain."
                        + "PlainLoginModule required username=\"u\" password=\"" + secret + "\";",
                "kafka.properties.ssl.truststore.password=" + secret,
                "kafka.scores-topic=scores",
                "kafka.model-events-topic=model-events",
                "training.retrain-interval=1h"));
        overrides.addAll(List.of(extra));
        JobConfig config = TestConfigs.small(overrides.toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        StreamGraph graph = env.getStreamGraph();
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            byte[] bytes = InstantiationUtil.serializeObject(node.getOperatorFactory());
            checked.add(node.getOperatorName());
            if (indexOf(bytes, needle) >= 0) {
                found.add(node.getOperatorName());
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean isKafkaConnector(String operatorName) {
        return operatorName.contains("kafka-source") || operatorName.contains("-sink");
    }

    @Test
    void onlyKafkaConnectorsCarryTheCredentialsInEveryTopology() throws Exception {
        String[][] topologies = {
            {"model.scope=global"},
            {"model.scope=per-key"},
            {"model.scope=global", "training.deterministic=true", "training.async=false",
                "training.retrain-interval=0"},
        };
        for (String[] topology : topologies) {
            String secret = "planted-" + UUID.randomUUID();
            List<String> checked = new ArrayList<>();
            List<String> found = nodesWith(secret, checked, topology);

            assertThat(found).as("the search finds the secret where it belongs")
                    .anyMatch(OperatorSecretsTest::isKafkaConnector);
            assertThat(found).as("operators holding the secret, " + List.of(topology))
                    .allMatch(OperatorSecretsTest::isKafkaConnector);
            assertThat(checked).as("the processing operators were searched")
                    .anyMatch(n -> n.contains("parse"))
                    .anyMatch(n -> n.contains("detector") || n.contains("scorer"));
        }
    }
}

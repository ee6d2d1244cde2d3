package io.vaeanomaly.job;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.KafkaOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before the job is submitted, that every topic it reads or writes exists, and that
 * every topic it writes accepts the largest record the job lets through. Kafka's clients wait
 * for a missing topic to appear: without this check a misspelt topic means a job that restarts
 * forever, printing nothing useful. Likewise a topic whose {@code max.message.bytes} is below
 * {@code kafka.max-record-bytes} would refuse a record the job's size guard passed, failing the
 * job on that one record. Both are configuration problems ({@link ConfigException}, naming the
 * option); an unreachable cluster is {@link KafkaUnavailableException}.
 */
public final class KafkaTopicCheck {
    private KafkaTopicCheck() {}

    /** How long the check waits for the cluster. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The cluster did not answer in time, or refused the request. */
    public static final class KafkaUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The topics of the configuration by option key: input, output and dead-letter topics, and
     * the scores and model-events topics when they are on.
     */
    static Map<String, String> topics(KafkaOptions k) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(KafkaOptions.INPUT_TOPIC.key(), k.inputTopic());
        topics.put(KafkaOptions.OUTPUT_TOPIC.key(), k.outputTopic());
        topics.put(KafkaOptions.DEAD_LETTER_TOPIC.key(), k.deadLetterTopic());
        if (k.scoresEnabled()) {
            topics.put(KafkaOptions.SCORES_TOPIC.key(), k.scoresTopic());
        }
        if (k.modelEventsEnabled()) {
            topics.put(KafkaOptions.MODEL_EVENTS_TOPIC.key(), k.modelEventsTopic());
        }
        return topics;
    }

    /**
     * Verifies that every topic of {@code kafka} exists.
     *
     * @throws ConfigException naming each option whose topic is missing or not visible
     * @throws KafkaUnavailableException if the cluster does not answer within {@code timeout}
     */
    public static void verify(KafkaOptions kafka, Duration timeout) {
        Map<String, String> topics = topics(kafka);
        Properties props = kafka.clientProperties();
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        List<ConfigException.Problem> problems = new ArrayList<>();
        try (Admin admin = Admin.create(props)) {
            Map<String, KafkaFuture<TopicDescription>> described = admin
                    .describeTopics(new ArrayList<>(new java.util.LinkedHashSet<>(topics.values())))
                    .topicNameValues();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<String, String> t : topics.entrySet()) {
                String topic = t.getValue();
                try {
                    described.get(topic).get(
                            Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        problems.add(new ConfigException.Problem(t.getKey(),
                                "topic \"" + topic + "\" does not exist on "
                                        + kafka.bootstrapServers() + " (create it first, e.g."
                                        + " kafka-topics.sh --bootstrap-server "
                                        + kafka.bootstrapServers() + " --create --topic "
                                        + topic + ")"));
                    } else if (cause instanceof TopicAuthorizationException) {
                        problems.add(new ConfigException.Problem(t.getKey(),
                                "not authorized to describe topic \"" + topic + "\" on "
                                        + kafka.bootstrapServers()));
                    } else {
                        throw unavailable(kafka, timeout, cause);
                    }
                } catch (TimeoutException e) {
                    throw unavailable(kafka, timeout, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unavailable(kafka, timeout, e);
                }
            }
            if (problems.isEmpty()) {
                problems.addAll(recordSizeProblems(admin, kafka, timeout));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * Bytes a single-record batch adds around key and value (batch header, record header,
     * varints); {@code max.message.bytes} limits the whole batch.
     */
    static final int BATCH_OVERHEAD_BYTES = 128;

    /**
     * The written topics whose {@code max.message.bytes} is below what {@code
     * kafka.max-record-bytes} lets through. A cluster that does not let us read topic configs
     * (no DESCRIBE_CONFIGS permission) is not an error: the size guard still bounds records by
     * the option, and the broker's refusal would name the topic.
     */
    private static List<ConfigException.Problem> recordSizeProblems(
            Admin admin, KafkaOptions kafka, Duration timeout) {
        Map<String, String> written = new LinkedHashMap<>(topics(kafka));
        written.remove(KafkaOptions.INPUT_TOPIC.key());
        Map<String, ConfigResource> resources = new LinkedHashMap<>();
        for (String topic : written.values()) {
            resources.put(topic, new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources.values())
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException
                    || e.getCause() instanceof ClusterAuthorizationException) {
                return List.of();
            }
            throw unavailable(kafka, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(kafka, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(kafka, timeout, e);
        }
        long needed = (long) kafka.maxRecordBytes() + BATCH_OVERHEAD_BYTES;
        List<ConfigException.Problem> problems = new ArrayList<>();
        for (Map.Entry<String, String> t : written.entrySet()) {
            Config config = configs.get(resources.get(t.getValue()));
            ConfigEntry limit =
                    config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit == null || limit.value() == null) {
                continue;
            }
            long topicLimit = Long.parseLong(limit.value());
            if (topicLimit < needed) {
                problems.add(new ConfigException.Problem(t.getKey(),
                        "topic \"" + t.getValue() + "\" accepts record batches of at most "
                                + topicLimit + " bytes (max.message.bytes), but "
                                + KafkaOptions.MAX_RECORD_BYTES.key() + " lets records of up to "
                                + kafka.maxRecordBytes() + " bytes through (plus "
                                + BATCH_OVERHEAD_BYTES + " bytes of batch overhead): set "
                                + KafkaOptions.MAX_RECORD_BYTES.key() + " to at most "
                                + Math.max(0, topicLimit - BATCH_OVERHEAD_BYTES)
                                + " or raise the topic's max.message.bytes"));
            }
        }
        return problems;
    }

    private static KafkaUnavailableException unavailable(
            KafkaOptions kafka, Duration timeout, Throwable cause) {
        return new KafkaUnavailableException("cannot check the topics on Kafka at "
                + kafka.bootstrapServers() + " within " + timeout.toSeconds() + " s: "
                + cause, cause);
    }
}

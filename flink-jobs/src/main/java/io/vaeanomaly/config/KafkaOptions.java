package io.vaeanomaly.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code kafka} section: where events come from and where results go. Not serialisable: it
 * may hold credentials ({@code properties}), which only the Kafka source and sinks receive.
 *
 * @param bootstrapServers broker list, {@code host:port[,host:port...]}
 * @param inputTopic topic the events are read from
 * @param outputTopic topic anomaly records are written to
 * @param deadLetterTopic topic unparsable events are written to
 * @param scoresTopic topic every scored event is written to, {@code ""} = off
 * @param modelEventsTopic topic model promotions/rejections are written to, {@code ""} = off
 * @param groupId consumer group id
 * @param startingOffsets where a job without a checkpoint starts reading
 * @param deliveryGuarantee Kafka sink guarantee
 * @param transactionalIdPrefix prefix of the sinks' transactional ids (exactly-once only)
 * @param transactionTimeout Kafka producer transaction timeout (exactly-once only)
 * @param outputTimestamp which time the output records carry as their Kafka timestamp
 * @param maxRecordBytes largest output record (key plus value bytes) the job writes
 * @param deadLetterMaxBytes largest dead-letter record; the original value is truncated to fit
 * @param properties passed through to every Kafka client (security.protocol, sasl.*, ssl.* ...)
 */
public record KafkaOptions(
        String bootstrapServers,
        String inputTopic,
        String outputTopic,
        String deadLetterTopic,
        String scoresTopic,
        String modelEventsTopic,
        String groupId,
        StartingOffsets startingOffsets,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        OutputTimestamp outputTimestamp,
        int maxRecordBytes,
        int deadLetterMaxBytes,
        Map<String, String> properties) {

    /** The Kafka timestamp of the records the job writes. */
    public enum OutputTimestamp {
        /** When the job wrote the record: never refused by a broker's timestamp checks. */
        PROCESSING_TIME,
        /**
         * The record's own time (an anomaly's event time, a dead letter's source timestamp, a
         * model's training time), clamped to the processing time when it lies in the future and
         * to 0 when it lies before the epoch.
         */
        EVENT_TIME
    }

    /** Kafka's default producer {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /**
     * Room left below the producer's {@code max.request.size} for the record and batch headers
     * that Kafka adds around key and value.
     */
    public static final int RECORD_OVERHEAD_BYTES = 1024;

    /** Where a job without a checkpoint starts reading the input topic. */
    public enum StartingOffsets {
        /** The oldest retained record. */
        EARLIEST,
        /** Only records produced after the job starts. */
        LATEST,
        /** The consumer group's committed offsets, falling back to earliest when there are none. */
        COMMITTED
    }

    /** The Kafka sinks' delivery guarantee. */
    public enum DeliveryGuarantee {
        /** Transactional sinks, committed on checkpoints; readers use read_committed. */
        EXACTLY_ONCE,
        /** Flush on checkpoints; duplicates possible after a failure. */
        AT_LEAST_ONCE
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOption.required(
                    "kafka.bootstrap-servers",
                    ValueTypes.nonEmptyString(),
                    "Kafka brokers, host:port[,host:port...].");
    public static final ConfigOption<String> INPUT_TOPIC =
            ConfigOption.required(
                    "kafka.input-topic", ValueTypes.topic(), "Topic the events are read from.");
    public static final ConfigOption<String> OUTPUT_TOPIC =
            ConfigOption.required(
                    "kafka.output-topic",
                    ValueTypes.topic(),
                    "Topic anomaly records are written to.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            ConfigOption.withDefault(
                    "kafka.dead-letter-topic",
                    ValueTypes.topic(),
                    "vae-anomaly-dead-letter",
                    "Topic events that cannot be parsed are written to, with the reason.");
    public static final ConfigOption<String> SCORES_TOPIC =
            ConfigOption.withDefault(
                    "kafka.scores-topic",
                    ValueTypes.optionalTopic(),
                    "",
                    "Topic every scored event is written to (same format as anomalies);"
                            + " \"\" = off.");
    public static final ConfigOption<String> MODEL_EVENTS_TOPIC =
            ConfigOption.withDefault(
                    "kafka.model-events-topic",
                    ValueTypes.optionalTopic(),
                    "",
                    "Topic model promotions and rejections are written to; \"\" = off.");
    public static final ConfigOption<String> GROUP_ID =
            ConfigOption.withDefault(
                    "kafka.group-id",
                    ValueTypes.nonEmptyString(),
                    "vae-anomaly",
                    "Consumer group id of the source.");
    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            ConfigOption.withDefault(
                    "kafka.starting-offsets",
                    ValueTypes.oneOf(StartingOffsets.class),
                    StartingOffsets.COMMITTED,
                    "Where a job without a checkpoint starts: committed group offsets (falling"
                            + " back to earliest), earliest, or latest.");
    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
            ConfigOption.withDefault(
                    "kafka.delivery-guarantee",
                    ValueTypes.oneOf(DeliveryGuarantee.class),
                    DeliveryGuarantee.EXACTLY_ONCE,
                    "Guarantee of the Kafka sinks.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOption.withDefault(
                    "kafka.transactional-id-prefix",
                    ValueTypes.nonEmptyString(),
                    "vae-anomaly",
                    "Prefix of the sinks' transactional ids; unique per job on a cluster.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOption.withDefault(
                    "kafka.transaction-timeout",
                    ValueTypes.positiveDuration(),
                    Duration.ofMinutes(15),
                    "Producer transaction timeout; must exceed Flink's checkpoint interval and not"
                            + " exceed the brokers' transaction.max.timeout.ms (15m by default).");
    public static final ConfigOption<OutputTimestamp> OUTPUT_TIMESTAMP =
            ConfigOption.withDefault(
                    "kafka.output-timestamp",
                    ValueTypes.oneOf(OutputTimestamp.class),
                    OutputTimestamp.PROCESSING_TIME,
                    "Kafka timestamp of the output records: processing-time, or event-time"
                            + " clamped to [0, now] so that a broker never refuses it.");
    public static final ConfigOption<Integer> MAX_RECORD_BYTES =
            ConfigOption.withDefault(
                    "kafka.max-record-bytes",
                    ValueTypes.integer().where(v -> v >= 4096, "an integer >= 4096"),
                    1_000_000,
                    "Largest output record (key + value bytes); a larger anomaly or score record"
                            + " becomes a dead letter (output_too_large).");
    public static final ConfigOption<Integer> DEAD_LETTER_MAX_BYTES =
            ConfigOption.withDefault(
                    "kafka.dead-letter-max-bytes",
                    ValueTypes.integer().where(v -> v >= 16384, "an integer >= 16384"),
                    65_536,
                    "Largest dead-letter record (key + value bytes); the original record is"
                            + " truncated to fit, marked, with its size.");
    public static final ConfigOption<Map<String, String>> PROPERTIES =
            ConfigOption.withDefault(
                    "kafka.properties",
                    ValueTypes.stringMap(),
                    Map.of(),
                    "Passed through to every Kafka client: security.protocol, sasl.*, ssl.* ...");

    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    BOOTSTRAP_SERVERS,
                    INPUT_TOPIC,
                    OUTPUT_TOPIC,
                    DEAD_LETTER_TOPIC,
                    SCORES_TOPIC,
                    MODEL_EVENTS_TOPIC,
                    GROUP_ID,
                    STARTING_OFFSETS,
                    DELIVERY_GUARANTEE,
                    TRANSACTIONAL_ID_PREFIX,
                    TRANSACTION_TIMEOUT,
                    OUTPUT_TIMESTAMP,
                    MAX_RECORD_BYTES,
                    DEAD_LETTER_MAX_BYTES,
                    PROPERTIES);

    /** Client properties the job sets itself, and the option to use instead. */
    private static final Map<String, String> RESERVED_PROPERTIES =
            Map.of(
                    "bootstrap.servers", BOOTSTRAP_SERVERS.key(),
                    "group.id", GROUP_ID.key(),
                    "transactional.id", TRANSACTIONAL_ID_PREFIX.key(),
                    "transaction.timeout.ms", TRANSACTION_TIMEOUT.key(),
                    "key.serializer", "the job",
                    "value.serializer", "the job",
                    "key.deserializer", "the job",
                    "value.deserializer", "the job");

    /** Property names whose values {@link #toString()} hides. */
    private static final Pattern SECRET =
            Pattern.compile(".*(password|secret|jaas|token|credential|\\.key$).*");

    /** Validates every field; messages name the {@code kafka.*} key. */
    public KafkaOptions {
        BOOTSTRAP_SERVERS.check(bootstrapServers);
        INPUT_TOPIC.check(inputTopic);
        OUTPUT_TOPIC.check(outputTopic);
        DEAD_LETTER_TOPIC.check(deadLetterTopic);
        SCORES_TOPIC.check(scoresTopic);
        MODEL_EVENTS_TOPIC.check(modelEventsTopic);
        GROUP_ID.check(groupId);
        STARTING_OFFSETS.check(startingOffsets);
        DELIVERY_GUARANTEE.check(deliveryGuarantee);
        TRANSACTIONAL_ID_PREFIX.check(transactionalIdPrefix);
        TRANSACTION_TIMEOUT.check(transactionTimeout);
        OUTPUT_TIMESTAMP.check(outputTimestamp);
        MAX_RECORD_BYTES.check(maxRecordBytes);
        DEAD_LETTER_MAX_BYTES.check(deadLetterMaxBytes);
        properties = Map.copyOf(PROPERTIES.check(properties));
        if (deadLetterMaxBytes > maxRecordBytes) {
            throw new ConfigException(
                    DEAD_LETTER_MAX_BYTES.key(),
                    "is " + deadLetterMaxBytes + " but may not exceed kafka.max-record-bytes ("
                            + maxRecordBytes + ")");
        }
        int maxRequest = maxRequestSize(properties);
        if (maxRecordBytes > maxRequest - RECORD_OVERHEAD_BYTES) {
            // The producer would refuse such a record (RecordTooLargeException), failing the
            // sink: keep the job's own limit below the producer's.
            throw new ConfigException(
                    MAX_RECORD_BYTES.key(),
                    "is " + maxRecordBytes + " but must leave " + RECORD_OVERHEAD_BYTES
                            + " bytes of headers below the producer's max.request.size ("
                            + maxRequest + "), i.e. be at most "
                            + (maxRequest - RECORD_OVERHEAD_BYTES));
        }
        differsFromInput(OUTPUT_TOPIC, outputTopic, inputTopic);
        differsFromInput(DEAD_LETTER_TOPIC, deadLetterTopic, inputTopic);
        differsFromInput(SCORES_TOPIC, scoresTopic, inputTopic);
        differsFromInput(MODEL_EVENTS_TOPIC, modelEventsTopic, inputTopic);
        for (String name : properties.keySet()) {
            String instead = RESERVED_PROPERTIES.get(name);
            if (instead != null) {
                throw new ConfigException(
                        PROPERTIES.key() + "." + name,
                        "is set by " + instead + "; set that instead");
            }
        }
    }

    /** Writing back into the input topic would feed the job its own output. */
    private static void differsFromInput(ConfigOption<String> option, String topic, String input) {
        if (topic.equals(input)) {
            throw new ConfigException(
                    option.key(), "must differ from kafka.input-topic (\"" + input + "\")");
        }
    }

    /** The producer's {@code max.request.size}: from {@code properties}, else Kafka's default. */
    private static int maxRequestSize(Map<String, String> properties) {
        String v = properties.get("max.request.size");
        if (v == null) {
            return DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(PROPERTIES.key() + ".max.request.size",
                    "expected an integer but got \"" + v + "\"");
        }
    }

    /** Whether every scored event is also written to {@link #scoresTopic()}. */
    public boolean scoresEnabled() {
        return !scoresTopic.isEmpty();
    }

    /** Whether model events are written to {@link #modelEventsTopic()}. */
    public boolean modelEventsEnabled() {
        return !modelEventsTopic.isEmpty();
    }

    /**
     * Properties for a Kafka client: {@link #properties()} plus {@code bootstrap.servers}. A new
     * mutable object each call.
     */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** Like the record's, but with secret-looking property values (passwords, JAAS) hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach(
                (k, v) -> shown.put(k, SECRET.matcher(k.toLowerCase(Locale.ROOT)).matches()
                        ? "******" : v));
        return "KafkaOptions[bootstrapServers=" + bootstrapServers
                + ", inputTopic=" + inputTopic
                + ", outputTopic=" + outputTopic
                + ", deadLetterTopic=" + deadLetterTopic
                + ", scoresTopic=" + scoresTopic
                + ", modelEventsTopic=" + modelEventsTopic
                + ", groupId=" + groupId
                + ", startingOffsets=" + startingOffsets
                + ", deliveryGuarantee=" + deliveryGuarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix
                + ", transactionTimeout=" + transactionTimeout
                + ", outputTimestamp=" + outputTimestamp
                + ", maxRecordBytes=" + maxRecordBytes
                + ", deadLetterMaxBytes=" + deadLetterMaxBytes
                + ", properties=" + shown + "]";
    }

    static KafkaOptions from(ConfigValues v) {
        return new KafkaOptions(
                v.get(BOOTSTRAP_SERVERS),
                v.get(INPUT_TOPIC),
                v.get(OUTPUT_TOPIC),
                v.get(DEAD_LETTER_TOPIC),
                v.get(SCORES_TOPIC),
                v.get(MODEL_EVENTS_TOPIC),
                v.get(GROUP_ID),
                v.get(STARTING_OFFSETS),
                v.get(DELIVERY_GUARANTEE),
                v.get(TRANSACTIONAL_ID_PREFIX),
                v.get(TRANSACTION_TIMEOUT),
                v.get(OUTPUT_TIMESTAMP),
                v.get(MAX_RECORD_BYTES),
                v.get(DEAD_LETTER_MAX_BYTES),
                v.get(PROPERTIES));
    }
}

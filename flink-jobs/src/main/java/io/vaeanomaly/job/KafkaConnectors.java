package io.vaeanomaly.job;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.KafkaOptions;
import io.vaeanomaly.serde.AnomalyRecordJson;
import io.vaeanomaly.serde.DeadLetterRecordJson;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.serde.KafkaSerdes;
import io.vaeanomaly.serde.ModelEventRecordJson;
import io.vaeanomaly.serde.OutputTimestamps;
import io.vaeanomaly.serde.RecordCodec;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job's Kafka source and sinks, built from the {@code kafka} section. Client properties
 * ({@code kafka.properties}: security.protocol, sasl.*, ssl.* ...) go to every client.
 */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    /** The source of {@code kafka.input-topic}, keeping each record's position and bytes. */
    public static KafkaSource<KafkaRecord> source(JobConfig config) {
        KafkaOptions k = config.kafka();
        return KafkaSource.<KafkaRecord>builder()
                .setProperties(k.clientProperties())
                .setBootstrapServers(k.bootstrapServers())
                .setTopics(k.inputTopic())
                .setGroupId(k.groupId())
                .setStartingOffsets(startingOffsets(k.startingOffsets()))
                .setDeserializer(new KafkaRecordDeserializer())
                .build();
    }

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    private static OffsetsInitializer startingOffsets(KafkaOptions.StartingOffsets s) {
        return switch (s) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    /**
     * The sinks' producer batch size unless {@code kafka.properties} sets {@code batch.size}:
     * Kafka's 16 KB batch holds about a dozen anomaly records (each embeds its event), so a sink
     * at tens of thousands of records a second sent a produce request per dozen records; with
     * 128 KB, linger.ms (5 ms) rather than the batch size closes a batch. Measured in
     * {@code bench-e2e}: the broker's CPU per event fell by a fifth (half of its system time),
     * the producers' by almost half.
     */
    static final int SINK_BATCH_BYTES = 128 * 1024;

    /**
     * A sink writing records with {@code codec} to {@code topic}, with the Kafka timestamp chosen
     * by {@code kafka.output-timestamp} ({@link OutputTimestamps}): a broker refuses records whose
     * timestamp lies more than {@code log.message.timestamp.after.max.ms} (1 h by default in
     * Kafka 4) ahead of its clock, and a refused record would fail the sink and restart the job.
     *
     * @param name distinguishes the transactional ids of the job's sinks
     */
    public static <T> KafkaSink<T> sink(
            JobConfig config, String topic, RecordCodec<T> codec, String name) {
        KafkaOptions k = config.kafka();
        Properties producer = k.clientProperties();
        producer.putIfAbsent("batch.size", Integer.toString(SINK_BATCH_BYTES));
        boolean exactlyOnce =
                k.deliveryGuarantee() == KafkaOptions.DeliveryGuarantee.EXACTLY_ONCE;
        if (exactlyOnce) {
            producer.put("transaction.timeout.ms",
                    Long.toString(k.transactionTimeout().toMillis()));
        }
        KafkaOptions.OutputTimestamp mode = k.outputTimestamp();
        KafkaRecordSerializationSchema<T> serializer =
                (record, context, timestamp) -> KafkaSerdes.producerRecord(topic, codec, record,
                        OutputTimestamps.choose(mode, codec.kafkaTimestamp(record),
                                System.currentTimeMillis()));
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(exactlyOnce
                        ? DeliveryGuarantee.EXACTLY_ONCE
                        : DeliveryGuarantee.AT_LEAST_ONCE);
        if (exactlyOnce) {
            builder.setTransactionalIdPrefix(k.transactionalIdPrefix() + "-" + name);
        }
        return builder.build();
    }

    /** Writes the job's outputs to the configured topics. */
    public static void attachSinks(AnomalyDetectionJob.Outputs outputs, JobConfig config) {
        KafkaOptions k = config.kafka();
        sinkTo(outputs.anomalies(),
                sink(config, k.outputTopic(), AnomalyRecordJson.INSTANCE, "anomalies"),
                "anomalies-sink");
        sinkTo(outputs.deadLetters(),
                sink(config, k.deadLetterTopic(), DeadLetterRecordJson.INSTANCE, "dead-letters"),
                "dead-letter-sink");
        if (k.scoresEnabled()) {
            sinkTo(outputs.scores().union(outputs.unscored()),
                    sink(config, k.scoresTopic(), AnomalyRecordJson.INSTANCE, "scores"),
                    "scores-sink");
        }
        if (k.modelEventsEnabled()) {
            sinkTo(outputs.modelEvents(),
                    sink(config, k.modelEventsTopic(), ModelEventRecordJson.INSTANCE,
                            "model-events"),
                    "model-events-sink");
        }
    }

    private static <T> void sinkTo(DataStream<T> stream, KafkaSink<T> sink, String name) {
        stream.sinkTo(sink).name(name).uid(name);
    }
}

package io.vaeanomaly.serde;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain-Kafka glue for {@link RecordCodec}s: no Flink types, so the Flink sink's
 * {@code KafkaRecordSerializationSchema} can simply return {@link #producerRecord}, and tools
 * and tests can read the output topics with an ordinary {@code KafkaConsumer}.
 */
public final class KafkaSerdes {
    private KafkaSerdes() {}

    /** A producer record for {@code topic} with the codec's key, timestamp and value. */
    public static <T> ProducerRecord<byte[], byte[]> producerRecord(
            String topic, RecordCodec<T> codec, T record) {
        return producerRecord(topic, codec, record, codec.kafkaTimestamp(record));
    }

    /**
     * A producer record for {@code topic} with the codec's key and value and the given Kafka
     * timestamp (epoch ms, {@code >= 0}; {@code null} lets the producer stamp the send time).
     */
    public static <T> ProducerRecord<byte[], byte[]> producerRecord(
            String topic, RecordCodec<T> codec, T record, Long timestampMs) {
        return new ProducerRecord<>(topic, null, timestampMs, codec.kafkaKey(record),
                codec.encode(record));
    }

    /** A Kafka value serializer backed by {@code codec}. */
    public static <T> Serializer<T> serializer(RecordCodec<T> codec) {
        return (topic, record) -> record == null ? null : codec.encode(record);
    }

    /**
     * A Kafka value deserializer backed by {@code codec}; tombstones become {@code null}, bad
     * bytes throw {@link IllegalArgumentException}.
     */
    public static <T> Deserializer<T> deserializer(RecordCodec<T> codec) {
        return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
    }
}

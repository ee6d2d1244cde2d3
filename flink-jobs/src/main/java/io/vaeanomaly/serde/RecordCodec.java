package io.vaeanomaly.serde;

import java.io.Serializable;

/**
 * Converts an output record to and from the bytes of a Kafka record, without any Flink types:
 * the Flink sinks' serialisation schemas wrap it ({@link KafkaSerdes} has plain Kafka adapters).
 * Implementations are stateless and thread-safe.
 *
 * @param <T> record type
 */
public interface RecordCodec<T> extends Serializable {

    /** The Kafka record value: UTF-8 JSON. */
    byte[] encode(T record);

    /**
     * Reads a value written by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are not such a record; the message names
     *     the offending field
     */
    T decode(byte[] value);

    /** The Kafka record key (decides the partition), or {@code null}. */
    byte[] kafkaKey(T record);

    /** The Kafka record timestamp in epoch ms, or {@code null} to let the producer choose. */
    Long kafkaTimestamp(T record);
}

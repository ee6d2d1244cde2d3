package io.vaeanomaly.serde;

import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.RecordBatch;

/**
 * A consumed Kafka record as plain values, the input of {@link EventParser}. The Flink source's
 * deserialisation schema builds one per {@code ConsumerRecord} with {@link #of}.
 *
 * <p>The arrays are not copied (this sits on the hot path); do not modify them afterwards.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset offset within the partition
 * @param timestampMs Kafka record timestamp in epoch ms, or {@link #NO_TIMESTAMP}
 * @param key record key bytes, may be {@code null}
 * @param value record value bytes, may be {@code null} (a tombstone)
 */
public record KafkaRecord(
        String topic, int partition, long offset, long timestampMs, byte[] key, byte[] value) {

    /** Kafka's marker for a record without timestamp. */
    public static final long NO_TIMESTAMP = RecordBatch.NO_TIMESTAMP;

    public KafkaRecord {
        Objects.requireNonNull(topic, "topic");
    }

    /** From a consumed record. */
    public static KafkaRecord of(ConsumerRecord<byte[], byte[]> r) {
        return new KafkaRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
                r.value());
    }

    /** Topic, partition and offset. */
    public SourcePosition position() {
        return new SourcePosition(topic, partition, offset);
    }

    /** Whether the record has a timestamp. */
    public boolean hasTimestamp() {
        return timestampMs >= 0;
    }
}

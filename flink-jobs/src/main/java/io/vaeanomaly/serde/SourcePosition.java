package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a record was read from: Kafka topic, partition and offset. Output records carry it so a
 * reader can find the original.
 *
 * @param topic source topic
 * @param partition source partition ({@code >= 0})
 * @param offset offset within the partition ({@code >= 0})
 */
public record SourcePosition(String topic, int partition, long offset) implements Serializable {
    public SourcePosition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}

package io.vaeanomaly.serde;

import io.vaeanomaly.config.KafkaOptions.OutputTimestamp;

/**
 * The Kafka timestamp of an output record ({@code kafka.output-timestamp}). Brokers check
 * CreateTime timestamps against their own clock: Kafka 4 refuses a record more than
 * {@code log.message.timestamp.after.max.ms} (1 h by default) in the future
 * (InvalidTimestampException), and one older than {@code log.message.timestamp.before.max.ms}
 * (unlimited by default); the producer refuses negative ones. An event's own time can be anything
 * (simulated data runs ahead of the wall clock, replayed data lies years back), so it is never
 * used as it is.
 */
public final class OutputTimestamps {
    private OutputTimestamps() {}

    /**
     * The timestamp to write.
     *
     * @param recordTimeMs the record's own time ({@link RecordCodec#kafkaTimestamp}), or null
     * @param nowMs the processing time
     * @return {@code nowMs} for processing time; for event time the record's time clamped to
     *     {@code [0, nowMs]} (processing time when it has none). The event time itself stays in
     *     the record's payload ({@code event_time}).
     */
    public static long choose(OutputTimestamp mode, Long recordTimeMs, long nowMs) {
        if (mode == OutputTimestamp.PROCESSING_TIME || recordTimeMs == null) {
            return nowMs;
        }
        return Math.max(0, Math.min(recordTimeMs, nowMs));
    }
}

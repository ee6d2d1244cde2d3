package io.vaeanomaly.operators;

import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.DeadLetterRecordJson;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Bounds every dead letter to {@code kafka.dead-letter-max-bytes} before the sink
 * ({@link DeadLetterRecordJson#fitTo}): a dead letter carries the record it reports, which can
 * be as large as the broker allows (and the JSON form carries it twice, as text and base64), so
 * unbounded it could itself be refused and fail the job.
 */
public final class DeadLetterFit implements MapFunction<DeadLetterRecord, DeadLetterRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxBytes;

    /** @param maxBytes {@code kafka.dead-letter-max-bytes} */
    public DeadLetterFit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public DeadLetterRecord map(DeadLetterRecord r) {
        return DeadLetterRecordJson.fitTo(r, maxBytes);
    }
}

package io.vaeanomaly.operators;

import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.AnomalyRecordJson;
import io.vaeanomaly.serde.DeadLetterRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes on the anomaly and score records that the Kafka sinks can write, and turns every other
 * one into a dead letter ({@link DeadLetterRecord#OUTPUT_TOO_LARGE}, side output
 * {@link OutputTags#DEAD_LETTERS}): records whose key plus value would exceed
 * {@code kafka.max-record-bytes}. Such a record embeds an event close to the broker's own limit;
 * given to the sink it would be refused (RecordTooLargeException), and an exactly-once sink
 * cannot skip a refused record: its transaction fails, the job restarts from the last
 * checkpoint, meets the same record, and fails again, forever. Checking before the sink keeps
 * the event (as a dead letter, in the same transactional output) and the job running.
 *
 * <p>Cheap for ordinary records: the exact size is computed (by encoding) only when
 * {@link AnomalyRecordJson#sizeBound} exceeds the limit.
 */
public final class OutputSizeGuard extends ProcessFunction<AnomalyRecord, AnomalyRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private final String what;
    private transient Counter deadLettered;

    /**
     * @param maxRecordBytes {@code kafka.max-record-bytes}
     * @param what the kind of record, for the dead letter's reason (e.g. "score record")
     */
    public OutputSizeGuard(int maxRecordBytes, String what) {
        this.maxRecordBytes = maxRecordBytes;
        this.what = what;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLettered = JobMetrics.deadLettered(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(AnomalyRecord r, Context ctx, Collector<AnomalyRecord> out) {
        if (AnomalyRecordJson.sizeBound(r) <= maxRecordBytes) {
            out.collect(r);
            return;
        }
        long size = AnomalyRecordJson.INSTANCE.kafkaSize(r);
        if (size <= maxRecordBytes) {
            out.collect(r);
        } else {
            deadLettered.inc();
            ctx.output(OutputTags.DEAD_LETTERS,
                    DeadLetterRecord.outputTooLarge(r, what, size, maxRecordBytes));
        }
    }
}

package io.vaeanomaly.operators;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.persist.ModelFile;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.AnomalyRecord.Unscored;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Global scope, asynchronous training: scores events at full parallelism (input 1) with the
 * champion the trainer broadcasts (input 2, {@link ModelUpdate}s). Each subtask keeps its own
 * copy of the model, so its streaming threshold adapts to the events it sees.
 *
 * <p>Events are scored in micro-batches (up to {@link DetectorOperator#MAX_BATCH} events or
 * {@link DetectorOperator#MAX_BATCH_DELAY_MS}), since one pass over a batch costs little more
 * than one pass over one event; pending batches are scored before every checkpoint barrier, so
 * they need no state. An operator rather than a {@code BroadcastProcessFunction} because the
 * batch timer and the pre-barrier flush are not available to functions on non-keyed streams.
 *
 * <p>State (operator state): the subtask's model with its threshold state (union list state: after
 * a restore or rescale every subtask takes the newest copy), and the events held while no model
 * exists. Before the first model events are held (up to {@code flink.max-buffered-events}) or
 * forwarded to {@link OutputTags#UNSCORED}; never dropped.
 */
public final class GlobalScorerOperator extends AbstractStreamOperator<AnomalyRecord>
        implements TwoInputStreamOperator<Event, ModelUpdate, AnomalyRecord>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    private final JobConfig config;
    private transient DetectorModel model;
    private transient ListState<byte[]> modelState;
    private transient ListState<Event> bufferState;
    private transient long buffered;
    private transient boolean buffering;
    private transient List<Event> pending;
    private transient boolean flushScheduled;
    private transient boolean eventsEnded;
    private transient boolean modelsEnded;
    private transient JobMetrics metrics;
    /** Schema of the last event the current model admitted (identity shortcut). */
    private transient FeatureSchema admitted;

    public GlobalScorerOperator(JobConfig config) {
        this.config = config;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        modelState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                "scorer-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        bufferState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "scorer-buffer", TypeInformation.of(Event.class)));
        for (byte[] bytes : modelState.get()) {
            DetectorModel m = ModelFile.fromBytes(bytes);
            if (model == null || m.version() > model.version()) {
                model = m;
            }
        }
        buffered = 0;
        for (Event ignored : bufferState.get()) {
            buffered++;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffering = config.training().beforeFirstModel()
                == TrainingOptions.BeforeFirstModel.BUFFER;
        pending = new ArrayList<>();
        metrics = JobMetrics.forDetector(getMetricGroup(), (Gauge<Long>) () -> buffered, true);
        if (model != null) {
            metrics.champion(model);
        }
    }

    @Override
    public void processElement1(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        if (model == null) {
            if (buffering && buffered < config.flink().maxBufferedEvents()) {
                bufferState.add(event);
                buffered++;
            } else {
                metrics.unscored();
                output.collect(OutputTags.UNSCORED, new StreamRecord<>(AnomalyRecord.unscored(
                        event, buffering ? Unscored.BUFFER_FULL : Unscored.NO_MODEL)));
            }
            return;
        }
        if (buffered > 0) {
            flushBuffer(); // restored with a model and held events: those come first
        }
        pending.add(event);
        if (pending.size() >= DetectorOperator.MAX_BATCH) {
            flushPending();
        } else if (!flushScheduled) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(
                    now + DetectorOperator.MAX_BATCH_DELAY_MS, time -> {
                        flushScheduled = false;
                        flushPending();
                    });
        }
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
        ModelUpdate update = element.getValue();
        if (model != null && update.version() <= model.version()) {
            return; // an older model (e.g. replayed after a restore)
        }
        flushPending(); // events that arrived before the update are scored by the old model
        model = update.toModel();
        admitted = null;
        metrics.champion(model);
        if (buffered > 0) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws Exception {
        List<Event> events = new ArrayList<>();
        for (Event e : bufferState.get()) {
            events.add(e);
        }
        bufferState.clear();
        buffered = 0;
        score(events);
    }

    private void flushPending() {
        if (!pending.isEmpty()) {
            List<Event> batch = pending;
            pending = new ArrayList<>();
            score(batch);
        }
    }

    /**
     * Scores events in order, one batch; events of another dimension, or with other feature
     * names than the model's (parse subtasks discover their schemas independently), are dead
     * letters.
     */
    private void score(List<Event> events) {
        List<Event> ok = new ArrayList<>(events.size());
        for (Event e : events) {
            DeadLetterRecord misfit = misfit(e);
            if (misfit == null) {
                ok.add(e);
            } else {
                metrics.deadLettered();
                output.collect(OutputTags.DEAD_LETTERS, new StreamRecord<>(misfit));
            }
        }
        if (ok.isEmpty()) {
            return;
        }
        double[][] rows = new double[ok.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = ok.get(i).features();
        }
        long start = System.nanoTime();
        Detection[] ds = model.detect(rows, true);
        long nanosPerEvent = (System.nanoTime() - start) / rows.length;
        for (int i = 0; i < ds.length; i++) {
            metrics.scored(ds[i].anomaly(), nanosPerEvent);
            output.collect(new StreamRecord<>(RecordMapper.anomalyRecord(ok.get(i), ds[i], 1)));
        }
    }

    /** The dead letter of an event the model cannot take, or null. */
    private DeadLetterRecord misfit(Event e) {
        if (e.schema() == admitted) {
            return null; // same schema object as an admitted event: nothing to compare
        }
        if (e.dimension() != model.inputDim()) {
            return RecordMapper.wrongDimension(e, model.inputDim());
        }
        List<String> names = model.featureNames();
        if (!names.isEmpty() && !names.equals(e.schema().names())) {
            return RecordMapper.featureMismatch(e, names);
        }
        admitted = e.schema();
        return null;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushPending();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        modelState.clear();
        if (model != null) {
            modelState.add(ModelFile.toBytes(model));
        }
    }

    /**
     * At the end of the events: the pending batch is scored. Held events wait for the model
     * input to end (the trainer finishes its training first); if no model came at all, they are
     * forwarded unscored.
     */
    @Override
    public void endInput(int inputId) throws Exception {
        flushPending();
        eventsEnded |= inputId == 1;
        modelsEnded |= inputId == 2;
        if (eventsEnded && modelsEnded && model == null && buffered > 0) {
            for (Event e : bufferState.get()) {
                metrics.unscored();
                output.collect(OutputTags.UNSCORED,
                        new StreamRecord<>(AnomalyRecord.unscored(e, Unscored.NO_MODEL)));
            }
            bufferState.clear();
            buffered = 0;
        }
    }

    /** The version of the model in use (tests); 0 before the first. */
    long modelVersion() {
        return model == null ? 0 : model.version();
    }
}

package io.vaeanomaly.operators;

import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.persist.ModelFile;
import io.vaeanomaly.persist.StateFormatException;
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
 * <p>Events are scored in micro-batches ({@link MicroBatcher}, one batch per subtask). An
 * operator rather than a {@code BroadcastProcessFunction} because the batch timer and the
 * pre-barrier flush are not available to functions on non-keyed streams.
 *
 * <p>State (operator state): the subtask's model with its threshold state as a model file
 * ({@link ModelFile}, in the persisted-state scheme; union list state:
 * after a restore or rescale every subtask takes the newest copy), and the events held while no
 * model exists ({@link WarmupBuffer}); beyond its capacity, or with the pass-through policy,
 * events are forwarded to {@link OutputTags#UNSCORED} as unscored records with the reason; never
 * dropped. Events whose dimension or feature names differ from the model's are dead letters.
 */
public final class GlobalScorerOperator extends AbstractStreamOperator<AnomalyRecord>
        implements TwoInputStreamOperator<Event, ModelUpdate, AnomalyRecord>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    /** The one batch key: the scorer's events are not keyed. */
    private static final String ALL = "";

    private final WarmupBuffer.Policy warmupPolicy;
    private transient DetectorModel model;
    private transient ListState<byte[]> modelState;
    private transient ListState<Event> heldState;
    private transient long restoredHeld;
    private transient WarmupBuffer warmup;
    private transient MicroBatcher<String, Event> batcher;
    private transient boolean eventsEnded;
    private transient boolean modelsEnded;
    private transient JobMetrics metrics;
    /** Schema of the last event the current model admitted (identity shortcut). */
    private transient FeatureSchema admitted;

    /**
     * @param training {@code before-first-model} and {@code max-buffered-events} decide what
     *     happens to events before the first model arrives
     */
    public GlobalScorerOperator(TrainingOptions training) {
        this(WarmupBuffer.Policy.of(training));
    }

    GlobalScorerOperator(WarmupBuffer.Policy warmupPolicy) {
        this.warmupPolicy = warmupPolicy;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        modelState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                "scorer-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        heldState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "scorer-buffer", TypeInformation.of(Event.class)));
        for (byte[] bytes : modelState.get()) {
            DetectorModel m;
            try {
                m = ModelFile.fromBytes(bytes);
            } catch (StateFormatException e) {
                // Names the operator: its saved model cannot be used as it is.
                throw new StateFormatException("operator '" + getOperatorName()
                        + "', saved model: " + e.getMessage(), e);
            }
            if (model == null || m.version() > model.version()) {
                model = m;
            }
        }
        restoredHeld = 0;
        for (Event ignored : heldState.get()) {
            restoredHeld++;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        warmup = new WarmupBuffer(heldState, warmupPolicy, restoredHeld);
        batcher = new MicroBatcher<>(getProcessingTimeService(), (key, batch) -> score(batch));
        metrics = JobMetrics.forDetector(getMetricGroup(), (Gauge<Long>) warmup::total, true);
        if (model != null) {
            metrics.champion(model);
        }
    }

    @Override
    public void processElement1(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        if (model == null) {
            if (!warmup.offer(event)) {
                emitUnscored(event,
                        warmupPolicy.hold() ? Unscored.BUFFER_FULL : Unscored.NO_MODEL);
            }
            return;
        }
        if (warmup.total() > 0) {
            score(warmup.drain()); // restored with a model and held events: those come first
        }
        batcher.add(ALL, event);
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
        ModelUpdate update = element.getValue();
        if (model != null && update.version() <= model.version()) {
            return; // an older model (e.g. replayed after a restore)
        }
        batcher.flushAll(); // events that arrived before the update are scored by the old model
        model = update.toModel();
        admitted = null;
        metrics.champion(model);
        if (warmup.total() > 0) {
            score(warmup.drain());
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

    private void emitUnscored(Event event, Unscored why) {
        metrics.unscored();
        output.collect(OutputTags.UNSCORED,
                new StreamRecord<>(AnomalyRecord.unscored(event, why)));
    }

    /** The pending batch goes out before the barrier, so it belongs to this checkpoint. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        batcher.flushAll();
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
        batcher.flushAll();
        eventsEnded |= inputId == 1;
        modelsEnded |= inputId == 2;
        if (eventsEnded && modelsEnded && model == null) {
            for (Event e : warmup.drain()) {
                emitUnscored(e, Unscored.NO_MODEL);
            }
        }
    }

    /** The version of the model in use (tests); 0 before the first. */
    long modelVersion() {
        return model == null ? 0 : model.version();
    }
}

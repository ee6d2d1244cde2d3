package io.vaeanomaly.operators;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.persist.ModelFile;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Global scope, asynchronous training: scores events at full parallelism with the champion that
 * the trainer broadcasts ({@link ModelUpdate}). Each subtask keeps its own copy of the model, so
 * its streaming threshold adapts to the events it sees.
 *
 * <p>State: the latest update is broadcast state (every subtask restores it); each subtask's own
 * copy (with its threshold state) and the events it holds while no model exists are operator
 * state. Before the first model events are held (up to {@code flink.max-buffered-events}) or
 * forwarded to {@link OutputTags#UNSCORED}, never dropped.
 */
public final class GlobalScorerFunction
        extends BroadcastProcessFunction<Event, ModelUpdate, AnomalyRecord>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Broadcast state of the latest champion, under {@link #CHAMPION}. */
    public static final MapStateDescriptor<String, ModelUpdate> MODEL_STATE =
            new MapStateDescriptor<>("champion", Types.STRING,
                    TypeInformation.of(ModelUpdate.class));

    static final String CHAMPION = "champion";

    private final JobConfig config;
    private transient DetectorModel model;
    private transient boolean broadcastChecked;
    private transient ListState<byte[]> ownModelState;
    private transient ListState<Event> bufferState;
    private transient long buffered;
    private transient boolean buffering;
    private transient JobMetrics metrics;

    public GlobalScorerFunction(JobConfig config) {
        this.config = config;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        ownModelState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "scorer-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        bufferState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "scorer-buffer", TypeInformation.of(Event.class)));
        // After a rescale a subtask may get several copies (or none): take the newest.
        for (byte[] bytes : ownModelState.get()) {
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
    public void open(OpenContext openContext) {
        buffering = config.training().beforeFirstModel()
                == TrainingOptions.BeforeFirstModel.BUFFER;
        metrics = JobMetrics.forDetector(
                getRuntimeContext().getMetricGroup(), (Gauge<Long>) () -> buffered, true);
        if (model != null) {
            metrics.champion(model);
        }
    }

    @Override
    public void processElement(Event event, ReadOnlyContext ctx, Collector<AnomalyRecord> out)
            throws Exception {
        if (!broadcastChecked) {
            broadcastChecked = true;
            adopt(ctx.getBroadcastState(MODEL_STATE).get(CHAMPION));
        }
        if (model == null) {
            if (buffering && buffered < config.flink().maxBufferedEvents()) {
                bufferState.add(event);
                buffered++;
            } else {
                metrics.unscored();
                ctx.output(OutputTags.UNSCORED, event);
            }
            return;
        }
        if (buffered > 0) {
            flush(d -> ctx.output(OutputTags.DEAD_LETTERS, d), out);
        }
        score(event, d -> ctx.output(OutputTags.DEAD_LETTERS, d), out);
    }

    private void score(Event event, Consumer<DeadLetterRecord> deadLetters,
            Collector<AnomalyRecord> out) {
        if (event.dimension() != model.inputDim()) {
            metrics.deadLettered();
            deadLetters.accept(RecordMapper.wrongDimension(event, model.inputDim()));
            return;
        }
        long start = System.nanoTime();
        Detection d = model.detect(new double[][] {event.features()}, true)[0];
        metrics.scored(d.anomaly(), System.nanoTime() - start);
        out.collect(RecordMapper.anomalyRecord(event, d, 1));
    }

    private void flush(Consumer<DeadLetterRecord> deadLetters, Collector<AnomalyRecord> out)
            throws Exception {
        List<Event> events = new ArrayList<>();
        for (Event e : bufferState.get()) {
            events.add(e);
        }
        bufferState.clear();
        buffered = 0;
        for (Event e : events) {
            score(e, deadLetters, out);
        }
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx,
            Collector<AnomalyRecord> out) throws Exception {
        BroadcastState<String, ModelUpdate> state = ctx.getBroadcastState(MODEL_STATE);
        ModelUpdate current = state.get(CHAMPION);
        if (current == null || update.version() > current.version()) {
            state.put(CHAMPION, update);
        }
        broadcastChecked = true;
        adopt(update);
        if (model != null && buffered > 0) {
            flush(d -> ctx.output(OutputTags.DEAD_LETTERS, d), out);
        }
    }

    /** Takes {@code update} if it is newer than the model in use. */
    private void adopt(ModelUpdate update) {
        if (update != null && (model == null || update.version() > model.version())) {
            model = update.toModel();
            metrics.champion(model);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ownModelState.clear();
        if (model != null) {
            ownModelState.add(ModelFile.toBytes(model));
        }
    }

    /** The version of the model in use (tests); 0 before the first. */
    long modelVersion() {
        return model == null ? 0 : model.version();
    }
}

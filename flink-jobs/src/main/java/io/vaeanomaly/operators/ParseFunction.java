package io.vaeanomaly.operators;

import io.vaeanomaly.config.InputOptions;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.EventParser;
import io.vaeanomaly.serde.FeatureSchema;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.serde.ParseFailure;
import io.vaeanomaly.serde.ParseResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses Kafka records into {@link Event}s (main output); records that fail go to
 * {@link OutputTags#DEAD_LETTERS} with the reason. Never throws on bad data, so one bad record
 * cannot stop the job.
 *
 * <p>A feature schema discovered from the first valid record is operator state (union list
 * state, so every subtask gets it back after a restore or rescale): the feature order must not
 * change under a trained model.
 */
public final class ParseFunction extends ProcessFunction<KafkaRecord, Event>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final InputOptions options;
    private transient EventParser parser;
    private transient ListState<List<String>> schemaState;
    private transient FeatureSchema restoredSchema;
    private transient Counter eventsIn;
    private transient Counter deadLettered;

    public ParseFunction(InputOptions options) {
        this.options = options;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        schemaState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("feature-schema", Types.LIST(Types.STRING)));
        // Union state holds one copy per old subtask that knew the schema; they agree.
        for (List<String> names : schemaState.get()) {
            restoredSchema = new FeatureSchema(names);
            break;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        // Only a discovered schema is state; configured feature names always come from the
        // configuration (a changed configuration must not be overruled by an old checkpoint).
        boolean discovered = options.featureFields().isEmpty()
                && (options.format() == InputOptions.Format.JSON
                        || !options.featurePattern().isEmpty());
        parser = new EventParser(options, discovered ? restoredSchema : null);
        eventsIn = JobMetrics.eventsIn(getRuntimeContext().getMetricGroup());
        deadLettered = JobMetrics.deadLettered(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<Event> out) {
        eventsIn.inc();
        ParseResult r = parser.parse(record);
        if (r instanceof Event e) {
            out.collect(e);
        } else if (r instanceof ParseFailure f) {
            deadLettered.inc();
            ctx.output(OutputTags.DEAD_LETTERS, DeadLetterRecord.of(f));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        schemaState.clear();
        if (parser != null && parser.schema().isPresent()) {
            schemaState.add(new ArrayList<>(parser.schema().get().names()));
        } else if (restoredSchema != null) {
            schemaState.add(new ArrayList<>(restoredSchema.names()));
        }
    }
}

package io.vaeanomaly.job;

import io.vaeanomaly.config.ConfigException;
import io.vaeanomaly.config.Durations;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.KafkaOptions;
import io.vaeanomaly.config.ModelOptions;
import io.vaeanomaly.operators.DeadLetterFit;
import io.vaeanomaly.operators.DetectorOperator;
import io.vaeanomaly.operators.GlobalScorerOperator;
import io.vaeanomaly.operators.ModelUpdate;
import io.vaeanomaly.operators.OutputSizeGuard;
import io.vaeanomaly.operators.OutputTags;
import io.vaeanomaly.operators.ParseFunction;
import io.vaeanomaly.operators.TrainingSampler;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.KafkaRecord;
import io.vaeanomaly.serde.ModelEventRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming job: Kafka records, parse, score, decide, anomaly records. Three parts that can
 * be used separately:
 *
 * <ul>
 *   <li>{@link #applyJobDefaults}: what the job needs and Flink's configuration leaves unset
 *       (parallelism, checkpointing and state backend are Flink's own settings);
 *   <li>{@link #topology}: from any {@code DataStream<KafkaRecord>} to the {@link Outputs}
 *       streams, so tests and demos can feed records and collect results in process;
 *   <li>{@link #buildKafkaPipeline}: the production wiring, {@link KafkaConnectors} source and
 *       sinks around the topology.
 * </ul>
 *
 * <p>Topology by configuration:
 *
 * <ul>
 *   <li>{@code model.scope: per-key}: {@code keyBy(key)} into a {@link DetectorOperator}, one
 *       online detector per key in keyed state;
 *   <li>{@code model.scope: global} with {@code training.deterministic: true}: one detector at
 *       parallelism 1 (keyed by a constant), training synchronously at exact event counts, so a
 *       replay gives byte-identical records (no wall-clock time in them) provided the input
 *       arrives in the same order, i.e. the input topic has one partition;
 *   <li>{@code model.scope: global} otherwise: scorers at full parallelism
 *       ({@link GlobalScorerOperator}) with the champion broadcast from a trainer at parallelism
 *       1 that trains asynchronously on a {@link TrainingSampler sample} of the events. The
 *       trainer scores its sample with its own champion so that flagged events stay out of the
 *       training data; no feedback from the scorers is needed, so the graph has no cycle.
 * </ul>
 */
public final class AnomalyDetectionJob {
    /** The key all events share in global scope (also the model-event key). */
    public static final String GLOBAL_KEY = ModelEventRecord.GLOBAL_KEY;

    private AnomalyDetectionJob() {}

    /**
     * The job's output streams.
     *
     * @param scores every scored event, anomalous or not
     * @param anomalies the scored events flagged as anomalies
     * @param deadLetters records that could not be processed, with the reason, each bounded to
     *     {@code kafka.dead-letter-max-bytes}
     * @param modelEvents trainings: first model, promotions, rejections
     * @param unscored records of events forwarded without a score ({@code scored: false}, with
     *     the reason: pass-through before the first model, buffer overflow, shingle windows
     *     filling); the Kafka wiring writes them to the scores topic with the scored events
     *
     * <p>Every anomaly, score and unscored record fits in {@code kafka.max-record-bytes}; an
     * event whose record would not is a dead letter instead ({@link OutputSizeGuard}). So every
     * input record ends up in exactly one of scores, unscored and dead letters.
     */
    public record Outputs(
            DataStream<AnomalyRecord> scores,
            DataStream<AnomalyRecord> anomalies,
            DataStream<DeadLetterRecord> deadLetters,
            DataStream<ModelEventRecord> modelEvents,
            DataStream<AnomalyRecord> unscored) {}

    /** Checkpoint interval of the job when Flink's configuration sets none. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /**
     * Fills in what the job needs and Flink's configuration leaves unset; never overrides a
     * setting, so {@code flink run -p}, {@code -D} and a cluster's config.yaml win.
     *
     * <ul>
     *   <li>Checkpointing: the Kafka sinks commit (exactly-once) or flush (at-least-once) on
     *       checkpoints, so without checkpoints no output would ever be committed. Unset, it is
     *       {@link #DEFAULT_CHECKPOINT_INTERVAL} (said on stderr).
     *   <li>{@code pipeline.object-reuse}: true unless set. The operators never modify a record
     *       after emitting it, so copies between chained operators are unnecessary.
     * </ul>
     */
    public static void applyJobDefaults(StreamExecutionEnvironment env) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
            System.err.println("vae-anomaly: " + CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
                    + " is not set; checkpointing every "
                    + Durations.format(DEFAULT_CHECKPOINT_INTERVAL));
        }
        if (env.getConfiguration().getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            env.getConfig().enableObjectReuse();
        }
    }

    /**
     * Kafka aborts a transaction that stays open longer than its timeout, and the exactly-once
     * sink keeps one open from one checkpoint to the next.
     *
     * @throws ConfigException naming {@code kafka.transaction-timeout} if it is too short for
     *     the checkpoint interval of {@code env}
     */
    static void checkTransactionTimeout(StreamExecutionEnvironment env, KafkaOptions kafka) {
        long interval = env.getCheckpointInterval();
        if (kafka.deliveryGuarantee() == KafkaOptions.DeliveryGuarantee.EXACTLY_ONCE
                && interval > 0 && kafka.transactionTimeout().toMillis() <= interval) {
            throw new ConfigException(KafkaOptions.TRANSACTION_TIMEOUT.key(),
                    "must be longer than Flink's checkpoint interval ("
                            + CheckpointingOptions.CHECKPOINTING_INTERVAL.key() + " = "
                            + Durations.format(Duration.ofMillis(interval))
                            + ") for exactly-once");
        }
    }

    /**
     * Builds the job on {@code env} with the Kafka source and sinks of the configuration; run
     * it with {@code env.execute(...)} or {@code env.executeAsync(...)}.
     */
    public static Outputs buildKafkaPipeline(StreamExecutionEnvironment env, JobConfig config) {
        applyJobDefaults(env);
        checkTransactionTimeout(env, config.kafka());
        DataStream<KafkaRecord> input = env.fromSource(
                        KafkaConnectors.source(config), WatermarkStrategy.noWatermarks(),
                        "kafka-source")
                .uid("kafka-source");
        Outputs outputs = topology(input, config);
        KafkaConnectors.attachSinks(outputs, config);
        return outputs;
    }

    /**
     * The processing graph from {@code input} to the output streams; attach sinks to the
     * returned streams.
     *
     * @throws ConfigException for combinations this topology cannot run
     */
    public static Outputs topology(DataStream<KafkaRecord> input, JobConfig config) {
        boolean global = config.model().scope() == ModelOptions.Scope.GLOBAL;
        boolean deterministic = config.training().deterministic();
        if (global && !deterministic && config.model().shingleSize() > 1) {
            throw new ConfigException("model.shingle-size",
                    "must be 1 with model.scope global unless training.deterministic is true:"
                            + " parallel scorers see the stream interleaved, so consecutive"
                            + " events do not form a window (use model.scope per-key)");
        }
        config.detector(); // validates early, before anything runs

        SingleOutputStreamOperator<Event> events = input
                .process(new ParseFunction(config.input()), TypeInformation.of(Event.class))
                .name("parse").uid("parse");

        SingleOutputStreamOperator<AnomalyRecord> scored;
        DataStream<ModelEventRecord> modelEvents;
        if (!global || deterministic) {
            scored = (global
                            ? events.keyBy(e -> GLOBAL_KEY, Types.STRING)
                            : events.keyBy(Event::key, Types.STRING))
                    .transform("detector", TypeInformation.of(AnomalyRecord.class),
                            DetectorOperator.scorer(config.detector()))
                    .uid("detector");
            if (global) {
                scored.setParallelism(1).setMaxParallelism(1);
            }
            modelEvents = scored.getSideOutput(OutputTags.MODEL_EVENTS);
        } else {
            int every = TrainingSampler.sampleEvery(
                    config.training().retrainEveryEvents(), config.training().sampleSize());
            SingleOutputStreamOperator<AnomalyRecord> trainer = events
                    .filter(new TrainingSampler(config.training().warmupEvents(), every))
                    .name("training-sample").uid("training-sample")
                    .keyBy(e -> GLOBAL_KEY, Types.STRING)
                    .transform("trainer", TypeInformation.of(AnomalyRecord.class),
                            DetectorOperator.trainer(config.detector(), every))
                    .uid("trainer")
                    .setParallelism(1)
                    .setMaxParallelism(1);
            DataStream<ModelUpdate> models =
                    trainer.getSideOutput(OutputTags.MODEL_UPDATES).broadcast();
            scored = events.connect(models)
                    .transform("scorer", TypeInformation.of(AnomalyRecord.class),
                            new GlobalScorerOperator(config.training()))
                    .uid("scorer");
            modelEvents = trainer.getSideOutput(OutputTags.MODEL_EVENTS);
        }
        int maxRecordBytes = config.kafka().maxRecordBytes();
        SingleOutputStreamOperator<AnomalyRecord> scores =
                sizeGuarded(scored, maxRecordBytes, "anomaly/score record", "scores-size-guard");
        SingleOutputStreamOperator<AnomalyRecord> unscored =
                sizeGuarded(scored.getSideOutput(OutputTags.UNSCORED), maxRecordBytes,
                        "unscored record", "unscored-size-guard");
        DataStream<DeadLetterRecord> deadLetters = events
                .getSideOutput(OutputTags.DEAD_LETTERS)
                .union(scored.getSideOutput(OutputTags.DEAD_LETTERS),
                        scores.getSideOutput(OutputTags.DEAD_LETTERS),
                        unscored.getSideOutput(OutputTags.DEAD_LETTERS))
                .map(new DeadLetterFit(config.kafka().deadLetterMaxBytes()))
                .name("dead-letter-fit").uid("dead-letter-fit");
        DataStream<AnomalyRecord> anomalies = scores
                .filter(AnomalyRecord::isAnomaly).name("anomalies").uid("anomalies");
        return new Outputs(scores, anomalies, deadLetters, modelEvents, unscored);
    }

    /** {@link OutputSizeGuard} at the stream's parallelism, so record order is kept. */
    private static SingleOutputStreamOperator<AnomalyRecord> sizeGuarded(
            DataStream<AnomalyRecord> records, int maxRecordBytes, String what, String uid) {
        return records
                .process(new OutputSizeGuard(maxRecordBytes, what),
                        TypeInformation.of(AnomalyRecord.class))
                .name(uid).uid(uid)
                .setParallelism(records.getParallelism());
    }
}

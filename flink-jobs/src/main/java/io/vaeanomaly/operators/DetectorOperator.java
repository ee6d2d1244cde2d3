package io.vaeanomaly.operators;

import io.vaeanomaly.config.DetectorSpec;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.ModelEvent;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.feature.Shingler;
import io.vaeanomaly.persist.KeyedDetectorMapper;
import io.vaeanomaly.persist.StateFormatException;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.AnomalyRecord.Unscored;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureSchema;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * A keyed operator running one {@link OnlineDetector} per key: the per-key scorer
 * ({@code model.scope: per-key}), the single detector of deterministic global mode (keyed by a
 * constant, parallelism 1), and the global trainer (role {@link Role#TRAINER}).
 *
 * <p><b>State.</b> Each key's detector is keyed state holding {@link KeyedDetectorMapper}
 * bytes (a stable, versioned format rather than a serializer for the model classes), kept
 * decoded between events by a {@link DetectorCache} with write-back. Events that arrive before a
 * key's first model are held in keyed list state by a {@link WarmupBuffer}. State that cannot be
 * restored fails the task with an error naming the operator, key and format version.
 *
 * <p><b>Training.</b> Synchronous mode ({@code training.async: false}, always with
 * {@code training.deterministic}) trains inline at exact event counts, so a replay produces the
 * same records. Asynchronous mode runs the detector's {@link OnlineDetector.TrainingTask} on a
 * {@link TrainingExecutor} thread and polls the future with processing-time callbacks, which run
 * on the task's mailbox thread: only that thread touches detectors and state, and scoring goes on
 * with the current champion meanwhile. A training in flight at a checkpoint is not part of it;
 * after a restore it starts again when next due.
 *
 * <p><b>Time-based retraining</b> ({@code training.retrain-interval}): every training start
 * registers a keyed processing-time timer one interval later (timers are checkpointed with the
 * keyed state). When it fires and the key has not trained since, it asks the detector for a
 * training ({@link OnlineDetector#requestTraining}), which starts at once, or after the one in
 * flight. This works for every key of the per-key scorer and for the global trainer alike.
 *
 * <p><b>Batches.</b> Before a key's first model its events are processed one by one, so that the
 * first model appears at exactly the same event whatever the timing. Once it has a model, its
 * events are scored in micro-batches ({@link MicroBatcher}); the results do not depend on where
 * batches end (scores are seeded per event, the threshold observes them in order, training
 * happens at exact counts).
 *
 * <p><b>Outputs.</b> Scorer: an {@link AnomalyRecord} for every scored event (main output),
 * {@link OutputTags#UNSCORED}, {@link OutputTags#MODEL_EVENTS}, {@link OutputTags#DEAD_LETTERS}
 * (events whose dimension or feature names differ from the key's first event, which pinned
 * them for the key's detector and its models). Trainer: model events and
 * {@link OutputTags#MODEL_UPDATES} when the champion changes; it scores only to keep flagged
 * events out of its training sample.
 */
public final class DetectorOperator extends AbstractStreamOperator<AnomalyRecord>
        implements OneInputStreamOperator<Event, AnomalyRecord>, BoundedOneInput,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** What the operator emits. */
    public enum Role {
        /** Scores every event and emits its record. */
        SCORER,
        /** Trains on a sample stream and emits new champions. */
        TRAINER
    }

    /** Detectors kept deserialised per operator instance. */
    static final int CACHE_LIMIT = 256;

    /** How often a training in flight is checked for completion. */
    static final long POLL_INTERVAL_MS = 50;

    private final DetectorSpec spec;
    private final Role role;
    private final int sampleEvery;

    private transient DetectorSettings settings;
    private transient boolean synchronous;
    private transient boolean deterministic;
    private transient int shingleSize;
    private transient long retrainIntervalMs;
    private transient InternalTimerService<VoidNamespace> retrainTimers;
    private transient ListState<Long> bufferedTotalState;
    private transient long restoredBufferedTotal;
    private transient DetectorCache<Entry> cache;
    private transient MicroBatcher<String, Event> batcher;
    private transient WarmupBuffer warmup;
    private transient WarmupBuffer.Policy warmupPolicy;
    /** The Flink job id for model events; null in deterministic mode (byte-identical replays). */
    private transient String jobId;
    private transient TrainingExecutor executor;
    private transient boolean pollScheduled;
    private transient JobMetrics metrics;

    private DetectorOperator(DetectorSpec spec, Role role, int sampleEvery) {
        this.spec = spec;
        this.role = role;
        this.sampleEvery = sampleEvery;
    }

    /** The scorer: per-key scope, or deterministic global scope keyed by a constant. */
    public static DetectorOperator scorer(DetectorSpec spec) {
        return new DetectorOperator(spec, Role.SCORER, 1);
    }

    /**
     * The global trainer.
     *
     * @param sampleEvery the trainer sees one in this many events after the warm-up (see
     *     {@link TrainingSampler}); retraining counts are scaled down by it
     */
    public static DetectorOperator trainer(DetectorSpec spec, int sampleEvery) {
        return new DetectorOperator(spec, Role.TRAINER, sampleEvery);
    }

    /** One key's detector, deserialised. */
    private static final class Entry {
        final String key;
        final OnlineDetector detector;
        int rawDim;
        /** The schema of the last event admitted (identity shortcut for the name check). */
        FeatureSchema admitted;
        /** Events of this key in the warm-up buffer. */
        int buffered;
        long knownVersion;
        /** Processing time of the last training start; 0 if unknown (none, or old state). */
        long lastTrainingMs;
        CompletableFuture<ChallengerTrainer.Outcome> training;

        Entry(String key, OnlineDetector detector, int rawDim, int buffered,
                long lastTrainingMs) {
            this.key = key;
            this.detector = detector;
            this.rawDim = rawDim;
            this.buffered = buffered;
            this.lastTrainingMs = lastTrainingMs;
            this.knownVersion = detector.modelVersion();
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bufferedTotalState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("buffered-total", Types.LONG));
        restoredBufferedTotal = 0;
        for (Long n : bufferedTotalState.get()) {
            restoredBufferedTotal += n;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        DetectorSettings base = spec.settings();
        settings = role == Role.TRAINER && sampleEvery > 1
                ? withRetrainEvery(base, Math.max(1, base.retrainEveryEvents() / sampleEvery))
                : base;
        synchronous = !spec.training().async();
        deterministic = spec.training().deterministic();
        jobId = deterministic ? null
                : getRuntimeContext().getJobInfo().getJobId().toHexString();
        shingleSize = spec.model().shingleSize();
        retrainIntervalMs = spec.training().retrainInterval().toMillis();
        if (retrainIntervalMs > 0) {
            retrainTimers = getInternalTimerService(
                    "retrain-timers", VoidNamespaceSerializer.INSTANCE, this);
        }
        cache = new DetectorCache<>(CACHE_LIMIT,
                getKeyedStateStore().getState(new ValueStateDescriptor<>(
                        "detector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)),
                this, new EntryCodec(), en -> en.training != null || batcher.hasPending(en.key));
        batcher = new MicroBatcher<>(getProcessingTimeService(), this::processBatch);
        // The trainer only learns: it never holds events for scoring.
        warmupPolicy = role == Role.SCORER
                ? WarmupBuffer.Policy.of(spec.training())
                : new WarmupBuffer.Policy(false, 0);
        warmup = new WarmupBuffer(getKeyedStateStore().getListState(
                        new ListStateDescriptor<>("buffered-events",
                                TypeInformation.of(Event.class))),
                warmupPolicy, restoredBufferedTotal);
        if (!synchronous) {
            executor = new TrainingExecutor(getRuntimeContext().getTaskInfo().getTaskName()
                    + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
        metrics = JobMetrics.forDetector(getMetricGroup(), (Gauge<Long>) warmup::total, true);
    }

    private static DetectorSettings withRetrainEvery(DetectorSettings s, long every) {
        return new DetectorSettings(s.architecture(), s.recipe(), s.scoring(), s.threshold(),
                s.warmupEvents(), s.retrainEveryEvents() == 0 ? 0 : every, s.sampleSize(),
                s.sampleStrategy(), s.promotionTolerance(), s.shingleSize(), s.trainingThreads());
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        String key = (String) getCurrentKey();
        Entry en = cache.get(key);
        DeadLetterRecord misfit = misfit(en, event);
        if (misfit != null) {
            // The trainer sees copies of events the scorers report; only scorers dead-letter.
            if (role == Role.SCORER) {
                metrics.deadLettered();
                output.collect(OutputTags.DEAD_LETTERS, new StreamRecord<>(misfit));
            }
            return;
        }
        if (en.detector.champion().isEmpty()) {
            // Before the first model an event costs no scoring: process it at once, so that the
            // first model appears at exactly the same event whatever the timing.
            processEvents(en, List.of(event));
        } else {
            batcher.add(key, event);
        }
        cache.evictIfNeeded();
    }

    /**
     * The dead letter of an event the key's detector cannot take (another dimension, or other
     * feature names than the ones pinned by the key's first event), or null. Pins the names and
     * dimension at the key's first event.
     */
    private static DeadLetterRecord misfit(Entry en, Event event) {
        if (event.schema() == en.admitted) {
            return null; // same schema object as the last admitted event: nothing to compare
        }
        if (en.rawDim != 0 && en.rawDim != event.dimension()) {
            return RecordMapper.wrongDimension(event, en.rawDim);
        }
        if (!en.detector.admitFeatureNames(event.schema().names())) {
            return RecordMapper.featureMismatch(event, en.detector.featureNames());
        }
        en.rawDim = event.dimension();
        en.admitted = event.schema();
        return null;
    }

    /** A key's micro-batch: from a full batch, the batch timer, a barrier or the input's end. */
    private void processBatch(String key, List<Event> batch) throws Exception {
        setCurrentKey(key);
        processEvents(cache.get(key), batch);
        cache.evictIfNeeded();
    }

    /**
     * Runs events through the key's detector in one batch and emits the results in order: scored
     * events, held ones (before the first model) or unscored ones.
     */
    private void processEvents(Entry en, List<Event> events) throws Exception {
        boolean hadModel = en.detector.champion().isPresent();
        double[][] rows = new double[events.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = events.get(i).features();
        }
        long start = System.nanoTime();
        Detection[] ds = en.detector.process(rows);
        long nanosPerEvent = (System.nanoTime() - start) / rows.length;
        if (role == Role.SCORER) {
            for (int i = 0; i < ds.length; i++) {
                Event event = events.get(i);
                Detection d = ds[i];
                if (d.scored()) {
                    metrics.scored(d.anomaly(), nanosPerEvent);
                    output.collect(new StreamRecord<>(
                            RecordMapper.anomalyRecord(event, d, shingleSize)));
                } else if (!hadModel && warmup.offer(event)) {
                    en.buffered++;
                } else {
                    emitUnscored(event, hadModel ? Unscored.SHINGLE_FILLING
                            : warmupPolicy.hold() ? Unscored.BUFFER_FULL : Unscored.NO_MODEL);
                }
            }
        }
        afterStep(en);
    }

    /** Pending batches go out before the barrier, so they belong to this checkpoint. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        batcher.flushAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    /** Model events, new champions, due trainings, held events: after every detector step. */
    private void afterStep(Entry en) throws Exception {
        for (ModelEvent ev : en.detector.drainModelEvents()) {
            if (synchronous) {
                trainingStarted(en); // it ran inline, just now
            }
            metrics.training(ev);
            output.collect(OutputTags.MODEL_EVENTS, new StreamRecord<>(
                    RecordMapper.modelEventRecord(en.key, ev, deterministic, jobId)));
            if (ev.outcome() != ModelEvent.Outcome.REJECTED) {
                metrics.championKl(ev.kl());
            }
        }
        if (!synchronous && en.training == null) {
            var task = en.detector.pollTrainingTask();
            if (task.isPresent()) {
                en.training = executor.submit(task.get());
                trainingStarted(en);
                schedulePoll();
            }
        }
        var champion = en.detector.champion();
        if (champion.isPresent()) {
            DetectorModel model = champion.get();
            if (model.version() != en.knownVersion) {
                en.knownVersion = model.version();
                metrics.champion(model);
                if (role == Role.TRAINER) {
                    output.collect(OutputTags.MODEL_UPDATES, new StreamRecord<>(
                            ModelUpdate.of(model)));
                }
            }
            if (en.buffered > 0) {
                scoreHeld(en);
            }
        }
    }

    /** Arms the current key's retraining timer one interval from now. */
    private void trainingStarted(Entry en) {
        if (retrainTimers != null) {
            en.lastTrainingMs = retrainTimers.currentProcessingTime();
            retrainTimers.registerProcessingTimeTimer(
                    VoidNamespace.INSTANCE, en.lastTrainingMs + retrainIntervalMs);
        }
    }

    /**
     * A key's retraining timer: retrains unless the key trained since the timer was set (a
     * later timer is then pending). Runs on the task thread with the timer's key current.
     */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        Entry en = cache.get(timer.getKey());
        if (timer.getTimestamp() < en.lastTrainingMs + retrainIntervalMs) {
            return;
        }
        en.detector.requestTraining();
        if (synchronous) {
            en.detector.process(new double[0][]); // trains inline now
        }
        afterStep(en);
        if (en.lastTrainingMs < timer.getTimestamp()) {
            // Nothing started: no model yet, or a training still in flight (the request waits
            // for it). Keep the chain of timers going.
            retrainTimers.registerProcessingTimeTimer(
                    VoidNamespace.INSTANCE, timer.getTimestamp() + retrainIntervalMs);
        }
        cache.evictIfNeeded();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // The operator registers processing-time timers only.
    }

    /** Scores the events held while the key had no model, in arrival order. */
    private void scoreHeld(Entry en) throws Exception {
        List<Event> events = warmup.drain();
        en.buffered = 0;
        // With shingles, the held events are replayed through their own window: the first W-1
        // have no full window and stay unscored, as they would have in the detector.
        Shingler shingler = shingleSize > 1 ? new Shingler(shingleSize, en.rawDim) : null;
        List<double[]> rows = new ArrayList<>(events.size());
        List<Event> rowEvents = new ArrayList<>(events.size());
        for (Event e : events) {
            if (shingler == null) {
                rows.add(e.features());
                rowEvents.add(e);
            } else if (shingler.offer(e.features())) {
                rows.add(shingler.current());
                rowEvents.add(e);
            } else {
                emitUnscored(e, Unscored.SHINGLE_FILLING);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        Detection[] ds = en.detector.scoreOnly(rows.toArray(new double[0][]));
        long nanos = System.nanoTime() - start;
        int anomalies = 0;
        for (int i = 0; i < ds.length; i++) {
            output.collect(new StreamRecord<>(
                    RecordMapper.anomalyRecord(rowEvents.get(i), ds[i], shingleSize)));
            anomalies += ds[i].anomaly() ? 1 : 0;
        }
        metrics.scoredBatch(ds.length, anomalies, nanos);
    }

    private void emitUnscored(Event event, Unscored why) {
        metrics.unscored();
        output.collect(OutputTags.UNSCORED,
                new StreamRecord<>(AnomalyRecord.unscored(event, why)));
    }

    private void schedulePoll() {
        if (!pollScheduled) {
            pollScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + POLL_INTERVAL_MS, this::onPoll);
        }
    }

    /** Applies finished trainings; runs on the task thread (processing-time callback). */
    private void onPoll(long time) throws Exception {
        pollScheduled = false;
        boolean inFlight = false;
        for (String key : cache.keys()) {
            Entry en = cache.peek(key);
            if (en == null || en.training == null) {
                continue;
            }
            if (en.training.isDone()) {
                applyTraining(en);
            } else {
                inFlight = true;
            }
        }
        if (inFlight) {
            schedulePoll();
        }
        cache.evictIfNeeded();
    }

    private void applyTraining(Entry en) throws Exception {
        ChallengerTrainer.Outcome outcome;
        try {
            outcome = en.training.join();
        } catch (CompletionException e) {
            // A failing training is a bug or resource exhaustion: fail the task and restart
            // from the last checkpoint rather than leave the key without retraining forever.
            throw new IllegalStateException("training for key '" + en.key + "' failed",
                    e.getCause());
        }
        en.training = null;
        setCurrentKey(en.key);
        cache.get(en.key); // marks it modified
        en.detector.complete(outcome);
        afterStep(en);
    }

    /** Flushes the cached detectors into keyed state; Flink snapshots keyed state after this. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        cache.writeBackAll();
        bufferedTotalState.update(List.of(warmup.total()));
    }

    /**
     * At the end of a bounded input: waits for trainings in flight and applies them, so that
     * held events are scored; events still without a model are forwarded unscored.
     */
    @Override
    public void endInput() throws Exception {
        batcher.flushAll();
        for (String key : cache.keys()) {
            Entry en = cache.peek(key);
            if (en.training != null) {
                en.training.exceptionally(e -> null).join();
                applyTraining(en);
            }
        }
        if (warmup.total() > 0) {
            for (String key : cache.keys()) {
                Entry en = cache.peek(key);
                if (en.buffered > 0) {
                    setCurrentKey(key);
                    cache.get(key);
                    for (Event e : warmup.drain()) {
                        emitUnscored(e, Unscored.NO_MODEL);
                    }
                    en.buffered = 0;
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.close();
        }
        super.close();
    }

    /** One key's state in the persisted-state scheme ({@link KeyedDetectorMapper}). */
    private final class EntryCodec implements DetectorCache.Codec<Entry> {
        @Override
        public Entry create(String key) {
            return new Entry(key, new OnlineDetector(settings, synchronous, clock()), 0, 0, 0);
        }

        @Override
        public Entry decode(String key, byte[] bytes) {
            KeyedDetectorMapper.KeyedDetector state;
            try {
                state = KeyedDetectorMapper.fromBytes(bytes, settings, synchronous, clock());
            } catch (StateFormatException e) {
                // Names the operator (with its subtask) and key: the state cannot be used.
                throw new StateFormatException("operator '" + getOperatorName() + "', key '"
                        + key + "': " + e.getMessage(), e);
            }
            Entry en = new Entry(key, state.detector(), state.rawDim(), state.buffered(),
                    state.lastTrainingMs());
            en.detector.champion().ifPresent(metrics::champion);
            if (retrainTimers != null && en.lastTrainingMs == 0
                    && en.detector.champion().isPresent()) {
                trainingStarted(en); // state from before time-based retraining: start the chain
            }
            return en;
        }

        @Override
        public byte[] encode(Entry en) {
            return KeyedDetectorMapper.toBytes(new KeyedDetectorMapper.KeyedDetector(
                    en.rawDim, en.buffered, en.lastTrainingMs, en.detector));
        }
    }

    /**
     * When trainings finish, for provenance and model events: the wall clock, or 0 in
     * deterministic mode (no wall-clock time in the outputs).
     */
    private LongSupplier clock() {
        return OnlineDetector.defaultClock(deterministic);
    }

    // ------------------------------------------------------------------------------ for tests

    /** The champion version of {@code key} in the cache, or -1 if not cached. */
    long cachedModelVersion(String key) {
        Entry en = cache.peek(key);
        return en == null ? -1 : en.detector.modelVersion();
    }

    /**
     * Waits until every training in flight has finished (not yet applied: that happens on the
     * next poll timer), at most {@code timeout}.
     *
     * @return false if a training was still running at the deadline
     */
    boolean awaitTrainings(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String key : cache.keys()) {
            Entry en = cache.peek(key);
            if (en == null || en.training == null) {
                continue;
            }
            try {
                en.training.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // finished, by failing: applying it reports the failure
            }
        }
        return true;
    }
}

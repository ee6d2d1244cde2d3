package io.vaeanomaly.operators;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.TrainingOptions;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.ModelEvent;
import io.vaeanomaly.detect.OnlineDetector;
import io.vaeanomaly.feature.Shingler;
import io.vaeanomaly.job.DetectorSettingsFactory;
import io.vaeanomaly.serde.Event;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import io.vaeanomaly.serde.AnomalyRecord;

/**
 * A keyed operator running one {@link OnlineDetector} per key: the per-key scorer
 * ({@code model.scope: per-key}), the single detector of deterministic global mode (keyed by a
 * constant, parallelism 1), and the global trainer (role {@link Role#TRAINER}).
 *
 * <p><b>State.</b> Each key's detector is keyed state holding {@link OnlineDetector#writeTo}
 * bytes (a stable, versioned format rather than a serializer for the model classes). Writing it
 * after every event would serialise the whole training sample per event, so deserialised
 * detectors live in a bounded LRU cache and are written back when evicted and in
 * {@link #snapshotState}, which Flink calls before it snapshots the keyed state: a checkpoint
 * therefore holds exactly the detectors as of the barrier. (A {@code KeyedProcessFunction}
 * cannot do this: writing keyed state for other keys needs {@link #setCurrentKey}, which only an
 * operator has.) Events that arrive before a key's first model are held in keyed list state.
 *
 * <p><b>Training.</b> Synchronous mode ({@code training.async: false}, always with
 * {@code training.deterministic}) trains inline at exact event counts, so a replay produces the
 * same records. Asynchronous mode runs the detector's {@link OnlineDetector.TrainingTask} on a
 * {@link TrainingExecutor} thread and polls the future with processing-time callbacks, which run
 * on the task's mailbox thread: only that thread touches detectors and state, and scoring goes on
 * with the current champion meanwhile. A training in flight at a checkpoint is not part of it;
 * after a restore it starts again when next due.
 *
 * <p><b>Batches.</b> Once a key has a model its events are scored in micro-batches (up to
 * {@link #MAX_BATCH} events or {@link #MAX_BATCH_DELAY_MS}); a batch costs about as much as one
 * event, and the results do not depend on where batches end (scores are seeded per event, the
 * threshold observes them in order, training happens at exact counts). Pending batches are
 * processed in {@link #prepareSnapshotPreBarrier}, before the barrier goes downstream, so they
 * never need state.
 *
 * <p><b>Outputs.</b> Scorer: an {@link AnomalyRecord} for every scored event (main output),
 * {@link OutputTags#UNSCORED}, {@link OutputTags#MODEL_EVENTS}, {@link OutputTags#DEAD_LETTERS}
 * (events whose dimension differs from the key's first event). Trainer: model events and
 * {@link OutputTags#MODEL_UPDATES} when the champion changes; it scores only to keep flagged
 * events out of its training sample.
 */
public final class DetectorOperator extends AbstractStreamOperator<AnomalyRecord>
        implements OneInputStreamOperator<Event, AnomalyRecord>, BoundedOneInput {
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

    /** Events of one key scored together at most. */
    static final int MAX_BATCH = 64;

    /** Longest time an event waits for its batch to fill. */
    static final long MAX_BATCH_DELAY_MS = 20;

    /** How often a training in flight is checked for completion. */
    static final long POLL_INTERVAL_MS = 50;

    private static final byte STATE_FORMAT = 1;

    private final JobConfig config;
    private final Role role;
    private final int sampleEvery;

    private transient DetectorSettings settings;
    private transient boolean synchronous;
    private transient boolean buffering;
    private transient boolean deterministic;
    private transient int shingleSize;
    private transient ValueState<byte[]> detectorState;
    private transient ListState<Event> bufferState;
    private transient ListState<Long> bufferedTotalState;
    private transient long bufferedTotal;
    private transient LinkedHashMap<String, Entry> cache;
    private transient TrainingExecutor executor;
    private transient boolean pollScheduled;
    private transient boolean flushScheduled;
    private transient JobMetrics metrics;

    private DetectorOperator(JobConfig config, Role role, int sampleEvery) {
        this.config = config;
        this.role = role;
        this.sampleEvery = sampleEvery;
    }

    /** The scorer: per-key scope, or deterministic global scope keyed by a constant. */
    public static DetectorOperator scorer(JobConfig config) {
        return new DetectorOperator(config, Role.SCORER, 1);
    }

    /**
     * The global trainer.
     *
     * @param sampleEvery the trainer sees one in this many events after the warm-up (see
     *     {@link TrainingSampler}); retraining counts are scaled down by it
     */
    public static DetectorOperator trainer(JobConfig config, int sampleEvery) {
        return new DetectorOperator(config, Role.TRAINER, sampleEvery);
    }

    /** One key's detector, deserialised. */
    private static final class Entry {
        final String key;
        final OnlineDetector detector;
        int rawDim;
        int buffered;
        long knownVersion;
        boolean dirty;
        CompletableFuture<ChallengerTrainer.Outcome> training;
        /** Events waiting for their batch (never across a checkpoint barrier). */
        List<Event> pending = new ArrayList<>();

        Entry(String key, OnlineDetector detector, int rawDim, int buffered) {
            this.key = key;
            this.detector = detector;
            this.rawDim = rawDim;
            this.buffered = buffered;
            this.knownVersion = detector.modelVersion();
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bufferedTotalState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("buffered-total", Types.LONG));
        bufferedTotal = 0;
        for (Long n : bufferedTotalState.get()) {
            bufferedTotal += n;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        TrainingOptions t = config.training();
        DetectorSettings base = DetectorSettingsFactory.settings(config);
        settings = role == Role.TRAINER && sampleEvery > 1
                ? withRetrainEvery(base, Math.max(1, base.retrainEveryEvents() / sampleEvery))
                : base;
        synchronous = !t.async();
        deterministic = t.deterministic();
        buffering = role == Role.SCORER
                && t.beforeFirstModel() == TrainingOptions.BeforeFirstModel.BUFFER;
        shingleSize = config.model().shingleSize();
        detectorState = getKeyedStateStore().getState(new ValueStateDescriptor<>(
                "detector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        bufferState = getKeyedStateStore().getListState(
                new ListStateDescriptor<>("buffered-events", TypeInformation.of(Event.class)));
        cache = new LinkedHashMap<>(16, 0.75f, true);
        if (!synchronous) {
            executor = new TrainingExecutor(getRuntimeContext().getTaskInfo().getTaskName()
                    + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
        metrics = JobMetrics.forDetector(
                getMetricGroup(), (Gauge<Long>) () -> bufferedTotal, true);
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
        Entry en = entry(key);
        if (en.rawDim == 0) {
            en.rawDim = event.dimension();
        } else if (en.rawDim != event.dimension()) {
            // The trainer sees copies of events the scorers report; only scorers dead-letter.
            if (role == Role.SCORER) {
                metrics.deadLettered();
                output.collect(OutputTags.DEAD_LETTERS,
                        new StreamRecord<>(RecordMapper.wrongDimension(event, en.rawDim)));
            }
            return;
        }
        if (en.detector.champion().isEmpty()) {
            // Before the first model an event costs no scoring: process it at once, so that the
            // first model appears at exactly the same event whatever the timing.
            processEvents(en, List.of(event));
        } else {
            en.pending.add(event);
            if (en.pending.size() >= MAX_BATCH) {
                processPending(en);
            } else {
                scheduleBatchFlush();
            }
        }
        evictIfNeeded();
    }

    /**
     * Runs events through the key's detector in one batch and emits the results in order.
     * Scoring a batch costs little more than scoring one event (one pass of matrix products
     * instead of one per event), and the results do not depend on the batch boundaries: scores
     * are seeded per event, the threshold observes them in order, and the detector trains at
     * exact event counts.
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
        en.dirty = true;
        if (role == Role.SCORER) {
            for (int i = 0; i < ds.length; i++) {
                Event event = events.get(i);
                Detection d = ds[i];
                if (d.scored()) {
                    emitScored(event, d, nanosPerEvent);
                } else if (!hadModel && buffering
                        && bufferedTotal < config.flink().maxBufferedEvents()) {
                    bufferState.add(event);
                    en.buffered++;
                    bufferedTotal++;
                } else {
                    emitUnscored(event);
                }
            }
        }
        afterStep(en);
    }

    private void processPending(Entry en) throws Exception {
        List<Event> batch = en.pending;
        en.pending = new ArrayList<>();
        processEvents(en, batch);
    }

    /** Processes every key's pending batch (timer, checkpoint barrier, end of input). */
    private void flushPending() throws Exception {
        for (Entry en : new ArrayList<>(cache.values())) {
            if (!en.pending.isEmpty()) {
                setCurrentKey(en.key);
                processPending(en);
            }
        }
    }

    private void scheduleBatchFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + MAX_BATCH_DELAY_MS, time -> {
                flushScheduled = false;
                flushPending();
                evictIfNeeded();
            });
        }
    }

    /**
     * Pending batches are processed before the barrier goes downstream, so their records belong
     * to this checkpoint and the batches themselves need no state.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushPending();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    private Entry entry(String key) throws IOException {
        Entry en = cache.get(key);
        if (en == null) {
            byte[] bytes = detectorState.value();
            en = bytes == null
                    ? new Entry(key, new OnlineDetector(settings, synchronous), 0, 0)
                    : decode(key, bytes);
            cache.put(key, en);
            en.detector.champion().ifPresent(metrics::champion);
        }
        return en;
    }

    /** Model events, new champions, due trainings, buffered events: after every detector step. */
    private void afterStep(Entry en) throws Exception {
        for (ModelEvent ev : en.detector.drainModelEvents()) {
            metrics.training(ev);
            output.collect(OutputTags.MODEL_EVENTS, new StreamRecord<>(
                    RecordMapper.modelEventRecord(en.key, ev, deterministic)));
            if (ev.outcome() != ModelEvent.Outcome.REJECTED) {
                metrics.championKl(ev.kl());
            }
        }
        if (!synchronous && en.training == null) {
            var task = en.detector.pollTrainingTask();
            if (task.isPresent()) {
                en.training = executor.submit(task.get());
                en.dirty = true;
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
                flushBuffer(en);
            }
        }
    }

    /** Scores the events held while the key had no model, in arrival order. */
    private void flushBuffer(Entry en) throws Exception {
        List<Event> events = new ArrayList<>(en.buffered);
        for (Event e : bufferState.get()) {
            events.add(e);
        }
        bufferState.clear();
        bufferedTotal -= en.buffered;
        en.buffered = 0;
        en.dirty = true;
        // With shingles, the buffered events are replayed through their own window: the first
        // W-1 have no full window and stay unscored, as they would have in the detector.
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
                emitUnscored(e);
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

    private void emitScored(Event event, Detection d, long nanos) {
        metrics.scored(d.anomaly(), nanos);
        output.collect(new StreamRecord<>(RecordMapper.anomalyRecord(event, d, shingleSize)));
    }

    private void emitUnscored(Event event) {
        metrics.unscored();
        output.collect(OutputTags.UNSCORED, new StreamRecord<>(event));
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
        for (Entry en : new ArrayList<>(cache.values())) {
            if (en.training == null) {
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
        evictIfNeeded();
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
        en.detector.complete(outcome);
        en.dirty = true;
        afterStep(en);
    }

    /** Writes least recently used detectors back to keyed state beyond {@link #CACHE_LIMIT}. */
    private void evictIfNeeded() throws IOException {
        if (cache.size() <= CACHE_LIMIT) {
            return;
        }
        Object current = getCurrentKey();
        Iterator<Entry> it = cache.values().iterator();
        while (cache.size() > CACHE_LIMIT && it.hasNext()) {
            Entry en = it.next();
            if (en.training != null || !en.pending.isEmpty()) {
                continue; // pinned until its result is applied or its batch processed
            }
            writeBack(en);
            it.remove();
        }
        if (current != null) {
            setCurrentKey(current);
        }
    }

    private void writeBack(Entry en) throws IOException {
        if (en.dirty) {
            setCurrentKey(en.key);
            detectorState.update(encode(en));
            en.dirty = false;
        }
    }

    /** Flushes the cached detectors into keyed state; Flink snapshots keyed state after this. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (Entry en : cache.values()) {
            writeBack(en);
        }
        bufferedTotalState.update(List.of(bufferedTotal));
    }

    /**
     * At the end of a bounded input: waits for trainings in flight and applies them, so that
     * buffered events are scored; events still without a model are forwarded unscored.
     */
    @Override
    public void endInput() throws Exception {
        flushPending();
        for (Entry en : new ArrayList<>(cache.values())) {
            if (en.training != null) {
                en.training.exceptionally(e -> null).join();
                applyTraining(en);
            }
        }
        if (bufferedTotal > 0) {
            for (Entry en : new ArrayList<>(cache.values())) {
                if (en.buffered > 0) {
                    setCurrentKey(en.key);
                    for (Event e : bufferState.get()) {
                        emitUnscored(e);
                    }
                    bufferState.clear();
                    bufferedTotal -= en.buffered;
                    en.buffered = 0;
                    en.dirty = true;
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

    private static byte[] encode(Entry en) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(STATE_FORMAT);
            out.writeInt(en.rawDim);
            out.writeInt(en.buffered);
            en.detector.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Entry decode(String key, byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int format = in.readByte();
        if (format != STATE_FORMAT) {
            throw new IOException("unsupported detector state format " + format + " for key '"
                    + key + "'");
        }
        int rawDim = in.readInt();
        int buffered = in.readInt();
        return new Entry(key, OnlineDetector.readFrom(in, settings, synchronous), rawDim, buffered);
    }

    /** The champion version of {@code key} in the cache (tests), or -1 if not cached. */
    long cachedModelVersion(String key) {
        Entry en = cache.get(key);
        return en == null ? -1 : en.detector.modelVersion();
    }
}

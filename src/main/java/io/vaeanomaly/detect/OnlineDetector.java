package io.vaeanomaly.detect;

import io.vaeanomaly.feature.Shingler;
import io.vaeanomaly.train.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The ingest, score, retrain cycle of one stream: the same code runs in the Flink job (per key, or
 * in deterministic mode) and in the offline evaluations, so one measures the other.
 *
 * <p>Events are shingled (optional), scored by the champion model, and the ones it does not flag
 * join a bounded training sample. After {@code warmupEvents} events the first model is trained;
 * then every {@code retrainEveryEvents} a challenger is trained and passes the {@link
 * PromotionGate} or is rejected. Training runs either inline ({@link #process}, synchronous:
 * reproducible at exact event counts) or outside ({@link #pollTrainingTask} hands out a
 * self-contained task; {@link #complete} applies its outcome on the owner's thread).
 *
 * <p>Feature names: the owner pins the names of the events' features once
 * ({@link #admitFeatureNames}); every model this detector promotes then carries them (shingled:
 * {@link Shingler#names}), so the model says which value goes where, and events with other names
 * can be turned away instead of being scored by a model that never saw them.
 *
 * <p>Not thread-safe; owned by one task thread.
 */
public final class OnlineDetector {
    private final DetectorSettings settings;
    private final PromotionGate gate;
    private final boolean synchronous;
    private final LongSupplier clock;
    private SampleBuffer sample;
    private Shingler shingler;
    private DetectorModel champion;
    private long eventsSeen;
    private long eventsAtLastTraining;
    private long trainings;
    private boolean trainingInFlight;
    private boolean trainingRequested;
    private List<String> featureNames = List.of();
    private final List<ModelEvent> pendingEvents = new ArrayList<>();

    /**
     * @param synchronous train inline inside {@link #process} when due (deterministic); otherwise
     *     the caller runs tasks from {@link #pollTrainingTask}
     */
    public OnlineDetector(DetectorSettings settings, boolean synchronous) {
        this(settings, synchronous, defaultClock(synchronous));
    }

    /**
     * The clock of the one-argument forms: 0 when synchronous, so that reproducible runs stay
     * bit-identical, and the wall clock otherwise.
     */
    public static LongSupplier defaultClock(boolean synchronous) {
        return synchronous ? () -> 0L : System::currentTimeMillis;
    }

    /**
     * @param synchronous as above
     * @param clock epoch ms, read when a training finishes, for the model's provenance and its
     *     model event (the one-argument form uses 0 when synchronous, so that reproducible runs
     *     stay bit-identical, and the wall clock otherwise)
     */
    public OnlineDetector(DetectorSettings settings, boolean synchronous, LongSupplier clock) {
        this.clock = clock;
        this.settings = settings;
        this.synchronous = synchronous;
        this.gate = new PromotionGate(settings.promotionTolerance());
        this.sample =
                new SampleBuffer(
                        settings.sampleSize(),
                        settings.sampleStrategy(),
                        settings.recipe().seed() ^ 0x5A17L);
    }

    /** A self-contained training job: safe to run on another thread. */
    public static final class TrainingTask {
        private final ChallengerTrainer trainer;
        private final double[][] rows;
        private final long seedOffset;
        private final LongSupplier clock;

        TrainingTask(ChallengerTrainer trainer, double[][] rows, long seedOffset,
                LongSupplier clock) {
            this.trainer = trainer;
            this.rows = rows;
            this.seedOffset = seedOffset;
            this.clock = clock;
        }

        public ChallengerTrainer.Outcome run() {
            return trainer.train(rows, seedOffset, clock, TrainingListener.NONE);
        }

        public int rows() {
            return rows.length;
        }
    }

    /**
     * Processes raw events in order: shingle, score with the champion, learn. Returns one detection
     * per input row ({@link Detection#UNSCORED} before the first model or while a shingle fills).
     */
    public Detection[] process(double[][] rawRows) {
        Detection[] out = new Detection[rawRows.length];
        int i = 0;
        while (i < rawRows.length) {
            // Score up to the next point where synchronous training is due, so that training
            // happens at exact event counts whatever the batch boundaries.
            int end = rawRows.length;
            if (synchronous) {
                long untilDue = eventsUntilTrainingDue();
                if (untilDue <= 0) {
                    runInline();
                    continue;
                }
                // untilDue is Long.MAX_VALUE when no training is due: i + untilDue would overflow.
                end = i + (int) Math.min(rawRows.length - i, untilDue);
            }
            processChunk(rawRows, i, end, out);
            i = end;
        }
        if (synchronous && eventsUntilTrainingDue() <= 0) {
            runInline();
        }
        return out;
    }

    private void processChunk(double[][] raw, int from, int to, Detection[] out) {
        List<double[]> ready = new ArrayList<>(to - from);
        int[] index = new int[to - from];
        for (int i = from; i < to; i++) {
            double[] row = shingle(raw[i]);
            if (row != null) {
                index[ready.size()] = i;
                ready.add(row);
            } else {
                out[i] = Detection.UNSCORED;
            }
            eventsSeen++;
        }
        double[][] rows = ready.toArray(new double[0][]);
        if (champion == null) {
            for (int r = 0; r < rows.length; r++) {
                out[index[r]] = Detection.UNSCORED;
                sample.add(rows[r]);
            }
            return;
        }
        Detection[] det = rows.length == 0 ? new Detection[0] : champion.detect(rows, true);
        for (int r = 0; r < rows.length; r++) {
            out[index[r]] = det[r];
            if (!det[r].anomaly()) {
                sample.add(rows[r]);
            }
        }
    }

    private double[] shingle(double[] raw) {
        if (settings.shingleSize() == 1) {
            return raw.clone();
        }
        if (shingler == null) {
            shingler = new Shingler(settings.shingleSize(), raw.length);
        }
        return shingler.offer(raw) ? shingler.current() : null;
    }

    /** Scores rows with the champion without learning (for events buffered during warm-up). */
    public Detection[] scoreOnly(double[][] rawRows) {
        if (champion == null) {
            Detection[] d = new Detection[rawRows.length];
            Arrays.fill(d, Detection.UNSCORED);
            return d;
        }
        return champion.detect(rawRows, false);
    }

    private long eventsUntilTrainingDue() {
        if (trainingInFlight) {
            return Long.MAX_VALUE;
        }
        if (trainingRequested && champion != null) {
            return 0;
        }
        if (champion == null && trainings == 0) {
            return settings.warmupEvents() - eventsSeen;
        }
        if (champion == null) {
            // Earlier attempts failed: try again after another warm-up's worth of events.
            return eventsAtLastTraining + settings.warmupEvents() - eventsSeen;
        }
        if (settings.retrainEveryEvents() == 0) {
            return Long.MAX_VALUE;
        }
        return eventsAtLastTraining + settings.retrainEveryEvents() - eventsSeen;
    }

    /**
     * Asks for a retraining as soon as possible, whatever the event count (a time-based
     * trigger): the next {@link #pollTrainingTask}, or when synchronous the next {@link #process}
     * call (also with no rows), starts it. A training in flight first completes. Ignored before
     * the first model, whose training the warm-up decides. Not part of the written state: after
     * a restore the caller's trigger asks again.
     */
    public void requestTraining() {
        if (champion != null) {
            trainingRequested = true;
        }
    }

    private void runInline() {
        TrainingTask task = newTask();
        complete(task.run());
    }

    /** In asynchronous mode: a training task when one is due and none is running, else empty. */
    public Optional<TrainingTask> pollTrainingTask() {
        if (synchronous || eventsUntilTrainingDue() > 0 || sample.size() < 10) {
            return Optional.empty();
        }
        return Optional.of(newTask());
    }

    private TrainingTask newTask() {
        trainingInFlight = true;
        trainingRequested = false;
        eventsAtLastTraining = eventsSeen;
        trainings++;
        return new TrainingTask(
                new ChallengerTrainer(settings), sample.snapshot(), trainings, clock);
    }

    /** Applies a training outcome: promote or reject. Returns the model event it produced. */
    public ModelEvent complete(ChallengerTrainer.Outcome outcome) {
        trainingInFlight = false;
        DetectorModel challenger = outcome.challenger().orElse(null);
        PromotionGate.Decision decision =
                gate.decide(champion, challenger, outcome.report(), outcome.sample());
        long version = champion == null ? 0 : champion.version();
        ModelEvent.Outcome kind;
        if (decision.promote()) {
            kind = champion == null ? ModelEvent.Outcome.INITIAL : ModelEvent.Outcome.PROMOTED;
            champion = challenger.withVersion(version + 1);
            if (!featureNames.isEmpty()) {
                champion = champion.withFeatureNames(
                        Shingler.names(featureNames, settings.shingleSize()));
            }
            version++;
        } else {
            kind = ModelEvent.Outcome.REJECTED;
        }
        var held = outcome.report().finalHeldOut();
        ModelEvent ev =
                new ModelEvent(
                        kind,
                        version,
                        decision.reason(),
                        outcome.report().verdict().name(),
                        outcome.sample().length,
                        outcome.report().seconds(),
                        held == null ? Double.NaN : held.elbo(),
                        held == null ? Double.NaN : held.iwae(),
                        held == null ? Double.NaN : held.kl(),
                        held == null ? 0 : held.activeUnits(),
                        outcome.finishedAtMs());
        pendingEvents.add(ev);
        return ev;
    }

    /** Model events since the last call (initial, promoted, rejected), oldest first. */
    public List<ModelEvent> drainModelEvents() {
        List<ModelEvent> out = List.copyOf(pendingEvents);
        pendingEvents.clear();
        return out;
    }

    /**
     * Pins the names of the events' features at the first call (the detector and every model it
     * promotes are then tied to them); later calls tell whether {@code names} are the pinned
     * ones, in the same order.
     *
     * @return whether events with these feature names belong to this detector
     */
    public boolean admitFeatureNames(List<String> names) {
        if (featureNames.isEmpty()) {
            featureNames = List.copyOf(names);
            return true;
        }
        return featureNames.equals(names);
    }

    /** The pinned names of the events' features; empty until {@link #admitFeatureNames}. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The champion, if any. */
    public Optional<DetectorModel> champion() {
        return Optional.ofNullable(champion);
    }

    public long modelVersion() {
        return champion == null ? 0 : champion.version();
    }

    public long eventsSeen() {
        return eventsSeen;
    }

    public boolean trainingInFlight() {
        return trainingInFlight;
    }

    /**
     * The whole state, for persistence: counters, champion, training sample, shingle window and
     * the pinned feature names. A training in flight is not part of it: after a restore it starts
     * again when due; neither is a requested training (the caller's trigger asks again).
     *
     * @param eventsSeen events processed
     * @param eventsAtLastTraining event count when the last training started
     * @param trainings trainings started
     * @param champion the champion, or null before the first model
     * @param sample the training sample
     * @param shingler the shingle window, or null before the first event (or without shingles)
     * @param featureNames the pinned names of the events' features, empty when not pinned yet
     */
    public record State(long eventsSeen, long eventsAtLastTraining, long trainings,
            DetectorModel champion, SampleBuffer sample, Shingler shingler,
            List<String> featureNames) {
        public State {
            featureNames = List.copyOf(featureNames);
        }
    }

    /** This detector's state (live objects: persist them, do not modify them). */
    public State state() {
        return new State(eventsSeen, eventsAtLastTraining, trainings, champion, sample, shingler,
                featureNames);
    }

    /**
     * A detector that goes on from {@code state} with {@code settings}.
     *
     * @throws IllegalArgumentException if the counters are inconsistent
     */
    public static OnlineDetector restore(DetectorSettings settings, boolean synchronous,
            State state) {
        return restore(settings, synchronous, defaultClock(synchronous), state);
    }

    /**
     * As {@link #restore(DetectorSettings, boolean, State)} with the training clock (see the
     * constructor).
     */
    public static OnlineDetector restore(DetectorSettings settings, boolean synchronous,
            LongSupplier clock, State state) {
        if (state.eventsSeen() < 0 || state.eventsAtLastTraining() < 0
                || state.eventsAtLastTraining() > state.eventsSeen() || state.trainings() < 0) {
            throw new IllegalArgumentException(state.eventsSeen() + " events seen, last"
                    + " training at " + state.eventsAtLastTraining() + ", " + state.trainings()
                    + " trainings");
        }
        OnlineDetector d = new OnlineDetector(settings, synchronous, clock);
        d.eventsSeen = state.eventsSeen();
        d.eventsAtLastTraining = state.eventsAtLastTraining();
        d.trainings = state.trainings();
        d.champion = state.champion();
        d.sample = state.sample();
        d.shingler = state.shingler();
        d.featureNames = state.featureNames();
        return d;
    }
}

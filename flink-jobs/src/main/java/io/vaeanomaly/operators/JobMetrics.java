package io.vaeanomaly.operators;

import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.ModelEvent;
import io.vaeanomaly.diagnostics.Verdict;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The job's metrics, registered under the {@value #GROUP} group of an operator. The Prometheus
 * reporter exports them as {@code flink_taskmanager_job_task_operator_vae_anomaly_<name>} (with
 * job, task and operator labels), so a query like {@code {__name__=~".*vae_anomaly_.*"}} finds
 * them all.
 *
 * <p>Each operator registers the metrics it updates: the parser {@code events_in} and
 * {@code dead_lettered}; detectors and scorers the rest. Summed over operators, {@code events_in
 * = events_scored + events_unscored + dead_lettered + buffered_events}, except that an event
 * whose output record is too large to write ({@link OutputSizeGuard}) counts both as scored and
 * as dead-lettered.
 */
public final class JobMetrics {
    /** Metric group name; the prefix of every metric in Prometheus. */
    public static final String GROUP = "vae_anomaly";

    /** Events held while waiting for the first model. */
    public static final String BUFFERED_EVENTS = "buffered_events";

    private static final int LATENCY_WINDOW = 1024;

    private final MetricGroup group;
    private Counter scored;
    private Counter unscored;
    private Counter anomalies;
    private Counter deadLettered;
    private Histogram scoringLatencyMicros;
    private volatile long championVersion;
    private volatile double lastTrainingSeconds = Double.NaN;
    private volatile int lastTrainingOutcome;
    private volatile int lastTrainingVerdict = -1;
    private volatile double championElbo = Double.NaN;
    private volatile double championKl = Double.NaN;
    private volatile int championActiveUnits = -1;

    private JobMetrics(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup(GROUP);
    }

    /** Registers {@code events_in} under {@code operatorGroup}. */
    public static Counter eventsIn(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP).counter("events_in");
    }

    /** Registers {@code dead_lettered} under {@code operatorGroup}. */
    public static Counter deadLettered(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP).counter("dead_lettered");
    }

    /**
     * Registers the scoring and model metrics of a detector or scorer.
     *
     * @param buffered gauge of the events this operator holds
     * @param withModelGauges whether to register the champion and training gauges
     */
    public static JobMetrics forDetector(
            MetricGroup operatorGroup, Gauge<Long> buffered, boolean withModelGauges) {
        JobMetrics m = new JobMetrics(operatorGroup);
        m.scored = m.group.counter("events_scored");
        m.unscored = m.group.counter("events_unscored");
        m.anomalies = m.group.counter("anomalies");
        m.deadLettered = m.group.counter("dead_lettered");
        m.scoringLatencyMicros = m.group.histogram(
                "scoring_latency_micros", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        m.group.gauge(BUFFERED_EVENTS, buffered);
        if (withModelGauges) {
            m.group.gauge("champion_model_version", (Gauge<Long>) () -> m.championVersion);
            m.group.gauge("last_training_seconds", (Gauge<Double>) () -> m.lastTrainingSeconds);
            m.group.gauge("last_training_outcome", (Gauge<Integer>) () -> m.lastTrainingOutcome);
            m.group.gauge("last_training_verdict", (Gauge<Integer>) () -> m.lastTrainingVerdict);
            m.group.gauge("champion_heldout_elbo", (Gauge<Double>) () -> m.championElbo);
            m.group.gauge("champion_kl", (Gauge<Double>) () -> m.championKl);
            m.group.gauge("champion_active_units", (Gauge<Integer>) () -> m.championActiveUnits);
        }
        return m;
    }

    /** One event scored in {@code nanos}; {@code anomaly} when flagged. */
    public void scored(boolean anomaly, long nanos) {
        scored.inc();
        if (anomaly) {
            anomalies.inc();
        }
        scoringLatencyMicros.update(nanos / 1000);
    }

    /** Events scored in one batch (after the warm-up) taking {@code nanos} in total. */
    public void scoredBatch(int events, int anomalyCount, long nanos) {
        scored.inc(events);
        anomalies.inc(anomalyCount);
        if (events > 0) {
            scoringLatencyMicros.update(nanos / 1000 / events);
        }
    }

    public void unscored() {
        unscored.inc();
    }

    public void deadLettered() {
        deadLettered.inc();
    }

    /**
     * Records a training outcome. {@code last_training_outcome}: 1 initial, 2 promoted, 3
     * rejected; {@code last_training_verdict}: the {@link Verdict} ordinal (0 converged, 1
     * collapsed, 2 diverged, 3 not converged).
     */
    public void training(ModelEvent e) {
        lastTrainingSeconds = e.seconds();
        lastTrainingOutcome = e.outcome().ordinal() + 1;
        try {
            lastTrainingVerdict = Verdict.valueOf(e.verdict()).ordinal();
        } catch (IllegalArgumentException unknown) {
            lastTrainingVerdict = -1;
        }
    }

    /** Records the champion now scoring. */
    public void champion(DetectorModel m) {
        championVersion = m.version();
        championElbo = m.provenance().heldoutElbo();
        championActiveUnits = m.provenance().activeUnits();
    }

    /** The held-out KL of the champion, known from its model event. */
    public void championKl(double kl) {
        championKl = kl;
    }

    public long championVersion() {
        return championVersion;
    }
}

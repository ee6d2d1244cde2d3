package io.vaeanomaly.operators;

import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.ModelEvent;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureContribution;
import io.vaeanomaly.serde.FeatureSchema;
import io.vaeanomaly.serde.ModelDiagnostics;
import io.vaeanomaly.serde.ModelEventRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns the core's results into the job's output records. No arithmetic beyond sign and names. */
public final class RecordMapper {
    /** Dead-letter error type of an event whose dimension differs from its model's. */
    public static final String WRONG_DIMENSION = "wrong_dimension";

    /**
     * Stand-in for a log-probability that underflowed to minus infinity: the output schema needs
     * a number, and such an event is below any threshold anyway.
     */
    static final double LOWEST_LOG_PROB = -1e300;

    /** Stand-in for a feature contribution that overflowed, for the same reason. */
    static final double HIGHEST_CONTRIBUTION = 1e300;

    private RecordMapper() {}

    /**
     * The anomaly record of a scored event.
     *
     * @param shingleSize events per model input; feature {@code i} of the input is feature
     *     {@code i % d} of the event {@code W-1-i/d} steps back
     */
    public static AnomalyRecord anomalyRecord(Event event, Detection d, int shingleSize) {
        if (!d.scored()) {
            throw new IllegalArgumentException("detection is unscored");
        }
        List<FeatureContribution> top = new ArrayList<>(d.topFeatures().length);
        for (int t = 0; t < d.topFeatures().length; t++) {
            // input.max-abs-value keeps contributions finite; should one still overflow, the
            // feature is reported with the largest finite contribution rather than dropped, so a
            // flagged event always names its features.
            double c = -d.topContributions()[t];
            if (!Double.isFinite(c)) {
                c = c == Double.NEGATIVE_INFINITY ? -HIGHEST_CONTRIBUTION : HIGHEST_CONTRIBUTION;
            }
            top.add(new FeatureContribution(
                    featureName(event.schema(), d.topFeatures()[t], shingleSize), c));
        }
        double logProb = Double.isNaN(d.logProb()) ? LOWEST_LOG_PROB
                : Math.max(d.logProb(), LOWEST_LOG_PROB);
        double score = Double.isNaN(d.anomalyScore()) ? 1 : d.anomalyScore();
        double threshold = Double.isInfinite(d.thresholdLogProb()) ? Double.NaN
                : d.thresholdLogProb();
        return AnomalyRecord.of(event, logProb, score, threshold, d.anomaly(), d.modelVersion(),
                top);
    }

    static String featureName(FeatureSchema schema, int index, int shingleSize) {
        int d = schema.dimension();
        String name = schema.name(index % d);
        if (shingleSize == 1) {
            return name;
        }
        int stepsBack = shingleSize - 1 - index / d;
        return stepsBack == 0 ? name : name + "[t-" + stepsBack + "]";
    }

    /**
     * The model-event record of a training outcome.
     *
     * @param deterministic report zero training seconds (no wall-clock time in the outputs)
     * @param jobId the Flink job id (hex), so that two runs' model versions can be told apart;
     *     null in deterministic mode
     */
    public static ModelEventRecord modelEventRecord(
            String key, ModelEvent e, boolean deterministic, String jobId) {
        ModelEventRecord.Outcome outcome = switch (e.outcome()) {
            case INITIAL -> ModelEventRecord.Outcome.INITIAL;
            case PROMOTED -> ModelEventRecord.Outcome.PROMOTED;
            case REJECTED -> ModelEventRecord.Outcome.REJECTED;
        };
        boolean evaluated = !Double.isNaN(e.heldoutElbo());
        ModelDiagnostics diagnostics = new ModelDiagnostics(
                finiteOrNaN(e.heldoutElbo()),
                finiteOrNaN(e.heldoutIwae()),
                finiteOrNaN(e.kl()),
                evaluated ? e.activeUnits() : -1,
                e.verdict().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        double seconds = deterministic || !(e.seconds() >= 0) || Double.isInfinite(e.seconds())
                ? 0 : e.seconds();
        return new ModelEventRecord(key, e.modelVersion(), outcome, e.reason(),
                deterministic ? 0 : e.trainedAtMs(), (int) Math.min(Integer.MAX_VALUE,
                e.trainingSamples()), seconds, diagnostics, jobId);
    }

    /** Dead-letter error type of an event whose feature names differ from its model's. */
    public static final String FEATURE_MISMATCH = "feature_mismatch";

    /**
     * The dead letter of an event whose feature names (or their order) differ from those of the
     * model for its key, which were pinned by the first event the model's detector took.
     */
    public static DeadLetterRecord featureMismatch(Event e, List<String> expected) {
        List<String> got = e.schema().names();
        String field = null;
        for (int i = 0; i < Math.max(got.size(), expected.size()); i++) {
            if (i >= got.size() || i >= expected.size() || !got.get(i).equals(expected.get(i))) {
                field = i < got.size() ? got.get(i) : expected.get(i);
                break;
            }
        }
        return new DeadLetterRecord(FEATURE_MISMATCH,
                "event has features " + abbreviate(got) + " but the model for key '" + e.key()
                        + "' was trained on " + abbreviate(expected)
                        + " (first difference: '" + field + "')",
                field, e.source(), -1, e.key().getBytes(StandardCharsets.UTF_8), e.original());
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 12 ? names.toString()
                : names.subList(0, 12) + " and " + (names.size() - 12) + " more";
    }

    /** The dead letter of an event its model cannot take (wrong number of features). */
    public static DeadLetterRecord wrongDimension(Event e, int expected) {
        return new DeadLetterRecord(WRONG_DIMENSION,
                "event has " + e.dimension() + " features " + e.schema() + " but the model for key '"
                        + e.key() + "' takes " + expected,
                null, e.source(), -1, e.key().getBytes(StandardCharsets.UTF_8), e.original());
    }

    private static double finiteOrNaN(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }
}

package io.vaeanomaly.detect;

import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.Score;
import io.vaeanomaly.threshold.Decision;
import io.vaeanomaly.threshold.Threshold;
import java.util.HashSet;
import java.util.List;

/**
 * One deployable model version: the normaliser frozen at training time, the VAE, the threshold
 * (whose streaming state moves on as events are observed), scoring settings, provenance and the
 * names of its input features. The data path reads in one direction: raw features, normalise,
 * score, decide.
 *
 * <p>Feature names say which value goes where: a model trained on columns {@code [cpu, mem]}
 * scores {@code [mem, cpu]} wrongly without any error, so readers of input match columns by
 * these names. They are empty for models from before names were recorded (model file format
 * version 1) and for models built without them.
 *
 * <p>Not thread-safe: the scorer reuses buffers and a streaming threshold learns. Give every
 * thread its own {@link #copy()}.
 */
public final class DetectorModel {
    private final FrozenNormalizer normalizer;
    private final Vae vae;
    private final Threshold threshold;
    private final ScoringSettings scoring;
    private final Provenance provenance;
    private final List<String> featureNames;
    private final ReconstructionScorer scorer;

    /** A model without feature names. */
    public DetectorModel(
            FrozenNormalizer normalizer,
            Vae vae,
            Threshold threshold,
            ScoringSettings scoring,
            Provenance provenance) {
        this(normalizer, vae, threshold, scoring, provenance, List.of());
    }

    /**
     * @param featureNames names of the model's input features in input order (one per input
     *     dimension, distinct), or empty when unknown
     */
    public DetectorModel(
            FrozenNormalizer normalizer,
            Vae vae,
            Threshold threshold,
            ScoringSettings scoring,
            Provenance provenance,
            List<String> featureNames) {
        this.featureNames = checkNames(featureNames, vae.config().inputDim());
        if (normalizer.dimension() != vae.config().inputDim()) {
            throw new IllegalArgumentException(
                    "normalizer dimension "
                            + normalizer.dimension()
                            + " does not match the model's input dimension "
                            + vae.config().inputDim());
        }
        this.normalizer = normalizer;
        this.vae = vae;
        this.threshold = threshold;
        this.scoring = scoring;
        this.provenance = provenance;
        this.scorer =
                new ReconstructionScorer(
                        vae, scoring.samples(), scoring.mode(), scoring.topK(), scoring.seed());
    }

    /** Scores raw (unnormalised) rows. */
    public Score[] score(double[][] rawRows) {
        return scorer.score(normalizer.normalize(rawRows));
    }

    /**
     * Scores and decides raw rows. With {@code learn}, a streaming threshold observes each score
     * after deciding it (SPOT learns only from values it does not flag).
     */
    public Detection[] detect(double[][] rawRows, boolean learn) {
        Score[] scores = score(rawRows);
        Detection[] out = new Detection[scores.length];
        for (int i = 0; i < scores.length; i++) {
            Score s = scores[i];
            Decision dec = learn ? threshold.decideAndObserve(s.logProb()) : threshold.decide(s.logProb());
            double[] top = new double[s.topFeatures().length];
            for (int t = 0; t < top.length; t++) {
                top[t] = s.contributions()[s.topFeatures()[t]];
            }
            out[i] =
                    new Detection(
                            true,
                            s.logProb(),
                            dec.anomalyScore(),
                            dec.anomaly(),
                            dec.thresholdLogProb(),
                            provenance.modelVersion(),
                            s.topFeatures(),
                            top);
        }
        return out;
    }

    private static List<String> checkNames(List<String> names, int inputDim) {
        List<String> copy = List.copyOf(names);
        if (copy.isEmpty()) {
            return copy;
        }
        if (copy.size() != inputDim) {
            throw new IllegalArgumentException(copy.size() + " feature names " + copy
                    + " for a model with input dimension " + inputDim);
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("duplicate feature names: " + copy);
        }
        return copy;
    }

    /** A copy with its own threshold state and scorer buffers (parameters are shared read-only). */
    public DetectorModel copy() {
        return new DetectorModel(
                normalizer, vae, threshold.copy(), scoring, provenance, featureNames);
    }

    /**
     * The same model with the names of its input features.
     *
     * @throws IllegalArgumentException unless there is one distinct name per input dimension
     */
    public DetectorModel withFeatureNames(List<String> names) {
        return new DetectorModel(normalizer, vae, threshold, scoring, provenance, names);
    }

    /** The same model with another version number (promotion assigns versions). */
    public DetectorModel withVersion(long version) {
        Provenance p = provenance;
        return new DetectorModel(
                normalizer,
                vae,
                threshold,
                scoring,
                new Provenance(
                        version,
                        p.trainedAtMs(),
                        p.trainingSamples(),
                        p.recipe(),
                        p.verdict(),
                        p.heldoutElbo(),
                        p.heldoutIwae(),
                        p.activeUnits(),
                        p.epochs()),
                featureNames);
    }

    public FrozenNormalizer normalizer() {
        return normalizer;
    }

    public Vae vae() {
        return vae;
    }

    public Threshold threshold() {
        return threshold;
    }

    public ScoringSettings scoring() {
        return scoring;
    }

    public Provenance provenance() {
        return provenance;
    }

    public long version() {
        return provenance.modelVersion();
    }

    public int inputDim() {
        return vae.config().inputDim();
    }

    /** Names of the input features in input order; empty when the model does not know them. */
    public List<String> featureNames() {
        return featureNames;
    }
}

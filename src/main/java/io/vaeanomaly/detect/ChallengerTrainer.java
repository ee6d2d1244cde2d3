package io.vaeanomaly.detect;

import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.feature.Normalizer;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.Score;
import io.vaeanomaly.threshold.StaticThreshold;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingListener;
import io.vaeanomaly.train.TrainingRecipe;
import io.vaeanomaly.train.TrainingReport;
import io.vaeanomaly.train.TrainingResult;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Turns a sample of raw rows into a challenger {@link DetectorModel}: fits and freezes the
 * normaliser, trains the VAE, and calibrates the threshold on the sample's own scores. Pure and
 * self-contained, so it can run on any thread.
 */
public final class ChallengerTrainer {
    private final DetectorSettings settings;

    public ChallengerTrainer(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * Result of one training.
     *
     * @param challenger the trained model, empty when training was not usable
     * @param report the training report
     * @param sample the rows trained on
     * @param finishedAtMs when training finished (epoch ms, from the trainer's clock), also for an
     *     unusable training; the challenger's provenance carries the same time
     */
    public record Outcome(
            Optional<DetectorModel> challenger,
            TrainingReport report,
            double[][] sample,
            long finishedAtMs) {}

    /**
     * Trains on {@code sample} (raw rows).
     *
     * @param seedOffset varies the recipe seed per model version
     * @param trainedAtMs stamped into the provenance as the finishing time (a fixed value, e.g.
     *     0 for reproducible output; {@link #train(double[][], long, LongSupplier,
     *     TrainingListener)} reads a clock instead)
     */
    public Outcome train(double[][] sample, long seedOffset, long trainedAtMs) {
        return train(sample, seedOffset, () -> trainedAtMs, TrainingListener.NONE);
    }

    /**
     * Trains on {@code sample} (raw rows), reporting every epoch to {@code listener}.
     *
     * @param seedOffset varies the recipe seed per model version
     * @param clock read once training has finished (epoch ms), for the provenance and
     *     {@link Outcome#finishedAtMs()}
     */
    public Outcome train(
            double[][] sample, long seedOffset, LongSupplier clock, TrainingListener listener) {
        int d = sample[0].length;
        Normalizer stats = new Normalizer(d);
        stats.updateAll(sample);
        FrozenNormalizer normalizer = stats.freeze();
        double[][] normalised = normalizer.normalize(sample);
        VaeConfig config = settings.architecture().apply(d);
        TrainingRecipe recipe =
                settings.recipe().toBuilder()
                        .seed(settings.recipe().seed() + seedOffset)
                        .threads(settings.trainingThreads())
                        .build();
        TrainingResult result =
                new Trainer().train(normalised, config, recipe, listener);
        TrainingReport report = result.report();
        // After training, not before: the provenance and model events say "trained at" for the
        // time the model became available (training can take minutes).
        long trainedAtMs = clock.getAsLong();
        if (!result.usable()) {
            return new Outcome(Optional.empty(), report, sample, trainedAtMs);
        }
        var held = report.finalHeldOut();
        Provenance provenance =
                new Provenance(
                        0,
                        trainedAtMs,
                        sample.length,
                        recipe.name(),
                        report.verdict().name(),
                        held.elbo(),
                        held.iwae(),
                        held.activeUnits(),
                        report.epochs());
        // Score the sample first (the threshold is calibrated on these scores); the placeholder
        // threshold is never used for a decision.
        DetectorModel unthresholded =
                new DetectorModel(
                        normalizer,
                        result.model().orElseThrow(),
                        new StaticThreshold(0, 1),
                        settings.scoring(),
                        provenance);
        Score[] scores = unthresholded.score(sample);
        double[] logProbs = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            logProbs[i] = scores[i].logProb();
        }
        DetectorModel model =
                new DetectorModel(
                        normalizer,
                        unthresholded.vae(),
                        settings.threshold().calibrate(logProbs),
                        settings.scoring(),
                        provenance);
        return new Outcome(Optional.of(model), report, sample, trainedAtMs);
    }
}

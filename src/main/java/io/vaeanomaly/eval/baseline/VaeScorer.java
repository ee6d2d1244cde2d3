package io.vaeanomaly.eval.baseline;

import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.feature.Normalizer;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.Score;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingListener;
import io.vaeanomaly.train.TrainingRecipe;
import io.vaeanomaly.train.TrainingResult;
import java.util.Arrays;
import java.util.Objects;

/**
 * The VAE as an {@link AnomalyScorer}: build feature rows (optionally a sliding window over time,
 * as Donut does for univariate series), standardise them, train the VAE with a {@link
 * TrainingRecipe}, and score a row by its negative reconstruction log-probability, so higher is
 * more anomalous.
 *
 * <p>Feature rows for time step {@code t}, see {@link Layout}: with a window {@code W > 1} the row
 * holds steps {@code t-W+1 .. t}. The first {@code W-1} test steps have no full window; they are
 * padded by repeating the first test step, so every test row gets a score and no train data leaks
 * into the test period.
 *
 * <p>If every training attempt diverges (no finite model), the fit retries with the next seeds;
 * a collapsed model is finite and is used as it is (its scores are then close to a per-feature
 * Gaussian likelihood).
 */
public final class VaeScorer implements AnomalyScorer {
    private static final int FIT_ATTEMPTS = 3;

    /** Which columns enter the model, and how time enters. */
    public enum Layout {
        /** Every column of the row; with {@code W > 1} every column is windowed. */
        ALL_COLUMNS,
        /**
         * Only column 0, windowed: the univariate layout of Donut (Xu et al. 2018). For telemanom
         * data column 0 is the telemetry value; the command flags are left out.
         */
        FIRST_COLUMN,
        /** A window of column 0 followed by the current step of the other columns. */
        FIRST_COLUMN_WINDOW_PLUS_CURRENT_REST
    }

    /**
     * Everything that defines the scorer.
     *
     * @param layout feature layout
     * @param window steps per feature row, {@code >= 1}
     * @param hidden encoder hidden sizes (the decoder mirrors them)
     * @param latentDim latent dimensions
     * @param recipe training recipe (its seed seeds the fit)
     * @param scoreSamples L, latent samples per scored row
     * @param scoreMode how the L samples combine
     */
    public record Settings(
            Layout layout,
            int window,
            int[] hidden,
            int latentDim,
            TrainingRecipe recipe,
            int scoreSamples,
            ScoreMode scoreMode) {
        public Settings {
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(recipe, "recipe");
            Objects.requireNonNull(scoreMode, "scoreMode");
            if (window < 1) {
                throw new IllegalArgumentException("window: must be >= 1 but was " + window);
            }
            if (latentDim < 1) {
                throw new IllegalArgumentException("latentDim: must be >= 1 but was " + latentDim);
            }
            if (scoreSamples < 1) {
                throw new IllegalArgumentException(
                        "scoreSamples: must be >= 1 but was " + scoreSamples);
            }
            hidden = hidden.clone();
            for (int h : hidden) {
                if (h < 1) {
                    throw new IllegalArgumentException(
                            "hidden: layer sizes must be >= 1 but got " + Arrays.toString(hidden));
                }
            }
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        /** The settings measured on SMAP; see {@link VaeScorer} for the numbers. */
        public static Settings defaults() {
            return new Settings(
                    Layout.FIRST_COLUMN,
                    32,
                    new int[] {64, 64},
                    8,
                    // No epoch cap: the automatic budget (60 epochs, raised to 1500 steps) is what
                    // a 40-epoch setting gave on SMAP's channels before epochs became a cap.
                    TrainingRecipe.defaults().toBuilder()
                            // Fewer rows and samples for the held-out diagnostics: they only
                            // steer early stopping.
                            .diagnosticRows(256)
                            .iwaeSamples(8)
                            .build(),
                    16,
                    ScoreMode.LOG_MEAN_EXP);
        }
    }

    private final Settings settings;
    private FrozenNormalizer normalizer;
    private ReconstructionScorer scorer;
    private TrainingResult lastResult;

    /** A scorer with {@link Settings#defaults()}. */
    public VaeScorer() {
        this(Settings.defaults());
    }

    public VaeScorer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void fit(double[][] train) {
        double[][] rows = features(train, false);
        if (rows.length < 10) {
            throw new IllegalArgumentException(
                    "train: need at least 10 feature rows but "
                            + train.length
                            + " steps give "
                            + rows.length
                            + " with window "
                            + settings.window());
        }
        Normalizer stats = new Normalizer(rows[0].length);
        stats.updateAll(rows);
        FrozenNormalizer norm = stats.freeze();
        double[][] x = norm.normalize(rows);
        VaeConfig config =
                VaeConfig.builder(x[0].length)
                        .hidden(settings.hidden())
                        .latentDim(settings.latentDim())
                        .build();
        TrainingResult result = null;
        for (int attempt = 0; attempt < FIT_ATTEMPTS; attempt++) {
            TrainingRecipe recipe =
                    settings.recipe().toBuilder().seed(settings.recipe().seed() + attempt).build();
            result = new Trainer().train(x, config, recipe, TrainingListener.NONE);
            if (result.model().isPresent()) {
                break;
            }
        }
        Vae vae =
                result.model()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "VAE training diverged in all "
                                                        + FIT_ATTEMPTS
                                                        + " attempts: "
                                                        + lastReason()));
        normalizer = norm;
        lastResult = result;
        scorer =
                new ReconstructionScorer(
                        vae, settings.scoreSamples(), settings.scoreMode(), 0, 7);
    }

    private String lastReason() {
        return lastResult == null ? "" : lastResult.report().reason();
    }

    @Override
    public double[] score(double[][] test) {
        if (scorer == null) {
            throw new IllegalStateException("score called before fit");
        }
        double[][] x = normalizer.normalize(features(test, true));
        Score[] s = scorer.score(x);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            double v = -s[i].logProb();
            // A finite model gives a finite log-probability; guard anyway since metrics need
            // ordered scores.
            out[i] = Double.isNaN(v) ? Double.MAX_VALUE : v;
        }
        return out;
    }

    /** The training result of the last {@link #fit}, for diagnostics. */
    public TrainingResult lastTraining() {
        if (lastResult == null) {
            throw new IllegalStateException("lastTraining called before fit");
        }
        return lastResult;
    }

    /**
     * Feature rows for {@code steps}. With {@code pad}, the first step is repeated {@code W-1}
     * times in front so that there is one row per step; without, only full windows are built.
     */
    double[][] features(double[][] steps, boolean pad) {
        int w = settings.window();
        int n = steps.length;
        if (n == 0) {
            return new double[0][];
        }
        int d = steps[0].length;
        int first = pad ? 0 : w - 1;
        int rows = Math.max(0, n - first);
        double[][] out = new double[rows][];
        for (int t = first; t < n; t++) {
            out[t - first] = row(steps, t, w, d);
        }
        return out;
    }

    private double[] row(double[][] steps, int t, int w, int d) {
        switch (settings.layout()) {
            case ALL_COLUMNS -> {
                double[] r = new double[w * d];
                for (int k = 0; k < w; k++) {
                    System.arraycopy(steps[Math.max(0, t - w + 1 + k)], 0, r, k * d, d);
                }
                return r;
            }
            case FIRST_COLUMN -> {
                double[] r = new double[w];
                for (int k = 0; k < w; k++) {
                    r[k] = steps[Math.max(0, t - w + 1 + k)][0];
                }
                return r;
            }
            default -> {
                double[] r = new double[w + d - 1];
                for (int k = 0; k < w; k++) {
                    r[k] = steps[Math.max(0, t - w + 1 + k)][0];
                }
                System.arraycopy(steps[t], 1, r, w, d - 1);
                return r;
            }
        }
    }

    @Override
    public String name() {
        return "vae";
    }
}

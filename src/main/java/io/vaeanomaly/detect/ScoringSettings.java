package io.vaeanomaly.detect;

import io.vaeanomaly.score.ScoreMode;

/**
 * How a model scores events.
 *
 * @param samples L, latent samples per event
 * @param mode how the samples' log-likelihoods combine
 * @param topK features reported per event
 * @param seed mixed into each event's noise seed
 */
public record ScoringSettings(int samples, ScoreMode mode, int topK, long seed) {
    public static final ScoringSettings DEFAULT =
            new ScoringSettings(16, ScoreMode.LOG_MEAN_EXP, 3, 7);

    public ScoringSettings {
        if (samples < 1) {
            throw new IllegalArgumentException("score-samples: must be >= 1 but was " + samples);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k: must be >= 0 but was " + topK);
        }
        if (mode == null) {
            throw new IllegalArgumentException("score-mode: must not be null");
        }
    }
}

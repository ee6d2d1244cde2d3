package io.vaeanomaly.score;

import java.util.Locale;

/** How the L per-sample log-likelihoods log p(x|z_l) are combined into one score. */
public enum ScoreMode {
    /**
     * log((1/L) sum_l p(x|z_l)), by log-sum-exp: the reconstruction probability of An and Cho
     * (2015) in log space.
     */
    LOG_MEAN_EXP,
    /** (1/L) sum_l log p(x|z_l): the expected reconstruction log-likelihood. */
    MEAN_LOG;

    public static ScoreMode parse(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "score-mode: unknown value '" + s + "', expected log-mean-exp or mean-log");
        }
    }
}

package io.vaeanomaly.model;

/** How the decoder's standard deviation sigma_x is parameterised. */
public enum DecoderVariance {
    /** One learned sigma per feature: softplus(rho_j) + sigmaMin. */
    PER_FEATURE,
    /** A learned head on the last decoder layer: softplus(h W + b) + sigmaMin, per input. */
    HETEROSCEDASTIC,
    /** A fixed sigma for every feature (no learning); used to reproduce posterior collapse. */
    FIXED;

    /** Parses a config name such as {@code per-feature}. */
    public static DecoderVariance parse(String name) {
        String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "decoder-variance: unknown value '"
                            + name
                            + "', expected per-feature, heteroscedastic or fixed");
        }
    }
}

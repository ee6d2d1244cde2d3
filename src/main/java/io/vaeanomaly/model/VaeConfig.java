package io.vaeanomaly.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Architecture of a Gaussian VAE: an MLP encoder q(z|x) = N(mu, diag sigma^2) and an MLP decoder
 * p(x|z) = N(mu_x, diag sigma_x^2). Immutable; validated at construction.
 *
 * <p>Defaults fit typical metric vectors (tens of features): two hidden layers of 64, 8 latent
 * dimensions, tanh, a learned per-feature decoder sigma floored at {@link #DEFAULT_SIGMA_MIN}.
 */
public final class VaeConfig {
    public static final int[] DEFAULT_HIDDEN = {64, 64};
    public static final int DEFAULT_LATENT_DIM = 8;
    public static final Activation DEFAULT_ACTIVATION = Activation.TANH;
    public static final DecoderVariance DEFAULT_DECODER_VARIANCE = DecoderVariance.PER_FEATURE;
    /**
     * Floor on the decoder standard deviation, in normalised units. It bounds the log-density of
     * one feature by -log(sigmaMin) - 0.5 log(2 pi), so the likelihood cannot run to infinity.
     */
    public static final double DEFAULT_SIGMA_MIN = 0.05;

    public static final double DEFAULT_FIXED_SIGMA = 1.0;
    /** Floor on the encoder sigma: keeps log q(z|x) and the KL finite. */
    public static final double ENCODER_SIGMA_MIN = 1e-4;

    private final int inputDim;
    private final int[] encoderHidden;
    private final int[] decoderHidden;
    private final int latentDim;
    private final Activation activation;
    private final DecoderVariance decoderVariance;
    private final double sigmaMin;
    private final double fixedSigma;
    private final Precision precision;

    private VaeConfig(Builder b) {
        this.inputDim = b.inputDim;
        this.encoderHidden = b.encoderHidden.clone();
        this.decoderHidden = b.decoderHidden.clone();
        this.latentDim = b.latentDim;
        this.activation = Objects.requireNonNull(b.activation, "activation");
        this.decoderVariance = Objects.requireNonNull(b.decoderVariance, "decoderVariance");
        this.sigmaMin = b.sigmaMin;
        this.fixedSigma = b.fixedSigma;
        this.precision = Objects.requireNonNull(b.precision, "precision");
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim: must be >= 1 but was " + inputDim);
        }
        if (latentDim < 1) {
            throw new IllegalArgumentException("latentDim: must be >= 1 but was " + latentDim);
        }
        checkLayers("encoderHidden", encoderHidden);
        checkLayers("decoderHidden", decoderHidden);
        if (!(sigmaMin > 0) || !Double.isFinite(sigmaMin)) {
            throw new IllegalArgumentException("sigmaMin: must be > 0 but was " + sigmaMin);
        }
        if (!(fixedSigma > 0) || !Double.isFinite(fixedSigma)) {
            throw new IllegalArgumentException("fixedSigma: must be > 0 but was " + fixedSigma);
        }
    }

    private static void checkLayers(String name, int[] layers) {
        for (int h : layers) {
            if (h < 1) {
                throw new IllegalArgumentException(
                        name + ": layer sizes must be >= 1 but got " + Arrays.toString(layers));
            }
        }
    }

    public static Builder builder(int inputDim) {
        return new Builder(inputDim);
    }

    public Builder toBuilder() {
        return new Builder(inputDim)
                .encoderHidden(encoderHidden)
                .decoderHidden(decoderHidden)
                .latentDim(latentDim)
                .activation(activation)
                .decoderVariance(decoderVariance)
                .sigmaMin(sigmaMin)
                .fixedSigma(fixedSigma)
                .precision(precision);
    }

    public int inputDim() {
        return inputDim;
    }

    public int[] encoderHidden() {
        return encoderHidden.clone();
    }

    public int[] decoderHidden() {
        return decoderHidden.clone();
    }

    public int latentDim() {
        return latentDim;
    }

    public Activation activation() {
        return activation;
    }

    public DecoderVariance decoderVariance() {
        return decoderVariance;
    }

    public double sigmaMin() {
        return sigmaMin;
    }

    public double fixedSigma() {
        return fixedSigma;
    }

    public Precision precision() {
        return precision;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VaeConfig c)) {
            return false;
        }
        return inputDim == c.inputDim
                && latentDim == c.latentDim
                && Arrays.equals(encoderHidden, c.encoderHidden)
                && Arrays.equals(decoderHidden, c.decoderHidden)
                && activation == c.activation
                && decoderVariance == c.decoderVariance
                && Double.compare(sigmaMin, c.sigmaMin) == 0
                && Double.compare(fixedSigma, c.fixedSigma) == 0
                && precision == c.precision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                inputDim,
                latentDim,
                Arrays.hashCode(encoderHidden),
                Arrays.hashCode(decoderHidden),
                activation,
                decoderVariance,
                sigmaMin,
                fixedSigma,
                precision);
    }

    @Override
    public String toString() {
        return "VaeConfig{inputDim="
                + inputDim
                + ", encoder="
                + Arrays.toString(encoderHidden)
                + ", latent="
                + latentDim
                + ", decoder="
                + Arrays.toString(decoderHidden)
                + ", "
                + activation
                + ", "
                + decoderVariance
                + ", sigmaMin="
                + sigmaMin
                + ", "
                + precision
                + "}";
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private final int inputDim;
        private int[] encoderHidden = DEFAULT_HIDDEN.clone();
        private int[] decoderHidden = DEFAULT_HIDDEN.clone();
        private int latentDim = DEFAULT_LATENT_DIM;
        private Activation activation = DEFAULT_ACTIVATION;
        private DecoderVariance decoderVariance = DEFAULT_DECODER_VARIANCE;
        private double sigmaMin = DEFAULT_SIGMA_MIN;
        private double fixedSigma = DEFAULT_FIXED_SIGMA;
        private Precision precision = Precision.FLOAT;

        private Builder(int inputDim) {
            this.inputDim = inputDim;
        }

        public Builder encoderHidden(int... sizes) {
            this.encoderHidden = sizes.clone();
            return this;
        }

        public Builder decoderHidden(int... sizes) {
            this.decoderHidden = sizes.clone();
            return this;
        }

        /** Same hidden sizes for the encoder and (mirrored) for the decoder. */
        public Builder hidden(int... sizes) {
            this.encoderHidden = sizes.clone();
            int[] rev = new int[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                rev[i] = sizes[sizes.length - 1 - i];
            }
            this.decoderHidden = rev;
            return this;
        }

        public Builder latentDim(int latentDim) {
            this.latentDim = latentDim;
            return this;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder decoderVariance(DecoderVariance decoderVariance) {
            this.decoderVariance = decoderVariance;
            return this;
        }

        public Builder sigmaMin(double sigmaMin) {
            this.sigmaMin = sigmaMin;
            return this;
        }

        /** The decoder sigma when {@link DecoderVariance#FIXED}. */
        public Builder fixedSigma(double fixedSigma) {
            this.fixedSigma = fixedSigma;
            return this;
        }

        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        public VaeConfig build() {
            return new VaeConfig(this);
        }
    }
}

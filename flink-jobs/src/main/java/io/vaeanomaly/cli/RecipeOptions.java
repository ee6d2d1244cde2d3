package io.vaeanomaly.cli;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.train.TrainingRecipe;
import picocli.CommandLine.Option;

/** Architecture and recipe options shared by the commands that train. */
final class RecipeOptions {
    @Option(
            names = "--recipe",
            defaultValue = "default",
            description = "Training recipe: plain, warmup, cyclical, freebits or default (${DEFAULT-VALUE}).")
    String recipe;

    @Option(
            names = "--epochs",
            description =
                    "Maximum epochs per restart, a hard cap (default: 60, raised to reach"
                            + " --min-steps on small data).")
    Integer epochs;

    @Option(
            names = "--min-steps",
            description =
                    "Without --epochs, raise the 60-epoch budget until this many optimizer steps"
                            + " fit (default 1500; 0 = off).")
    Integer minSteps;

    @Option(
            names = "--threads",
            description =
                    "Training threads (default: all cores); results do not depend on it.")
    Integer threads;

    @Option(names = "--batch-size", description = "Minibatch size (default 128).")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Adam learning rate (default 0.001).")
    Double learningRate;

    @Option(names = "--restarts", description = "Best-of-N restarts by held-out IWAE (default 1).")
    Integer restarts;

    @Option(names = "--seed", description = "Seed of everything random (default 42).")
    Long seed;

    @Option(
            names = "--hidden",
            split = ",",
            description = "Encoder hidden sizes; the decoder mirrors them (default 64,64).")
    int[] hidden;

    @Option(names = "--latent", description = "Latent dimensions (default 8).")
    Integer latent;

    @Option(names = "--activation", description = "tanh, relu or softplus (default tanh).")
    String activation;

    @Option(
            names = "--decoder-variance",
            description = "per-feature, heteroscedastic or fixed (default per-feature).")
    String decoderVariance;

    @Option(names = "--sigma-min", description = "Floor on the decoder sigma (default 0.05).")
    Double sigmaMin;

    TrainingRecipe recipe() {
        try {
            TrainingRecipe.Builder b = TrainingRecipe.preset(recipe).toBuilder();
            if (epochs != null) {
                if (epochs < 1) {
                    throw new UsageException("--epochs: must be >= 1 but was " + epochs);
                }
                b.maxEpochs(epochs);
            }
            if (minSteps != null) {
                b.minSteps(minSteps);
            }
            if (threads != null) {
                if (threads < 1) {
                    throw new UsageException("--threads: must be >= 1 but was " + threads);
                }
                b.threads(threads);
            }
            if (batchSize != null) {
                b.batchSize(batchSize);
            }
            if (learningRate != null) {
                b.learningRate(learningRate);
            }
            if (restarts != null) {
                b.restarts(restarts);
            }
            if (seed != null) {
                b.seed(seed);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    VaeConfig architecture(int inputDim) {
        try {
            VaeConfig.Builder b = VaeConfig.builder(inputDim);
            if (hidden != null) {
                b.hidden(hidden);
            }
            if (latent != null) {
                b.latentDim(latent);
            }
            if (activation != null) {
                b.activation(Activation.parse(activation));
            }
            if (decoderVariance != null) {
                b.decoderVariance(DecoderVariance.parse(decoderVariance));
            }
            if (sigmaMin != null) {
                b.sigmaMin(sigmaMin);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

package io.vaeanomaly.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.ModelEvaluator;
import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.testdata.PpcaData;
import org.junit.jupiter.api.Test;

/**
 * Global optimum reached: data from a known probabilistic-PCA model (3 latent dimensions, 20
 * observed, noise variance 0.1) has an exact log-likelihood in closed form. After training, the
 * held-out IWAE bound must be within 1% of the true model's exact held-out log-likelihood; a VAE
 * stuck in a poor local optimum (collapsed dimensions, a blurry decoder) falls well short.
 */
class PpcaGlobalOptimumTest {
    @Test
    void heldOutIwaeIsWithinOnePercentOfTheExactLogLikelihood() {
        PpcaData truth = new PpcaData(20, 3, 0.1, 7);
        double[][] train = truth.sample(5000, 1);
        double[][] test = truth.sample(2000, 2);
        double exact = truth.meanLogLikelihood(test);

        VaeConfig config = VaeConfig.builder(20).latentDim(3).build();
        TrainingRecipe recipe =
                TrainingRecipe.defaults().toBuilder().learningRate(5e-3).maxEpochs(150).build();
        TrainingResult result = new Trainer().train(train, config, recipe, TrainingListener.NONE);
        Vae vae = result.model().orElseThrow();
        HeldOutMetrics held = new ModelEvaluator(256, 5).evaluate(vae, test);

        assertThat(result.report().verdict()).isEqualTo(Verdict.CONVERGED);
        assertThat(held.activeUnits()).isEqualTo(3);
        // IWAE is a lower bound in expectation; allow it on either side within 1%.
        assertThat(Math.abs(held.iwae() - exact) / Math.abs(exact))
                .as("IWAE %.4f vs exact %.4f", held.iwae(), exact)
                .isLessThan(0.01);
        assertThat(held.iwae()).isGreaterThanOrEqualTo(held.elbo());
    }
}

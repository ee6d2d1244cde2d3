package io.vaeanomaly.eval.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The study on probabilistic-PCA data with a known latent dimension of 2. With a fixed, large
 * decoder sigma (the setting of PosteriorCollapseTest) the plain recipe collapses, the default
 * recipe does not.
 */
class ConvergenceStudyTest {
    private static final int D = 10;
    private static final int TRUE_LATENT_DIM = 2;
    private static final int SEEDS = 3;
    /**
     * Enough for the plain recipe to finish collapsing on every seed: at 12 epochs one seed was
     * still at KL 0.01 per dimension with 3 units above the activity threshold (the trainer
     * already said collapsed), at 20 every seed is at KL 0.003 or less with none active.
     */
    private static final int EPOCHS = 20;
    private static double[][] rows;
    private static ConvergenceStudy.Result result;
    private static final List<StudyRun> seen = new ArrayList<>();

    @BeforeAll
    static void runStudy() {
        rows = new PpcaData(D, TRUE_LATENT_DIM, 0.05, 11).sample(600, 2);
        VaeConfig config =
                VaeConfig.builder(D)
                        .hidden(16)
                        .latentDim(4)
                        .decoderVariance(DecoderVariance.FIXED)
                        .fixedSigma(10.0)
                        .build();
        List<TrainingRecipe> recipes =
                List.of(
                        fast(TrainingRecipe.plain()), fast(TrainingRecipe.defaults()));
        result = new ConvergenceStudy(config, recipes, SEEDS).run(rows, seen::add);
    }

    /** Small batches and a high learning rate: enough steps in a few epochs to reach the optimum. */
    private static TrainingRecipe fast(TrainingRecipe r) {
        // minSteps(0): the study runs exactly EPOCHS epochs, as the assertions on epoch counts expect.
        return r.toBuilder().maxEpochs(EPOCHS).minSteps(0).batchSize(32).learningRate(1e-2).build();
    }

    @Test
    void runsEveryRecipeWithSeedsZeroToNMinusOne() {
        assertThat(result.runs()).hasSize(2 * SEEDS);
        assertThat(result.runs()).extracting(StudyRun::recipe)
                .containsExactly("plain", "plain", "plain", "default", "default", "default");
        assertThat(result.runs()).extracting(StudyRun::seed).containsExactly(0L, 1L, 2L, 0L, 1L, 2L);
        assertThat(seen).containsExactlyElementsOf(result.runs());
        assertThat(result.summaries()).containsOnlyKeys("plain", "default");
        assertThat(result.evaluationRows()).isEqualTo(120);
    }

    @Test
    void effectiveDimensionIsTheTrueLatentDimension() {
        assertThat(result.effectiveDimension()).isEqualTo(TRUE_LATENT_DIM);
    }

    @Test
    void plainCollapsesMoreThanDefault() {
        RecipeSummary plain = result.summaries().get("plain");
        RecipeSummary dflt = result.summaries().get("default");
        assertThat(plain.collapseRate()).isEqualTo(1.0);
        assertThat(dflt.collapseRate()).isZero();
        assertThat(dflt.activeUnitsMean()).isGreaterThan(plain.activeUnitsMean());
        for (StudyRun r : result.runs()) {
            // The study's collapse flag and the trainer's verdict agree here (effective dim 2).
            assertThat(r.collapsed()).isEqualTo(r.activeUnits() < TRUE_LATENT_DIM);
        }
        assertThat(result.summaries().get("default").verdicts().get(Verdict.COLLAPSED)).isZero();
    }

    @Test
    void summariesAgreeWithTheRuns() {
        for (RecipeSummary s : result.summaries().values()) {
            List<StudyRun> mine =
                    result.runs().stream().filter(r -> r.recipe().equals(s.recipe())).toList();
            double mean = mine.stream().mapToDouble(StudyRun::heldoutElbo).average().orElseThrow();
            assertThat(s.heldoutElboMean()).isEqualTo(mean, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(s.divergenceRate()).isZero();
            assertThat(s.aucPrMean()).isNaN();
            for (StudyRun r : mine) {
                assertThat(r.heldoutIwae()).isGreaterThanOrEqualTo(r.heldoutElbo() - 1e-6);
                assertThat(r.klPerDimension()).hasSize(4);
                assertThat(r.elboCurve()).hasSize(r.epochs());
                assertThat(r.epochs()).isBetween(1, EPOCHS);
            }
        }
    }

    @Test
    void downstreamAucPrIsComputedWhenLabelsExist() {
        double[][] test = new PpcaData(D, TRUE_LATENT_DIM, 0.05, 11).sample(300, 9);
        boolean[] labels = new boolean[test.length];
        for (int i = 0; i < test.length; i += 10) {
            // Off the data's 2-d subspace by 6 units in one coordinate.
            test[i][i % D] += 6;
            labels[i] = true;
        }
        VaeConfig config = VaeConfig.builder(D).hidden(16).latentDim(4).build();
        ConvergenceStudy.Result r =
                new ConvergenceStudy(
                                config,
                                List.of(fast(TrainingRecipe.defaults())),
                                1)
                        .run(rows, Optional.of(new LabelledRows(test, labels)), ConvergenceStudy.Listener.NONE);
        // 10% positives: a random ranking scores about 0.1.
        assertThat(r.runs().get(0).aucPr()).isGreaterThan(0.8);
        assertThat(r.summaries().get("default").aucPrMean()).isEqualTo(r.runs().get(0).aucPr());
    }

    @Test
    void rejectsBadArguments() {
        VaeConfig config = VaeConfig.builder(D).build();
        List<TrainingRecipe> one = List.of(TrainingRecipe.defaults());
        assertThatThrownBy(() -> new ConvergenceStudy(config, one, 0)).hasMessageContaining("seeds");
        assertThatThrownBy(() -> new ConvergenceStudy(config, List.of(), 1))
                .hasMessageContaining("recipes");
        assertThatThrownBy(
                        () -> new ConvergenceStudy(
                                config, List.of(TrainingRecipe.plain(), TrainingRecipe.plain()), 1))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(
                        () -> new ConvergenceStudy(config, one, 1)
                                .run(new double[30][D + 1], ConvergenceStudy.Listener.NONE))
                .hasMessageContaining("expected " + D);
    }
}

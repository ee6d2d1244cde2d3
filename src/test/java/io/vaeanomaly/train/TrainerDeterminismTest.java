package io.vaeanomaly.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.testdata.PpcaData;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerDeterminismTest {
    private final double[][] data = new PpcaData(6, 2, 0.1, 3).sample(600, 4);
    private final VaeConfig config = VaeConfig.builder(6).hidden(16).latentDim(3).build();
    private final TrainingRecipe recipe =
            TrainingRecipe.defaults().toBuilder().maxEpochs(6).batchSize(64).build();

    @Test
    void sameSeedAndDataGiveBitIdenticalParameters() {
        Map<String, double[]> a = train(recipe).model().orElseThrow().parameters().toArrays();
        Map<String, double[]> b = train(recipe).model().orElseThrow().parameters().toArrays();
        assertThat(a.keySet()).isEqualTo(b.keySet());
        a.forEach((k, v) -> assertThat(b.get(k)).as(k).containsExactly(v));
    }

    @Test
    void anotherSeedGivesOtherParameters() {
        double[] a = train(recipe).model().orElseThrow().parameters().toArrays().get("enc.0.W");
        double[] b =
                train(recipe.toBuilder().seed(7).build())
                        .model()
                        .orElseThrow()
                        .parameters()
                        .toArrays()
                        .get("enc.0.W");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void reportHasPerEpochDiagnosticsAndSerialisesToJson() throws Exception {
        TrainingResult r = train(recipe);
        TrainingReport rep = r.report();
        assertThat(rep.runs()).hasSize(1);
        assertThat(rep.runs().get(0).epochs()).hasSize(rep.epochs()).isNotEmpty();
        var e = rep.runs().get(0).epochs().get(0);
        assertThat(e.heldOut().klPerDimension()).hasSize(3);
        assertThat(e.gradientNorm()).isPositive();
        // The IWAE bound comes from the same samples as the final ELBO, so it is never below it.
        assertThat(rep.finalHeldOut().iwae()).isGreaterThanOrEqualTo(rep.finalHeldOut().elbo());
        String json = new ObjectMapper().writeValueAsString(rep);
        assertThat(json)
                .contains(
                        "\"verdict\"",
                        "\"klPerDimension\"",
                        "\"iwae\"",
                        "\"activeUnits\"",
                        "\"epochBudget\":6");
    }

    @Test
    void restartsPickTheBestHeldOutIwae() {
        TrainingResult r = train(recipe.toBuilder().restarts(3).build());
        assertThat(r.report().runs()).hasSize(3);
        double chosen = r.report().runs().get(r.report().chosenRun()).finalHeldOut().iwae();
        for (RunReport run : r.report().runs()) {
            if (run.verdict().usable()) {
                assertThat(chosen).isGreaterThanOrEqualTo(run.finalHeldOut().iwae());
            }
        }
        assertThat(r.report().finalHeldOut().iwae()).isEqualTo(chosen);
    }

    @Test
    void divergenceEndsTheRunCleanlyAndReturnsNoModel() {
        // A learning rate without clipping so large that the first update overflows float: the
        // squared posterior means are Inf. (At 1e6 the parameters explode but stay finite with
        // the kernel's overflow-free softplus; ND4J's log(1 + exp(x)) used to overflow there.)
        TrainingRecipe wild =
                recipe.toBuilder()
                        .learningRate(1e30)
                        .lrWarmupSteps(0)
                        .clipNorm(1e30)
                        .klSchedule(KlSchedule.none())
                        .build();
        TrainingResult r = train(wild);
        assertThat(r.report().verdict()).isEqualTo(Verdict.DIVERGED);
        assertThat(r.model()).isEmpty();
        assertThat(r.usable()).isFalse();
        assertThat(r.report().reason()).contains("non-finite");
    }

    @Test
    void badTrainingDataIsRejectedWithTheRowNamed() {
        double[][] bad = data.clone();
        bad[5] = new double[] {0, 0, Double.NaN, 0, 0, 0};
        assertThatThrownBy(() -> train(recipe, bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 5");
    }

    private TrainingResult train(TrainingRecipe r) {
        return train(r, data);
    }

    private TrainingResult train(TrainingRecipe r, double[][] rows) {
        return new Trainer().train(rows, config, r, TrainingListener.NONE);
    }
}

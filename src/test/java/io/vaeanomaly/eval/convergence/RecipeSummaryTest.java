package io.vaeanomaly.eval.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.diagnostics.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeSummaryTest {

    private static StudyRun run(Verdict v, boolean collapsed, double elbo, int active, double auc) {
        boolean diverged = v == Verdict.DIVERGED;
        return new StudyRun(
                "r", 0, 0, v, collapsed, diverged,
                diverged ? Double.NaN : elbo,
                diverged ? Double.NaN : elbo + 1,
                active, new double[0], 10, 2.0, auc, new double[0]);
    }

    @Test
    void ratesCountAllRunsAndLikelihoodsOnlyFiniteOnes() {
        RecipeSummary s =
                RecipeSummary.of(
                        "r",
                        List.of(
                                run(Verdict.CONVERGED, false, -10, 4, 0.5),
                                run(Verdict.COLLAPSED, true, -14, 0, 0.1),
                                run(Verdict.DIVERGED, false, 0, 0, Double.NaN),
                                run(Verdict.NOT_CONVERGED, false, -12, 3, 0.3)));
        assertThat(s.runs()).isEqualTo(4);
        assertThat(s.collapseRate()).isEqualTo(0.25);
        assertThat(s.divergenceRate()).isEqualTo(0.25);
        assertThat(s.heldoutElboMean()).isCloseTo(-12, within(1e-12));
        assertThat(s.heldoutElboSd()).isCloseTo(2, within(1e-12)); // sample sd of -10, -14, -12
        assertThat(s.heldoutIwaeMean()).isCloseTo(-11, within(1e-12));
        assertThat(s.activeUnitsMean()).isCloseTo(7.0 / 3, within(1e-12));
        assertThat(s.secondsMean()).isEqualTo(2.0);
        assertThat(s.epochsMean()).isEqualTo(10.0);
        assertThat(s.aucPrMean()).isCloseTo(0.3, within(1e-12));
        assertThat(s.verdicts())
                .containsEntry(Verdict.CONVERGED, 1)
                .containsEntry(Verdict.COLLAPSED, 1)
                .containsEntry(Verdict.DIVERGED, 1)
                .containsEntry(Verdict.NOT_CONVERGED, 1);
    }

    @Test
    void allDivergedGivesNaNLikelihoods() {
        RecipeSummary s =
                RecipeSummary.of("r", List.of(run(Verdict.DIVERGED, false, 0, 0, Double.NaN)));
        assertThat(s.divergenceRate()).isEqualTo(1.0);
        assertThat(s.heldoutElboMean()).isNaN();
        assertThat(s.heldoutElboSd()).isNaN();
        assertThat(s.aucPrMean()).isNaN();
    }
}

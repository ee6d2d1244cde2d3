package io.vaeanomaly.eval.convergence;

import io.vaeanomaly.diagnostics.Verdict;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregate of one recipe's runs over all seeds. Likelihood figures average over the runs that
 * produced a finite model (collapsed runs included: their lower ELBO is part of the spread);
 * rates are over all runs.
 *
 * @param recipe recipe name
 * @param runs number of runs (seeds)
 * @param collapseRate share of runs that collapsed
 * @param divergenceRate share of runs that diverged
 * @param heldoutElboMean mean held-out ELBO (NaN when every run diverged)
 * @param heldoutElboSd sample standard deviation of the held-out ELBO (n - 1; NaN for fewer than
 *     two finite runs)
 * @param heldoutIwaeMean mean held-out IWAE bound
 * @param activeUnitsMean mean active units over finite runs
 * @param epochsMean mean epochs trained over all runs
 * @param secondsMean mean training seconds over all runs
 * @param aucPrMean mean downstream AUC-PR over runs that have one (NaN without labels)
 * @param verdicts count of runs per trainer verdict
 */
public record RecipeSummary(
        String recipe,
        int runs,
        double collapseRate,
        double divergenceRate,
        double heldoutElboMean,
        double heldoutElboSd,
        double heldoutIwaeMean,
        double activeUnitsMean,
        double epochsMean,
        double secondsMean,
        double aucPrMean,
        Map<Verdict, Integer> verdicts) {

    /** Aggregates the runs of one recipe ({@code runs} must not be empty). */
    public static RecipeSummary of(String recipe, List<StudyRun> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs: must not be empty");
        }
        int n = runs.size();
        int collapsed = 0;
        int diverged = 0;
        double seconds = 0;
        double epochs = 0;
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            verdicts.put(v, 0);
        }
        double[] elbo = new double[n];
        double[] iwae = new double[n];
        double[] active = new double[n];
        double[] auc = new double[n];
        int finite = 0;
        int withAuc = 0;
        for (StudyRun r : runs) {
            collapsed += r.collapsed() ? 1 : 0;
            diverged += r.diverged() ? 1 : 0;
            seconds += r.seconds();
            epochs += r.epochs();
            verdicts.merge(r.verdict(), 1, Integer::sum);
            if (!r.diverged()) {
                elbo[finite] = r.heldoutElbo();
                iwae[finite] = r.heldoutIwae();
                active[finite] = r.activeUnits();
                finite++;
            }
            if (!Double.isNaN(r.aucPr())) {
                auc[withAuc++] = r.aucPr();
            }
        }
        return new RecipeSummary(
                recipe,
                n,
                (double) collapsed / n,
                (double) diverged / n,
                mean(elbo, finite),
                sd(elbo, finite),
                mean(iwae, finite),
                mean(active, finite),
                epochs / n,
                seconds / n,
                mean(auc, withAuc),
                java.util.Collections.unmodifiableMap(verdicts));
    }

    static double mean(double[] v, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    static double sd(double[] v, int n) {
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean(v, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (v[i] - m) * (v[i] - m);
        }
        return Math.sqrt(s / (n - 1));
    }
}

package io.vaeanomaly.eval.telemanom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.eval.baseline.AnomalyScorer;
import io.vaeanomaly.eval.baseline.PcaReconstructionScorer;
import io.vaeanomaly.eval.baseline.ZScoreScorer;
import io.vaeanomaly.eval.metrics.DetectionMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemanomEvaluationTest {
    @TempDir Path dir;

    /** Scores every row 0: AUC-PR equals the fraction of labelled rows. */
    private static final class ConstantScorer implements AnomalyScorer {
        @Override
        public void fit(double[][] train) {}

        @Override
        public double[] score(double[][] test) {
            return new double[test.length];
        }

        @Override
        public String name() {
            return "const";
        }
    }

    @Test
    void reportsPerChannelAndUnweightedMean() throws IOException {
        TelemanomDataset ds = TelemanomDataset.load(TelemanomFixture.twoChannels(dir));
        List<String> seen = new ArrayList<>();

        TelemanomEvaluation.Result r =
                new TelemanomEvaluation(
                                List.of(new ZScoreScorer(), new PcaReconstructionScorer(),
                                        new ConstantScorer()))
                        .run(ds, c -> seen.add(c.channel()));

        assertThat(seen).containsExactly("A-2", "A-10");
        assertThat(r.mean().keySet()).containsExactly("zscore", "pca", "const");
        // +6 sigma shifts in the value column: the z-score ranks them (almost) perfectly.
        for (TelemanomEvaluation.ChannelResult c : r.channels()) {
            assertThat(c.metrics().get("zscore").aucPr()).isGreaterThan(0.95);
        }
        // Constant scores: AP = prevalence (15/100 and 10/120); the mean is unweighted.
        assertThat(r.channels().get(0).metrics().get("const").aucPr())
                .isCloseTo(0.15, within(1e-12));
        assertThat(r.mean().get("const").aucPr())
                .isCloseTo((0.15 + 10.0 / 120) / 2, within(1e-12));
        DetectionMetrics a = r.channels().get(0).metrics().get("pca");
        DetectionMetrics b = r.channels().get(1).metrics().get("pca");
        assertThat(r.mean().get("pca").bestF1())
                .isCloseTo((a.bestF1() + b.bestF1()) / 2, within(1e-12));
        assertThat(r.mean().get("pca").bestF1PointAdjusted())
                .isCloseTo((a.bestF1PointAdjusted() + b.bestF1PointAdjusted()) / 2, within(1e-12));
    }

    @Test
    void rejectsDuplicateScorerNames() {
        assertThatThrownBy(
                        () ->
                                new TelemanomEvaluation(
                                        List.of(new ZScoreScorer(), new ZScoreScorer())))
                .hasMessageContaining("duplicate name 'zscore'");
    }
}

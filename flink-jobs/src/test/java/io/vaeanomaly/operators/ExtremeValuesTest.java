package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.Detection;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.FeatureContribution;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feature values at {@code input.max-abs-value} (1e15, the largest the parser lets through) keep
 * every log-density finite, so a flagged event always has a finite score and names its features;
 * and should a contribution still overflow, the record names the feature anyway.
 */
class ExtremeValuesTest {
    private static final double BOUND = 1e15;

    private static DetectorModel train(double[][] rows) {
        JobConfig config = TestConfigs.small();
        return new ChallengerTrainer(config.detector().settings())
                .train(rows, 1, 0).challenger().orElseThrow();
    }

    private static void assertFiniteAndNamed(DetectorModel model, double[] row) {
        Detection d = model.detect(new double[][] {row}, false)[0];
        assertThat(d.logProb()).as("log-probability").isFinite();
        for (double c : d.topContributions()) {
            assertThat(c).as("contribution").isFinite();
        }
        assertThat(d.anomaly()).isTrue();
        AnomalyRecord r = RecordMapper.anomalyRecord(StreamData.event("h", 0, row), d, 1);
        assertThat(r.logProb()).isEqualTo(d.logProb());
        assertThat(r.topFeatures()).isNotEmpty();
    }

    @Test
    void valuesAtTheBoundScoreFinitely() {
        StreamData data = new StreamData(51);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = data.normal();
        }
        DetectorModel model = train(rows);
        assertFiniteAndNamed(model, new double[] {BOUND, 0, 0, 0});
        assertFiniteAndNamed(model, new double[] {-BOUND, BOUND, -BOUND, BOUND});
    }

    /**
     * The worst case for the normalised magnitude: a feature that varied by only a hair in
     * training (just above the normaliser's constant-feature tolerance), far from 0.
     */
    @Test
    void valuesAtTheBoundScoreFinitelyEvenAgainstANearlyConstantFeature() {
        StreamData data = new StreamData(52);
        Random hair = new Random(53);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            double[] x = data.normal();
            x[3] = 1e6 + 1e-3 * hair.nextGaussian();
            rows[i] = x;
        }
        DetectorModel model = train(rows);
        assertFiniteAndNamed(model, new double[] {0, 0, 0, -BOUND});
    }

    @Test
    void anOverflowedContributionIsReportedRatherThanDropped() {
        Detection overflowed = new Detection(true, Double.NEGATIVE_INFINITY, 1, true, -50, 1,
                new int[] {2, 0}, new double[] {Double.NEGATIVE_INFINITY, Double.NaN});
        AnomalyRecord r = RecordMapper.anomalyRecord(
                StreamData.event("h", 0, new double[] {1, 2, 3, 4}), overflowed, 1);
        assertThat(r.logProb()).isEqualTo(RecordMapper.LOWEST_LOG_PROB);
        assertThat(r.topFeatures()).extracting(FeatureContribution::name)
                .containsExactly("disk", "cpu");
        assertThat(r.topFeatures()).allSatisfy(c -> assertThat(c.contribution()).isFinite());
    }
}

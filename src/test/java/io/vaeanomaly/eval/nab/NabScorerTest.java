package io.vaeanomaly.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The scorer on synthetic corpora. */
class NabScorerTest {

    /** Two files with windows after the probationary period, one without windows. */
    private static NabCorpus corpus() {
        return NabCorpus.of(List.of(
                NabTestData.file("a/one.csv", 400, new NabWindow(100, 119),
                        new NabWindow(250, 269)),
                NabTestData.file("a/two.csv", 300, new NabWindow(200, 229)),
                NabTestData.file("b/none.csv", 200)));
    }

    private static NabCorpus oneWindow(int start, int end) {
        return NabCorpus.of(List.of(NabTestData.file("a/x.csv", 400, new NabWindow(start, end))));
    }

    private static NabResults results(NabCorpus corpus, Map<String, double[]> scores) {
        return NabResults.of("test", corpus, scores);
    }

    private static Map<String, double[]> constant(NabCorpus corpus, double v) {
        Map<String, double[]> m = new HashMap<>();
        for (NabDataFile f : corpus.files()) {
            double[] s = new double[f.rows()];
            java.util.Arrays.fill(s, v);
            m.put(f.relativePath(), s);
        }
        return m;
    }

    @Test
    void perfectDetectorScores100OnEveryProfile() {
        NabCorpus c = corpus();
        Map<String, double[]> m = constant(c, 0.0);
        for (NabDataFile f : c.files()) {
            for (NabWindow w : f.windows()) {
                m.get(f.relativePath())[w.start()] = 1.0;
            }
        }
        NabScorer scorer = new NabScorer(c, results(c, m));
        for (NabProfile p : NabProfiles.defaults()) {
            NabScore s = scorer.score(p);
            assertThat(s.threshold()).isEqualTo(1.0);
            assertThat(s.normalizedScore()).isCloseTo(100.0, within(1e-9));
            assertThat(s.rawScore()).isCloseTo(3 * p.tpWeight(), within(1e-9));
            assertThat(s.detectedWindows()).isEqualTo(3);
            assertThat(s.fp()).isZero();
        }
    }

    @Test
    void nullDetectorsScoreZeroAndDetectNothing() {
        NabCorpus c = corpus();
        for (double v : new double[] {0.0, 0.5}) {
            NabScorer scorer = new NabScorer(c, results(c, constant(c, v)));
            for (NabProfile p : NabProfiles.defaults()) {
                NabScore s = scorer.score(p);
                assertThat(s.threshold()).isEqualTo(NabScorer.NO_DETECTION_THRESHOLD);
                assertThat(s.rawScore()).isEqualTo(-3 * p.fnWeight());
                assertThat(s.nullRawScore()).isEqualTo(-3 * p.fnWeight());
                assertThat(s.perfectRawScore()).isEqualTo(3 * p.tpWeight());
                assertThat(s.normalizedScore()).isEqualTo(0.0);
                assertThat(s.tp() + s.fp()).isZero();
            }
        }
    }

    @Test
    void earlyDetectionInWindowScoresMoreThanLateDetection() {
        NabCorpus c = oneWindow(100, 139);
        NabProfile p = NabProfiles.STANDARD;
        double atStart = NabScorer.score(c, NabTestData.hits(c, 100), p).rawScore();
        double middle = NabScorer.score(c, NabTestData.hits(c, 120), p).rawScore();
        double atEnd = NabScorer.score(c, NabTestData.hits(c, 139), p).rawScore();
        assertThat(atStart).isCloseTo(1.0, within(1e-12));
        assertThat(atStart).isGreaterThan(middle);
        assertThat(middle).isGreaterThan(atEnd);
        assertThat(atEnd).isPositive();
        // Several detections in one window count once, at the best (earliest) one.
        NabScore several = NabScorer.score(c, NabTestData.hits(c, 120, 100, 139), p);
        assertThat(several.rawScore()).isCloseTo(atStart, within(1e-12));
        assertThat(several.tp()).isEqualTo(3);
        assertThat(several.detectedWindows()).isEqualTo(1);
    }

    @Test
    void falsePositiveBeforeWindowCostsFullWeightButJustAfterItLittle() {
        NabCorpus c = oneWindow(200, 219);
        NabProfile p = NabProfiles.STANDARD;
        NabScorer before = new NabScorer(c, NabTestData.hits(c, 100, 200));
        NabScorer after = new NabScorer(c, NabTestData.hits(c, 220, 200));
        NabScorer farAfter = new NabScorer(c, NabTestData.hits(c, 390, 200));
        double hit = 1.0;
        assertThat(before.scoreAtThreshold(p, 1.0).rawScore())
                .isCloseTo(hit - p.fpWeight(), within(1e-12));
        double justAfter = after.scoreAtThreshold(p, 1.0).rawScore();
        assertThat(justAfter).isCloseTo(hit + NabSweep.scaledSigmoid(1.0 / 19) * p.fpWeight(),
                within(1e-12));
        assertThat(justAfter).isGreaterThan(before.scoreAtThreshold(p, 1.0).rawScore());
        assertThat(farAfter.scoreAtThreshold(p, 1.0).rawScore())
                .isCloseTo(hit - p.fpWeight(), within(1e-12));
        assertThat(after.scoreAtThreshold(p, 1.0).fp()).isEqualTo(1);
    }

    @Test
    void tiesKeepTheHigherThreshold() {
        NabCorpus c = oneWindow(200, 219);
        double[] s = new double[400];
        s[200] = 0.9; // earliest hit: the window's score is settled at threshold 0.9
        s[210] = 0.8; // later in the same window: lowering to 0.8 changes nothing
        s[50] = 0.1; // a false positive below both
        NabResults r = NabResults.of("t", c, Map.of("a/x.csv", s));
        NabScorer scorer = new NabScorer(c, r);
        NabProfile p = NabProfiles.STANDARD;
        assertThat(scorer.scoreAtThreshold(p, 0.8).rawScore())
                .isEqualTo(scorer.scoreAtThreshold(p, 0.9).rawScore());
        assertThat(scorer.optimalThreshold(p)).isEqualTo(0.9);
    }

    @Test
    void detectorThatOnlyRaisesFalseAlarmsKeepsTheNoDetectionThreshold() {
        NabCorpus c = oneWindow(200, 219);
        NabScore s = NabScorer.score(c, NabTestData.hits(c, 100, 300), NabProfiles.STANDARD);
        assertThat(s.threshold()).isEqualTo(NabScorer.NO_DETECTION_THRESHOLD);
        assertThat(s.normalizedScore()).isEqualTo(0.0);
    }

    @Test
    void probationaryRowsAreIgnored() {
        assertThat(NabDataFile.probationaryRows(100)).isEqualTo(15);
        assertThat(NabDataFile.probationaryRows(20)).isEqualTo(3);
        assertThat(NabDataFile.probationaryRows(10_000)).isEqualTo(750);
        NabCorpus c = oneWindow(200, 219);
        NabProfile p = NabProfiles.STANDARD;
        int prob = c.files().get(0).probationaryRows(); // 60
        NabScore clean = NabScorer.score(c, NabTestData.hits(c, 200), p);
        NabScore withProbationHits = NabScorer.score(c, NabTestData.hits(c, 200, 0, prob - 1), p);
        assertThat(withProbationHits.rawScore()).isEqualTo(clean.rawScore());
        assertThat(withProbationHits.fp()).isZero();
        NabScore firstScoredRow = NabScorer.score(c, NabTestData.hits(c, 200, prob), p);
        assertThat(firstScoredRow.fp()).isEqualTo(1);
        assertThat(firstScoredRow.rawScore()).isCloseTo(clean.rawScore() - p.fpWeight(),
                within(1e-12));
        long counted = clean.tp() + clean.tn() + clean.fp() + clean.fn();
        assertThat(counted).isEqualTo(400 - prob);
    }

    @Test
    void windowInsideTheProbationaryPeriodIsNotScored() {
        NabCorpus c = NabCorpus.of(List.of(NabTestData.file("a/x.csv", 400, new NabWindow(10, 19),
                new NabWindow(200, 219))));
        NabScore s = NabScorer.score(c, NabTestData.hits(c, 200), NabProfiles.STANDARD);
        assertThat(s.nullRawScore()).isEqualTo(-1.0);
        assertThat(s.file("a/x.csv").windowScores()).containsExactly(0.0, 1.0);
    }

    @Test
    void optimumMatchesBruteForceOverEveryCandidateThreshold() {
        NabCorpus c = corpus();
        Random rnd = new Random(42);
        Map<String, double[]> m = new HashMap<>();
        for (NabDataFile f : c.files()) {
            double[] s = new double[f.rows()];
            for (int i = 0; i < s.length; i++) {
                // Coarse scores, raised inside windows, give many ties and a real trade-off.
                double base = rnd.nextDouble() * (f.inWindow(i) ? 1.0 : 0.85);
                s[i] = Math.round(base * 50) / 50.0;
            }
            m.put(f.relativePath(), s);
        }
        NabScorer scorer = new NabScorer(c, results(c, m));
        TreeSet<Double> candidates = new TreeSet<>();
        candidates.add(NabScorer.NO_DETECTION_THRESHOLD);
        m.values().forEach(a -> { for (double v : a) candidates.add(v); });
        for (NabProfile p : NabProfiles.defaults()) {
            double chosen = scorer.optimalThreshold(p);
            assertThat(chosen).isLessThan(NabScorer.NO_DETECTION_THRESHOLD);
            double best = scorer.scoreAtThreshold(p, chosen).rawScore();
            List<Double> higher = new ArrayList<>();
            for (double t : candidates.descendingSet()) {
                double raw = scorer.scoreAtThreshold(p, t).rawScore();
                assertThat(raw).as("threshold %s, profile %s", t, p.name())
                        .isLessThanOrEqualTo(best + 1e-9);
                if (t > chosen) {
                    higher.add(raw);
                }
            }
            assertThat(higher).allSatisfy(raw -> assertThat(raw).isLessThan(best));
            assertThat(scorer.score(p).rawScore()).isEqualTo(best);
        }
    }
}

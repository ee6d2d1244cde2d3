package io.vaeanomaly.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.model.GaussianNoise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NAB runner's detector on a generated seasonal series with one injected spike. */
class NabDetectorTest {
    private static NabDataFile series(int n, int spikeAt) {
        GaussianNoise g = new GaussianNoise(4);
        List<String> ts = new ArrayList<>();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            ts.add(Integer.toString(i));
            v[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 96.0) + g.next();
        }
        v[spikeAt] += 25;
        return new NabDataFile(
                "synthetic/spike.csv", ts, v, List.of(new NabWindow(spikeAt - 20, spikeAt + 20)));
    }

    @Test
    void spikeGetsTheHighestScoreAndProbationScoresZero() {
        NabDataFile f = series(2000, 1500);
        double[] scores = NabDetector.run(f);
        assertThat(scores).hasSize(2000);
        for (int i = 0; i < f.probationaryRows(); i++) {
            assertThat(scores[i]).isZero();
        }
        int argmax = 0;
        for (int i = 0; i < scores.length; i++) {
            assertThat(scores[i]).isBetween(0.0, 1.0);
            if (scores[i] > scores[argmax]) {
                argmax = i;
            }
        }
        // The spike enters the shingle at 1500 and stays in it for SHINGLE rows.
        assertThat(argmax).isBetween(1500, 1500 + NabDetector.SHINGLE - 1);
        assertThat(scores[argmax]).isGreaterThan(0.9);
    }

    @Test
    void sameSeriesSameScores() {
        NabDataFile f = series(900, 700);
        assertThat(NabDetector.run(f)).containsExactly(NabDetector.run(f));
    }
}

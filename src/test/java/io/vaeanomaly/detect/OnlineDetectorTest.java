package io.vaeanomaly.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.train.TrainingRecipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineDetectorTest {
    private static final PpcaData SOURCE = new PpcaData(6, 2, 0.05, 11);

    private static DetectorSettings settings(java.util.function.IntFunction<VaeConfig> arch, TrainingRecipe recipe) {
        return new DetectorSettings(
                arch,
                recipe,
                new ScoringSettings(8, io.vaeanomaly.score.ScoreMode.LOG_MEAN_EXP, 2, 3),
                new ThresholdSettings(ThresholdSettings.Type.QUANTILE, 1e-3, 0.98, 0.995, -100),
                300,
                300,
                600,
                SampleBuffer.Strategy.SLIDING_WINDOW,
                5.0,
                1);
    }

    private static DetectorSettings small() {
        return settings(
                d -> VaeConfig.builder(d).hidden(16).latentDim(2).build(),
                // No epoch cap: the automatic budget rises until 400 steps fit (200 epochs of the
                // 240-row warm-up sample); an explicit maxEpochs would cap it.
                TrainingRecipe.defaults().toBuilder().minSteps(400).learningRate(5e-3).build());
    }

    @Test
    void warmUpThenScoresAndRetrainsOnSchedule() {
        OnlineDetector det = new OnlineDetector(small(), true);
        double[][] rows = SOURCE.sample(1000, 1);
        Detection[] out = det.process(rows);
        assertThat(Arrays.stream(out, 0, 300)).allMatch(d -> !d.scored());
        assertThat(Arrays.stream(out, 300, 1000)).allMatch(Detection::scored);
        List<ModelEvent> events = det.drainModelEvents();
        // Trainings at 300, 600 and 900 events.
        assertThat(events).hasSize(3);
        assertThat(events.get(0).outcome()).isEqualTo(ModelEvent.Outcome.INITIAL);
        assertThat(events.get(0).modelVersion()).isEqualTo(1);
        assertThat(det.modelVersion()).isEqualTo(1 + events.stream().skip(1).filter(e -> e.outcome() == ModelEvent.Outcome.PROMOTED).count());
        assertThat(out[299 + 1].modelVersion()).isEqualTo(1);
    }

    @Test
    void injectedOutliersAreFlaggedAndNormalRowsMostlyNot() {
        OnlineDetector det = new OnlineDetector(small(), true);
        det.process(SOURCE.sample(600, 1));
        double[][] test = SOURCE.sample(400, 2);
        for (int i = 0; i < test.length; i += 40) {
            test[i][3] += 3.0;
        }
        Detection[] out = det.process(test);
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i].anomaly()) {
                if (i % 40 == 0) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        assertThat(tp).isGreaterThanOrEqualTo(9);
        assertThat(fp).isLessThanOrEqualTo(12);
    }

    @Test
    void synchronousModeIsDeterministicAcrossBatchBoundaries() {
        double[][] rows = SOURCE.sample(700, 5);
        OnlineDetector a = new OnlineDetector(small(), true);
        OnlineDetector b = new OnlineDetector(small(), true);
        Detection[] whole = a.process(rows);
        Detection[] pieces = new Detection[rows.length];
        int[] cuts = {0, 1, 57, 299, 300, 301, 512, 700};
        for (int c = 0; c + 1 < cuts.length; c++) {
            Detection[] part = b.process(Arrays.copyOfRange(rows, cuts[c], cuts[c + 1]));
            System.arraycopy(part, 0, pieces, cuts[c], part.length);
        }
        for (int i = 0; i < rows.length; i++) {
            assertThat(Double.doubleToLongBits(pieces[i].logProb()))
                    .as("row %d", i)
                    .isEqualTo(Double.doubleToLongBits(whole[i].logProb()));
            assertThat(pieces[i].modelVersion()).isEqualTo(whole[i].modelVersion());
        }
    }

    @Test
    void collapsedChallengerIsRejectedAndTheChampionKeepsScoring() {
        // Champion from the normal architecture; the challenger's architecture has a fixed,
        // huge decoder sigma and the plain recipe, which collapses (see PosteriorCollapseTest).
        OnlineDetector det = new OnlineDetector(small(), true);
        det.process(SOURCE.sample(300, 1));
        assertThat(det.modelVersion()).isEqualTo(1);
        DetectorModel champion = det.champion().orElseThrow();
        ChallengerTrainer collapsing =
                new ChallengerTrainer(
                        settings(
                                d -> VaeConfig.builder(d).hidden(16).latentDim(2)
                                        .decoderVariance(DecoderVariance.FIXED).fixedSigma(50).build(),
                                TrainingRecipe.plain().toBuilder().maxEpochs(40).build()));
        ChallengerTrainer.Outcome outcome = collapsing.train(SOURCE.sample(2000, 3), 1, 0);
        assertThat(outcome.challenger()).isEmpty();
        ModelEvent ev = det.complete(outcome);
        assertThat(ev.outcome()).isEqualTo(ModelEvent.Outcome.REJECTED);
        assertThat(ev.reason()).contains("collapsed");
        assertThat(det.champion().orElseThrow()).isSameAs(champion);
        assertThat(det.process(SOURCE.sample(5, 4))).allMatch(d -> d.scored() && d.modelVersion() == 1);
    }

    @Test
    void asynchronousModeHandsOutOneTaskAtATime() {
        OnlineDetector det = new OnlineDetector(small(), false);
        det.process(SOURCE.sample(350, 1));
        var task = det.pollTrainingTask();
        assertThat(task).isPresent();
        assertThat(det.pollTrainingTask()).isEmpty();
        // Events keep flowing (unscored) while the task runs elsewhere.
        assertThat(det.process(SOURCE.sample(10, 2))).allMatch(d -> !d.scored());
        ModelEvent ev = det.complete(task.get().run());
        assertThat(ev.outcome()).isEqualTo(ModelEvent.Outcome.INITIAL);
        assertThat(det.process(SOURCE.sample(10, 3))).allMatch(Detection::scored);
    }

    @Test
    void snapshotAndRestoreKeepTheModelVersionAndScores() throws Exception {
        OnlineDetector det = new OnlineDetector(small(), true);
        det.process(SOURCE.sample(400, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        det.writeTo(new DataOutputStream(bytes));
        OnlineDetector back =
                OnlineDetector.readFrom(
                        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), small(), true);
        assertThat(back.modelVersion()).isEqualTo(det.modelVersion());
        assertThat(back.eventsSeen()).isEqualTo(det.eventsSeen());
        double[][] next = SOURCE.sample(250, 9);
        Detection[] a = det.process(next);
        Detection[] b = back.process(next);
        for (int i = 0; i < next.length; i++) {
            assertThat(b[i].logProb()).isEqualTo(a[i].logProb());
            assertThat(b[i].anomaly()).isEqualTo(a[i].anomaly());
        }
    }
}

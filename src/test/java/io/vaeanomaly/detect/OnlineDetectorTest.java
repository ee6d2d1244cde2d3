package io.vaeanomaly.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.persist.DetectorStateMapper;
import io.vaeanomaly.testdata.PpcaData;
import io.vaeanomaly.train.TrainingRecipe;
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
        OnlineDetector back =
                DetectorStateMapper.fromBytes(DetectorStateMapper.toBytes(det), small(), true);
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

    @Test
    void pinnedFeatureNamesTravelWithEveryPromotedModelAndTheState() throws Exception {
        OnlineDetector det = new OnlineDetector(small(), true);
        List<String> names = List.of("f0", "f1", "f2", "f3", "f4", "f5");
        assertThat(det.featureNames()).isEmpty();
        assertThat(det.admitFeatureNames(names)).isTrue();
        assertThat(det.admitFeatureNames(names)).isTrue();
        assertThat(det.admitFeatureNames(List.of("f1", "f0", "f2", "f3", "f4", "f5")))
                .as("same names, other order").isFalse();
        assertThat(det.admitFeatureNames(List.of("g0", "g1", "g2", "g3", "g4", "g5"))).isFalse();

        det.process(SOURCE.sample(400, 1));
        assertThat(det.champion().orElseThrow().featureNames()).isEqualTo(names);

        OnlineDetector back = DetectorStateMapper.fromBytes(
                DetectorStateMapper.toBytes(det), small(), true);
        assertThat(back.featureNames()).isEqualTo(names);
        assertThat(back.champion().orElseThrow().featureNames()).isEqualTo(names);
        assertThat(back.admitFeatureNames(List.of("g0", "g1", "g2", "g3", "g4", "g5"))).isFalse();
    }

    @Test
    void aShingledModelNamesEveryStepOfItsWindow() {
        DetectorSettings s = small();
        DetectorSettings shingled = new DetectorSettings(s.architecture(), s.recipe(),
                s.scoring(), s.threshold(), 300, 0, 600, s.sampleStrategy(),
                s.promotionTolerance(), 2);
        OnlineDetector det = new OnlineDetector(shingled, true);
        det.admitFeatureNames(List.of("a", "b", "c", "d", "e", "f"));
        det.process(SOURCE.sample(400, 1));
        assertThat(det.champion().orElseThrow().featureNames()).containsExactly(
                "a[t-1]", "b[t-1]", "c[t-1]", "d[t-1]", "e[t-1]", "f[t-1]",
                "a", "b", "c", "d", "e", "f");
    }

    /** Provenance and model events say when the model became available, not when it began. */
    @Test
    void trainingTimeIsReadWhenTrainingHasFinished() {
        int[] epochsWhenRead = {-1};
        int[] epochs = {0};
        ChallengerTrainer.Outcome outcome = new ChallengerTrainer(small()).train(
                SOURCE.sample(300, 5), 1,
                () -> {
                    epochsWhenRead[0] = epochs[0];
                    return 1_234_567L;
                },
                (run, max, e) -> epochs[0]++);
        assertThat(epochs[0]).isPositive();
        assertThat(epochsWhenRead[0]).as("epochs trained before the clock was read")
                .isEqualTo(epochs[0]);
        assertThat(outcome.finishedAtMs()).isEqualTo(1_234_567L);
        assertThat(outcome.challenger().orElseThrow().provenance().trainedAtMs())
                .isEqualTo(1_234_567L);

        OnlineDetector det = new OnlineDetector(small(), false);
        det.process(SOURCE.sample(350, 1));
        var task = det.pollTrainingTask().orElseThrow();
        long before = System.currentTimeMillis();
        ModelEvent ev = det.complete(task.run());
        assertThat(ev.trainedAtMs()).as("at least the training's own duration after it began")
                .isGreaterThanOrEqualTo(before + (long) Math.floor(ev.seconds() * 1000) - 1)
                .isLessThanOrEqualTo(System.currentTimeMillis());
    }

    /** Like {@link #small()}, but retraining by event count is off. */
    private static DetectorSettings noCountRetraining() {
        DetectorSettings s = small();
        return new DetectorSettings(s.architecture(), s.recipe(), s.scoring(), s.threshold(),
                s.warmupEvents(), 0, s.sampleSize(), s.sampleStrategy(),
                s.promotionTolerance(), s.shingleSize());
    }

    @Test
    void aRequestedTrainingRunsAtTheNextStepWhateverTheEventCount() {
        OnlineDetector sync = new OnlineDetector(noCountRetraining(), true);
        sync.requestTraining(); // before the first model: the warm-up decides
        sync.process(SOURCE.sample(350, 1));
        assertThat(sync.drainModelEvents()).hasSize(1);
        sync.process(new double[0][]);
        assertThat(sync.drainModelEvents()).as("no count trigger, no request").isEmpty();
        sync.requestTraining();
        sync.process(new double[0][]);
        assertThat(sync.drainModelEvents()).hasSize(1);
        sync.process(SOURCE.sample(5, 2));
        assertThat(sync.drainModelEvents()).as("the request was used up").isEmpty();

        OnlineDetector async = new OnlineDetector(noCountRetraining(), false);
        async.process(SOURCE.sample(300, 3));
        async.complete(async.pollTrainingTask().orElseThrow().run());
        assertThat(async.pollTrainingTask()).isEmpty();
        async.requestTraining();
        OnlineDetector.TrainingTask task = async.pollTrainingTask().orElseThrow();
        async.requestTraining(); // while one is in flight: kept for after it
        assertThat(async.pollTrainingTask()).isEmpty();
        async.complete(task.run());
        assertThat(async.pollTrainingTask()).isPresent();
    }
}

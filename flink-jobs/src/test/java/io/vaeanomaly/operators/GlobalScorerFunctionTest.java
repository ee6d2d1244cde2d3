package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.job.DetectorSettingsFactory;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The global scorer: buffering before the first broadcast model, adoption, restore. */
class GlobalScorerFunctionTest {
    private static final JobConfig CONFIG = TestConfigs.small();
    private static DetectorModel model;

    @BeforeAll
    static void trainModel() {
        StreamData data = new StreamData(11);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = data.normal();
        }
        model = new ChallengerTrainer(DetectorSettingsFactory.settings(CONFIG))
                .train(rows, 1, 0).challenger().orElseThrow();
    }

    private static BroadcastOperatorTestHarness<Event, ModelUpdate, AnomalyRecord> harness()
            throws Exception {
        var op = new CoBroadcastWithNonKeyedOperator<>(new GlobalScorerFunction(CONFIG),
                List.of(GlobalScorerFunction.MODEL_STATE));
        var h = new BroadcastOperatorTestHarness<>(op, 1, 1, 0);
        h.setup();
        return h;
    }

    @Test
    void holdsEventsUntilTheFirstModelThenScoresThemInOrder() throws Exception {
        var h = harness();
        h.open();
        StreamData data = new StreamData(12);
        for (int i = 0; i < 20; i++) {
            h.processElement(new StreamRecord<>(StreamData.event("h" + i, i, data.normal())));
        }
        assertThat(h.extractOutputValues()).isEmpty();
        h.processBroadcastElement(new StreamRecord<>(ModelUpdate.of(model.withVersion(1))));
        h.processElement(new StreamRecord<>(StreamData.event("x", 20, StreamData.anomaly())));

        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(21);
        assertThat(out).extracting(r -> r.source().offset())
                .containsExactly(java.util.stream.LongStream.range(0, 21).boxed()
                        .toArray(Long[]::new));
        assertThat(out).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
        assertThat(out.get(20).isAnomaly()).isTrue();
        h.close();
    }

    @Test
    void restoreKeepsTheModelVersionAndOlderUpdatesAreIgnored() throws Exception {
        var h = harness();
        h.open();
        h.processBroadcastElement(new StreamRecord<>(ModelUpdate.of(model.withVersion(2))));
        h.processBroadcastElement(new StreamRecord<>(ModelUpdate.of(model.withVersion(1))));
        h.processElement(new StreamRecord<>(StreamData.event("a", 0, new StreamData(13).normal())));
        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(r -> assertThat(r.modelVersion()).isEqualTo(2));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness();
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(
                new StreamRecord<>(StreamData.event("a", 1, new StreamData(14).normal())));
        assertThat(restored.extractOutputValues()).singleElement()
                .satisfies(r -> assertThat(r.modelVersion()).isEqualTo(2));
        restored.close();
    }

    @Test
    void passThroughForwardsUnscoredEventsBeforeTheFirstModel() throws Exception {
        JobConfig config = TestConfigs.small("training.before-first-model=pass-through");
        var op = new CoBroadcastWithNonKeyedOperator<>(new GlobalScorerFunction(config),
                List.of(GlobalScorerFunction.MODEL_STATE));
        var h = new BroadcastOperatorTestHarness<>(op, 1, 1, 0);
        h.setup();
        h.open();
        h.processElement(new StreamRecord<>(StreamData.event("a", 0, new StreamData(15).normal())));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.getSideOutput(OutputTags.UNSCORED)).hasSize(1);
        h.close();
    }
}

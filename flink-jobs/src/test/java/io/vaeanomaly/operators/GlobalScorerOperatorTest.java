package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.FeatureSchema;
import io.vaeanomaly.serde.SourcePosition;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The global scorer: held events before the first model, adoption, batches, restore. */
class GlobalScorerOperatorTest {
    private static final JobConfig CONFIG = TestConfigs.small();
    private static DetectorModel model;
    private long clock;

    @BeforeAll
    static void trainModel() {
        StreamData data = new StreamData(11);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = data.normal();
        }
        model = new ChallengerTrainer(CONFIG.detector().settings())
                .train(rows, 1, 0).challenger().orElseThrow();
    }

    private static TwoInputStreamOperatorTestHarness<Event, ModelUpdate, AnomalyRecord> harness(
            JobConfig config) throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(
                new GlobalScorerOperator(config.training()));
        h.setup();
        return h;
    }

    private void settle(TwoInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
        clock += 1000;
        h.setProcessingTime(clock);
    }

    @Test
    void holdsEventsUntilTheFirstModelThenScoresThemInOrder() throws Exception {
        var h = harness(CONFIG);
        h.open();
        StreamData data = new StreamData(12);
        for (int i = 0; i < 20; i++) {
            h.processElement1(new StreamRecord<>(StreamData.event("h" + i, i, data.normal())));
        }
        assertThat(h.extractOutputValues()).isEmpty();
        h.processElement2(new StreamRecord<>(ModelUpdate.of(model.withVersion(1))));
        assertThat(h.extractOutputValues()).hasSize(20);
        h.processElement1(new StreamRecord<>(StreamData.event("x", 20, StreamData.anomaly())));
        settle(h);

        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).extracting(r -> r.source().offset())
                .containsExactly(LongStream.range(0, 21).boxed().toArray(Long[]::new));
        assertThat(out).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
        assertThat(out.get(20).isAnomaly()).isTrue();
        h.close();
    }

    @Test
    void eventsBeforeAnUpdateAreScoredByTheOldModel() throws Exception {
        var h = harness(CONFIG);
        h.open();
        h.processElement2(new StreamRecord<>(ModelUpdate.of(model.withVersion(1))));
        StreamData data = new StreamData(16);
        for (int i = 0; i < 3; i++) {
            h.processElement1(new StreamRecord<>(StreamData.event("a", i, data.normal())));
        }
        h.processElement2(new StreamRecord<>(ModelUpdate.of(model.withVersion(2))));
        h.processElement1(new StreamRecord<>(StreamData.event("a", 3, data.normal())));
        h.prepareSnapshotPreBarrier(1);
        assertThat(h.extractOutputValues()).extracting(AnomalyRecord::modelVersion)
                .containsExactly(1L, 1L, 1L, 2L);
        h.close();
    }

    @Test
    void restoreKeepsTheModelVersionAndOlderUpdatesAreIgnored() throws Exception {
        var h = harness(CONFIG);
        h.open();
        h.processElement2(new StreamRecord<>(ModelUpdate.of(model.withVersion(2))));
        h.processElement2(new StreamRecord<>(ModelUpdate.of(model.withVersion(1))));
        h.processElement1(
                new StreamRecord<>(StreamData.event("a", 0, new StreamData(13).normal())));
        settle(h);
        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(r -> assertThat(r.modelVersion()).isEqualTo(2));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(CONFIG);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement1(
                new StreamRecord<>(StreamData.event("a", 1, new StreamData(14).normal())));
        settle(restored);
        assertThat(restored.extractOutputValues()).singleElement()
                .satisfies(r -> assertThat(r.modelVersion()).isEqualTo(2));
        restored.close();
    }

    @Test
    void passThroughForwardsUnscoredEventsBeforeTheFirstModel() throws Exception {
        var h = harness(TestConfigs.small("training.before-first-model=pass-through"));
        h.open();
        h.processElement1(
                new StreamRecord<>(StreamData.event("a", 0, new StreamData(15).normal())));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.getSideOutput(OutputTags.UNSCORED)).hasSize(1);
        h.close();
    }

    @Test
    void heldEventsWithoutAnyModelAreForwardedWhenBothInputsEnd() throws Exception {
        var h = harness(CONFIG);
        h.open();
        h.processElement1(
                new StreamRecord<>(StreamData.event("a", 0, new StreamData(17).normal())));
        h.endInput1();
        assertThat(h.getSideOutput(OutputTags.UNSCORED)).isNull();
        h.endInput2();
        assertThat(h.getSideOutput(OutputTags.UNSCORED)).hasSize(1);
        h.close();
    }

    @Test
    void eventsWhoseFeatureNamesDifferFromTheModelsAreDeadLettered() throws Exception {
        var h = harness(CONFIG);
        h.open();
        DetectorModel named = model.withVersion(1).withFeatureNames(StreamData.FEATURES);
        h.processElement2(new StreamRecord<>(ModelUpdate.of(named)));
        StreamData data = new StreamData(18);
        h.processElement1(new StreamRecord<>(StreamData.event("a", 0, data.normal())));
        Event renamed = new Event("a", 1, data.normal(),
                new FeatureSchema(List.of("cpu", "mem", "disk", "gpu")),
                new SourcePosition("events", 0, 1), "{}".getBytes());
        h.processElement1(new StreamRecord<>(renamed));
        h.prepareSnapshotPreBarrier(1);

        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(r -> assertThat(r.source().offset()).isZero());
        assertThat(h.getSideOutput(OutputTags.DEAD_LETTERS)).singleElement().satisfies(r -> {
            DeadLetterRecord d = r.getValue();
            assertThat(d.errorType()).isEqualTo(RecordMapper.FEATURE_MISMATCH);
            assertThat(d.field()).isEqualTo("gpu");
            assertThat(d.source().offset()).isEqualTo(1);
        });
        h.close();
    }

    @Test
    void unscoredEventsCarryTheirReason() throws Exception {
        var h = harness(TestConfigs.small("training.before-first-model=pass-through"));
        h.open();
        h.processElement1(
                new StreamRecord<>(StreamData.event("a", 0, new StreamData(19).normal())));
        assertThat(h.getSideOutput(OutputTags.UNSCORED)).singleElement().satisfies(r ->
                assertThat(r.getValue().unscored()).isEqualTo(AnomalyRecord.Unscored.NO_MODEL));
        h.close();

        var full = harness(TestConfigs.small("training.warmup-events=10",
                "training.sample-size=10", "training.max-buffered-events=10"));
        full.open();
        StreamData data = new StreamData(20);
        for (int i = 0; i < 11; i++) {
            full.processElement1(new StreamRecord<>(StreamData.event("a", i, data.normal())));
        }
        assertThat(full.getSideOutput(OutputTags.UNSCORED)).singleElement().satisfies(r ->
                assertThat(r.getValue().unscored())
                        .isEqualTo(AnomalyRecord.Unscored.BUFFER_FULL));
        full.close();
    }
}

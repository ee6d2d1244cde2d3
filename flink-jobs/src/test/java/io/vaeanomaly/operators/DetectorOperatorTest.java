package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.Event;
import io.vaeanomaly.serde.ModelEventRecord;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The keyed detector operator in a Flink test harness: state, timers, outputs. */
class DetectorOperatorTest {
    private long clock;

    /** Advances processing time past every batch timer: pending batches are scored. */
    private void settle(KeyedOneInputStreamOperatorTestHarness<String, Event, AnomalyRecord> h)
            throws Exception {
        clock += 1000;
        h.setProcessingTime(clock);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, AnomalyRecord> harness(
            DetectorOperator op) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, Event::key, Types.STRING);
        h.setup();
        return h;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, Event, AnomalyRecord> h,
            String key, StreamData data, long fromOffset, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            h.processElement(new StreamRecord<>(
                    StreamData.event(key, fromOffset + i, data.normal())));
        }
    }

    private static <X> List<X> side(
            KeyedOneInputStreamOperatorTestHarness<String, Event, AnomalyRecord> h,
            org.apache.flink.util.OutputTag<X> tag) {
        var q = h.getSideOutput(tag);
        return q == null ? List.of()
                : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void synchronousModeBuffersTheWarmupThenScoresEveryEventInOrder() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(1);
        feed(h, "a", data, 0, 250);
        h.processElement(new StreamRecord<>(StreamData.event("a", 250, StreamData.anomaly())));
        settle(h);

        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(251);
        assertThat(out).extracting(r -> r.source().offset())
                .containsExactly(java.util.stream.LongStream.range(0, 251).boxed()
                        .toArray(Long[]::new));
        assertThat(out).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
        AnomalyRecord injected = out.get(250);
        assertThat(injected.isAnomaly()).isTrue();
        assertThat(injected.topFeatures()).isNotEmpty();
        long flagged = out.subList(0, 250).stream().filter(AnomalyRecord::isAnomaly).count();
        assertThat(flagged).as("normal events flagged").isLessThan(25);

        List<ModelEventRecord> events = side(h, OutputTags.MODEL_EVENTS);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).outcome()).isEqualTo(ModelEventRecord.Outcome.INITIAL);
        assertThat(events.get(0).trainedAtMs()).isZero();
        assertThat(events.get(0).seconds()).isZero();
        assertThat(side(h, OutputTags.UNSCORED)).isEmpty();
        h.close();
    }

    @Test
    void snapshotAndRestoreKeepTheModelAndItsVersion() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(2);
        feed(h, "a", data, 0, 450); // first model at 200, retraining at 400
        settle(h);
        long versionBefore = h.extractOutputValues().get(449).modelVersion();
        assertThat(versionBefore).isGreaterThanOrEqualTo(1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        AnomalyRecord next = scoreOneMore(h, 450);
        h.close();

        var restored = harness(DetectorOperator.scorer(config.detector()));
        restored.initializeState(snapshot);
        restored.open();
        AnomalyRecord afterRestore = scoreOneMore(restored, 450);
        assertThat(afterRestore.modelVersion()).isEqualTo(versionBefore);
        // Same model, same threshold state, same event: the same decision, bit for bit.
        assertThat(afterRestore).isEqualTo(next);
        assertThat(side(restored, OutputTags.MODEL_EVENTS)).isEmpty();
        restored.close();
    }

    private AnomalyRecord scoreOneMore(
            KeyedOneInputStreamOperatorTestHarness<String, Event, AnomalyRecord> h, long offset)
            throws Exception {
        int before = h.extractOutputValues().size();
        h.processElement(new StreamRecord<>(
                StreamData.event("a", offset, new StreamData(99).normal())));
        settle(h);
        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        return out.get(before);
    }

    @Test
    void keysHaveIndependentModels() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(3);
        feed(h, "a", data, 0, 200);
        feed(h, "b", data, 1000, 150);
        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(200).allSatisfy(r -> assertThat(r.key()).isEqualTo("a"));
        List<ModelEventRecord> events = side(h, OutputTags.MODEL_EVENTS);
        assertThat(events).extracting(ModelEventRecord::key).containsExactly("a");
        assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
        h.close();
    }

    @Test
    void eventsOfAnotherDimensionAreDeadLettered() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        h.processElement(new StreamRecord<>(StreamData.event("a", 0, new StreamData(4).normal())));
        Event threeFeatures = new Event("a", 1, new double[] {1, 2, 3},
                new io.vaeanomaly.serde.FeatureSchema(List.of("x", "y", "z")),
                new io.vaeanomaly.serde.SourcePosition("events", 0, 1), "{}".getBytes());
        h.processElement(new StreamRecord<>(threeFeatures));
        List<DeadLetterRecord> dead = side(h, OutputTags.DEAD_LETTERS);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).errorType()).isEqualTo(RecordMapper.WRONG_DIMENSION);
        assertThat(dead.get(0).reason()).contains("3 features").contains("takes 4");
        h.close();
    }

    @Test
    void asynchronousTrainingHandsTheModelBackThroughProcessingTimeAndScoresTheBuffer()
            throws Exception {
        JobConfig config = TestConfigs.small("training.async=true");
        DetectorOperator op = DetectorOperator.scorer(config.detector());
        var h = harness(op);
        h.open();
        StreamData data = new StreamData(5);
        feed(h, "a", data, 0, 230); // training starts at 200 on the executor; all held
        assertThat(h.extractOutputValues()).isEmpty();

        assertThat(op.awaitTrainings(Duration.ofSeconds(60))).as("training finished").isTrue();
        assertThat(h.extractOutputValues()).as("applied only on the task thread").isEmpty();
        clock += DetectorOperator.POLL_INTERVAL_MS;
        h.setProcessingTime(clock);
        List<AnomalyRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(230);
        assertThat(out).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
        List<ModelEventRecord> events = side(h, OutputTags.MODEL_EVENTS);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).trainedAtMs()).isPositive();
        feed(h, "a", data, 230, 5);
        settle(h);
        assertThat(h.extractOutputValues()).hasSize(235);
        h.close();
    }

    @Test
    void retrainIntervalRetrainsOnProcessingTimeAndItsTimerSurvivesARestore() throws Exception {
        JobConfig config = TestConfigs.small("training.async=false",
                "training.retrain-every-events=0", "training.retrain-interval=1m",
                "training.promotion-tolerance=100");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(10);
        feed(h, "a", data, 0, 200); // the first model, at the current processing time
        feed(h, "a", data, 200, 300);
        settle(h);
        assertThat(side(h, OutputTags.MODEL_EVENTS)).as("no retraining by count").hasSize(1);

        clock += 60_000;
        h.setProcessingTime(clock);
        List<ModelEventRecord> events = side(h, OutputTags.MODEL_EVENTS);
        assertThat(events).hasSize(2);
        assertThat(events.get(1).outcome()).isEqualTo(ModelEventRecord.Outcome.PROMOTED);
        assertThat(events.get(1).modelVersion()).isEqualTo(2);
        clock += 30_000;
        h.setProcessingTime(clock);
        assertThat(side(h, OutputTags.MODEL_EVENTS)).as("half an interval later").hasSize(2);
        OperatorSubtaskState snapshot = h.snapshot(1, clock);
        h.close();

        var restored = harness(DetectorOperator.scorer(config.detector()));
        restored.setProcessingTime(clock);
        restored.initializeState(snapshot);
        restored.open();
        restored.setProcessingTime(clock + 30_000); // one interval after the last training
        List<ModelEventRecord> after = side(restored, OutputTags.MODEL_EVENTS);
        assertThat(after).hasSize(1);
        assertThat(after.get(0).modelVersion()).isEqualTo(3);
        restored.close();
    }

    @Test
    void passThroughForwardsEventsBeforeTheFirstModelUnscored() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false",
                "training.before-first-model=pass-through");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        feed(h, "a", new StreamData(6), 0, 210);
        settle(h);
        List<AnomalyRecord> unscored = side(h, OutputTags.UNSCORED);
        assertThat(unscored).hasSize(200).allSatisfy(r -> {
            assertThat(r.scored()).isFalse();
            assertThat(r.unscored()).isEqualTo(AnomalyRecord.Unscored.NO_MODEL);
        });
        assertThat(h.extractOutputValues()).hasSize(10);
        h.close();
    }

    @Test
    void aFullWarmUpBufferForwardsTheOverflowAsBufferFull() throws Exception {
        JobConfig config = TestConfigs.small("training.warmup-events=300",
                "training.sample-size=300", "training.max-buffered-events=300",
                "training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(8);
        feed(h, "a", data, 0, 200);
        feed(h, "b", data, 1000, 150); // the operator holds at most 300 events over its keys
        List<AnomalyRecord> unscored = side(h, OutputTags.UNSCORED);
        assertThat(unscored).hasSize(50).allSatisfy(r ->
                assertThat(r.unscored()).isEqualTo(AnomalyRecord.Unscored.BUFFER_FULL));
        h.close();
    }

    @Test
    void eventsWithOtherFeatureNamesThanTheKeysFirstEventAreDeadLettered() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(9);
        feed(h, "a", data, 0, 210); // pins [cpu, mem, disk, net]; model at 200
        io.vaeanomaly.serde.FeatureSchema reordered =
                new io.vaeanomaly.serde.FeatureSchema(List.of("mem", "cpu", "disk", "net"));
        Event swapped = new Event("a", 5, data.normal(), reordered,
                new io.vaeanomaly.serde.SourcePosition("events", 0, 300), "{}".getBytes());
        h.processElement(new StreamRecord<>(swapped));
        settle(h);

        List<DeadLetterRecord> dead = side(h, OutputTags.DEAD_LETTERS);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.errorType()).isEqualTo(RecordMapper.FEATURE_MISMATCH);
            assertThat(d.field()).isEqualTo("mem");
            assertThat(d.reason()).contains("[mem, cpu, disk, net]")
                    .contains("[cpu, mem, disk, net]");
            assertThat(d.source().offset()).isEqualTo(300);
        });
        assertThat(h.extractOutputValues()).hasSize(210);
        h.close();
    }

    @Test
    void modelEventsCarryTheJobIdExceptInDeterministicMode() throws Exception {
        var h = harness(DetectorOperator.scorer(TestConfigs.small(
                "training.deterministic=true", "training.async=false").detector()));
        h.open();
        feed(h, "a", new StreamData(10), 0, 200);
        assertThat(side(h, OutputTags.MODEL_EVENTS)).singleElement()
                .satisfies(e -> assertThat(e.jobId()).isNull());
        h.close();

        var async = harness(DetectorOperator.scorer(TestConfigs.small(
                "training.deterministic=false", "training.async=false").detector()));
        async.open();
        feed(async, "a", new StreamData(10), 0, 200);
        String expected = async.getEnvironment().getJobID().toHexString();
        assertThat(side(async, OutputTags.MODEL_EVENTS)).singleElement().satisfies(e -> {
            assertThat(e.jobId()).isEqualTo(expected).matches("[0-9a-f]{32}");
            assertThat(e.trainedAtMs()).isPositive();
        });
        async.close();
    }

    @Test
    void endOfInputForwardsEventsThatNeverGotAModel() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        feed(h, "a", new StreamData(7), 0, 50);
        assertThat(h.extractOutputValues()).isEmpty();
        h.endInput();
        assertThat(side(h, OutputTags.UNSCORED)).hasSize(50).allSatisfy(r ->
                assertThat(r.unscored()).isEqualTo(AnomalyRecord.Unscored.NO_MODEL));
        h.close();
    }

    @Test
    void batchesAreScoredWhenFullOnTheTimerAndBeforeACheckpointBarrier() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        var h = harness(DetectorOperator.scorer(config.detector()));
        h.open();
        StreamData data = new StreamData(8);
        feed(h, "a", data, 0, 200); // the first model: every event so far is out
        assertThat(h.extractOutputValues()).hasSize(200);
        feed(h, "a", data, 200, MicroBatcher.MAX_BATCH - 1);
        assertThat(h.extractOutputValues()).as("batch not full yet").hasSize(200);
        feed(h, "a", data, 200 + MicroBatcher.MAX_BATCH - 1, 1);
        assertThat(h.extractOutputValues()).hasSize(200 + MicroBatcher.MAX_BATCH);
        feed(h, "a", data, 200 + MicroBatcher.MAX_BATCH, 3);
        h.prepareSnapshotPreBarrier(1);
        assertThat(h.extractOutputValues()).hasSize(203 + MicroBatcher.MAX_BATCH);
        feed(h, "a", data, 203 + MicroBatcher.MAX_BATCH, 2);
        clock += MicroBatcher.MAX_BATCH_DELAY_MS;
        h.setProcessingTime(clock);
        assertThat(h.extractOutputValues()).hasSize(205 + MicroBatcher.MAX_BATCH);
        h.close();
    }

    @Test
    void scoresDoNotDependOnBatchBoundaries() throws Exception {
        JobConfig config = TestConfigs.small("training.deterministic=true", "training.async=false");
        List<List<AnomalyRecord>> runs = new java.util.ArrayList<>();
        for (int flushEvery : new int[] {1, 7, 1000}) {
            var h = harness(DetectorOperator.scorer(config.detector()));
            h.open();
            StreamData data = new StreamData(9);
            for (int i = 0; i < 500; i++) {
                h.processElement(new StreamRecord<>(StreamData.event("a", i, data.normal())));
                if (i % flushEvery == 0) {
                    settle(h);
                }
            }
            settle(h);
            runs.add(h.extractOutputValues());
            h.close();
        }
        assertThat(runs.get(0)).hasSize(500);
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(2)).isEqualTo(runs.get(0));
    }
}

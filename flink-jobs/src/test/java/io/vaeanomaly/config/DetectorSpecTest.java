package io.vaeanomaly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.train.KlSchedule;
import io.vaeanomaly.train.TrainingRecipe;
import org.junit.jupiter.api.Test;

/**
 * The configuration bound to the core: every option reaches the core's settings, every value of
 * the core's enums is accepted, and the defaults are the core's.
 */
class DetectorSpecTest {

    @Test
    void mapsEveryModelTrainingAndThresholdOption() {
        JobConfig config = TestConfigs.small(
                "model.scope=per-key",
                "model.encoder-hidden=[32,8]",
                "model.decoder-hidden=[8]",
                "model.latent-dim=3",
                "model.activation=relu",
                "model.decoder-variance=per-feature",
                "model.sigma-min=0.1",
                "model.fixed-sigma=0.7",
                "model.score-samples=4",
                "model.score-mode=mean-log",
                "model.top-k=2",
                "model.shingle-size=2",
                "training.warmup-events=300",
                "training.retrain-every-events=1000",
                "training.sample-size=400",
                "training.sample-strategy=sliding-window",
                "training.epochs=7",
                "training.min-steps=77",
                "training.batch-size=16",
                "training.learning-rate=0.005",
                "training.kl-schedule=monotonic",
                "training.kl-warmup-epochs=3",
                "training.free-bits=0.2",
                "training.restarts=2",
                "training.early-stopping-patience=3",
                "training.heldout-fraction=0.25",
                "training.seed=9",
                "training.promotion-tolerance=0.7",
                "threshold.type=quantile",
                "threshold.quantile=0.95");
        DetectorSettings s = config.detector().settings();

        VaeConfig vae = s.architecture().apply(6);
        assertThat(vae.inputDim()).isEqualTo(6);
        assertThat(vae.encoderHidden()).containsExactly(32, 8);
        assertThat(vae.decoderHidden()).containsExactly(8);
        assertThat(vae.latentDim()).isEqualTo(3);
        assertThat(vae.activation()).isEqualTo(Activation.RELU);
        assertThat(vae.decoderVariance()).isEqualTo(DecoderVariance.PER_FEATURE);
        assertThat(vae.sigmaMin()).isEqualTo(0.1);
        assertThat(vae.fixedSigma()).isEqualTo(0.7);

        TrainingRecipe r = s.recipe();
        assertThat(r.maxEpochs()).isEqualTo(7);
        assertThat(r.minSteps()).isEqualTo(77);
        assertThat(r.batchSize()).isEqualTo(16);
        assertThat(r.learningRate()).isEqualTo(0.005);
        assertThat(r.klSchedule()).isEqualTo(KlSchedule.monotonic(3));
        assertThat(r.freeBits()).isEqualTo(0.2);
        assertThat(r.restarts()).isEqualTo(2);
        assertThat(r.earlyStoppingPatience()).isEqualTo(3);
        assertThat(r.heldoutFraction()).isEqualTo(0.25);
        assertThat(r.seed()).isEqualTo(9);

        assertThat(s.scoring().samples()).isEqualTo(4);
        assertThat(s.scoring().mode()).isEqualTo(ScoreMode.MEAN_LOG);
        assertThat(s.scoring().topK()).isEqualTo(2);
        assertThat(s.threshold().type()).isEqualTo(ThresholdSettings.Type.QUANTILE);
        assertThat(s.threshold().quantile()).isEqualTo(0.95);
        assertThat(s.warmupEvents()).isEqualTo(300);
        assertThat(s.retrainEveryEvents()).isEqualTo(1000);
        assertThat(s.sampleSize()).isEqualTo(400);
        assertThat(s.sampleStrategy()).isEqualTo(SampleBuffer.Strategy.SLIDING_WINDOW);
        assertThat(s.promotionTolerance()).isEqualTo(0.7);
        assertThat(s.shingleSize()).isEqualTo(2);
    }

    @Test
    void klScheduleParametersReachTheCore() {
        JobConfig config = TestConfigs.small("training.kl-cycles=3", "training.kl-ratio=0.25",
                "training.kl-schedule=cyclical");
        assertThat(config.detector().settings().recipe().klSchedule())
                .isEqualTo(KlSchedule.cyclical(3, 0.25));
        assertThat(TestConfigs.small("training.kl-schedule=none").training().schedule())
                .isEqualTo(KlSchedule.none());
    }

    @Test
    void everyValueOfTheCoresEnumsIsAcceptedAndReachesTheCore() {
        for (Activation a : Activation.values()) {
            DetectorSettings s = settings("model.activation=" + ValueTypes.kebab(a));
            assertThat(s.architecture().apply(4).activation()).isEqualTo(a);
        }
        for (DecoderVariance v : DecoderVariance.values()) {
            DetectorSettings s = settings("model.decoder-variance=" + ValueTypes.kebab(v));
            assertThat(s.architecture().apply(4).decoderVariance()).isEqualTo(v);
        }
        for (ScoreMode m : ScoreMode.values()) {
            assertThat(settings("model.score-mode=" + ValueTypes.kebab(m)).scoring().mode())
                    .isEqualTo(m);
        }
        for (KlSchedule.Type t : KlSchedule.Type.values()) {
            assertThat(settings("training.kl-schedule=" + ValueTypes.kebab(t)).recipe()
                    .klSchedule().type()).isEqualTo(t);
        }
        for (SampleBuffer.Strategy st : SampleBuffer.Strategy.values()) {
            assertThat(settings("training.sample-strategy=" + ValueTypes.kebab(st))
                    .sampleStrategy()).isEqualTo(st);
        }
        for (ThresholdSettings.Type t : ThresholdSettings.Type.values()) {
            assertThat(settings("threshold.type=" + ValueTypes.kebab(t)).threshold().type())
                    .isEqualTo(t);
        }
    }

    private static DetectorSettings settings(String override) {
        return TestConfigs.small(override).detector().settings();
    }

    @Test
    void unsetOptionsGiveTheCoresDefaults() {
        DetectorSettings s = JobConfigLoader.fromOverrides("kafka.bootstrap-servers=k:9092",
                "kafka.input-topic=in", "kafka.output-topic=out").detector().settings();
        DetectorSettings core = DetectorSettings.defaults();

        // The job's one deliberate departure (see ModelOptions.DECODER_VARIANCE).
        assertThat(s.architecture().apply(5)).isEqualTo(VaeConfig.builder(5)
                .decoderVariance(DecoderVariance.HETEROSCEDASTIC).build());
        assertThat(VaeConfig.DEFAULT_DECODER_VARIANCE).isNotEqualTo(DecoderVariance.HETEROSCEDASTIC);
        assertThat(s.recipe()).usingRecursiveComparison().ignoringFields("name")
                .isEqualTo(TrainingRecipe.defaults());
        assertThat(s.threshold()).isEqualTo(ThresholdSettings.DEFAULT);
        // The job seeds scoring with training.seed, one seed for the whole detector.
        assertThat(s.scoring()).isEqualTo(new ScoringSettings(ScoringSettings.DEFAULT.samples(),
                ScoringSettings.DEFAULT.mode(), ScoringSettings.DEFAULT.topK(),
                TrainingRecipe.DEFAULT_SEED));
        assertThat(s).usingRecursiveComparison()
                .comparingOnlyFields("warmupEvents", "retrainEveryEvents", "sampleSize",
                        "sampleStrategy", "promotionTolerance", "shingleSize")
                .isEqualTo(core);
    }

    @Test
    void theKlOptionsDefaultToTheCoresSchedules() {
        JobConfig c = TestConfigs.small();
        KlSchedule defaults = TrainingRecipe.defaults().klSchedule();
        assertThat(c.training().klSchedule()).isEqualTo(defaults.type());
        assertThat(TestConfigs.small("training.kl-schedule=cyclical").training().schedule())
                .isEqualTo(defaults.type() == KlSchedule.Type.CYCLICAL
                        ? defaults : TrainingRecipe.cyclical().klSchedule());
        assertThat(TestConfigs.small("training.kl-schedule=monotonic").training().schedule())
                .isEqualTo(defaults.type() == KlSchedule.Type.MONOTONIC
                        ? defaults : TrainingRecipe.warmup().klSchedule());
    }

    @Test
    void aValueTheCoreRejectsIsReportedUnderItsKey() {
        assertThatThrownBy(() -> TestConfigs.small("training.warmup-events=5",
                        "training.heldout-fraction=0.4"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("training.warmup-events: must be >= 10");
    }

    @Test
    void spotThresholdTakesRiskAndInitialQuantile() {
        ThresholdSettings t = TestConfigs.small(
                "threshold.type=spot", "threshold.risk=0.001", "threshold.initial-quantile=0.95")
                .threshold().settings();
        assertThat(t.type()).isEqualTo(ThresholdSettings.Type.SPOT);
        assertThat(t.risk()).isEqualTo(0.001);
        assertThat(t.initialLevel()).isEqualTo(0.95);
    }

    @Test
    void aSampleSmallerThanTheWarmupIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> TestConfigs.small("training.sample-size=100"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.sample-size");
    }
}

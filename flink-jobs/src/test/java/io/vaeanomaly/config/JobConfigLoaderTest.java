package io.vaeanomaly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.detect.SampleBuffer;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.KlSchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {

    private static final List<String> REQUIRED =
            List.of(
                    "kafka.bootstrap-servers=localhost:9092",
                    "kafka.input-topic=events",
                    "kafka.output-topic=anomalies");

    private static JobConfig withRequired(String... more) {
        List<String> all = new ArrayList<>(REQUIRED);
        all.addAll(List.of(more));
        return JobConfigLoader.fromOverrides(all.toArray(String[]::new));
    }

    private static ConfigException failure(String... overrides) {
        try {
            withRequired(overrides);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + List.of(overrides));
    }

    private static JobConfig yaml(String text) {
        return JobConfigLoader.loadYaml(text, "test.yaml", REQUIRED);
    }

    // ------------------------------------------------------------------------ loading, overrides

    @Test
    void defaultsComeFromTheOptionDefinitions() {
        JobConfig c = withRequired();

        assertThat(c.kafka().deadLetterTopic()).isEqualTo("vae-anomaly-dead-letter");
        assertThat(c.kafka().scoresEnabled()).isFalse();
        assertThat(c.kafka().startingOffsets()).isEqualTo(KafkaOptions.StartingOffsets.COMMITTED);
        assertThat(c.training().epochs()).isEqualTo(TrainingOptions.EPOCHS.defaultValue().get());
        assertThat(c.training().klSchedule()).isEqualTo(KlSchedule.Type.CYCLICAL);
        assertThat(c.threshold().type()).isEqualTo(ThresholdSettings.Type.SPOT);
    }

    @Test
    void yamlValuesAreReadWithTheirTypes() {
        JobConfig c = yaml("""
                kafka:
                  scores-topic: scores
                  delivery-guarantee: at-least-once
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: PLAIN
                input:
                  key-field: device.id
                  feature-fields: [metrics.cpu, metrics.mem]
                model:
                  scope: per-key
                  encoder-hidden: [32, 16]
                  sigma-min: 0.1
                training:
                  retrain-interval: 1h
                  sample-strategy: sliding-window
                  async: false
                """);

        assertThat(c.kafka().scoresTopic()).isEqualTo("scores");
        assertThat(c.kafka().deliveryGuarantee())
                .isEqualTo(KafkaOptions.DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.kafka().properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(c.input().featureFields()).containsExactly("metrics.cpu", "metrics.mem");
        assertThat(c.model().scope()).isEqualTo(ModelOptions.Scope.PER_KEY);
        assertThat(c.model().encoderHidden()).containsExactly(32, 16);
        assertThat(c.model().sigmaMin()).isEqualTo(0.1);
        assertThat(c.training().retrainInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.training().sampleStrategy())
                .isEqualTo(SampleBuffer.Strategy.SLIDING_WINDOW);
        assertThat(c.training().async()).isFalse();
    }

    @Test
    void overridesWinOverTheFileAndConvertFromText(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: broker:9092
                  input-topic: in
                  output-topic: out
                training:
                  epochs: 30
                """);

        JobConfig c = JobConfigLoader.load(file, List.of(
                "training.epochs=10",
                "training.learning-rate=1e-4",
                "training.retrain-interval=5m",
                "training.retrain-every-events=100_000",
                "model.decoder-hidden=[128,32]",
                "model.encoder-hidden=16,8",
                "input.feature-fields=a,b,c",
                "kafka.properties.security.protocol=SSL",
                "kafka.properties.ssl.truststore.location=/etc/ts.jks",
                "threshold.type=QUANTILE"));

        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.training().epochs()).isEqualTo(10);
        assertThat(c.training().learningRate()).isEqualTo(1e-4);
        assertThat(c.training().retrainInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.training().retrainEveryEvents()).isEqualTo(100_000);
        assertThat(c.model().decoderHidden()).containsExactly(128, 32);
        assertThat(c.model().encoderHidden()).containsExactly(16, 8);
        assertThat(c.input().featureFields()).containsExactly("a", "b", "c");
        assertThat(c.kafka().properties()).isEqualTo(Map.of(
                "security.protocol", "SSL", "ssl.truststore.location", "/etc/ts.jks"));
        assertThat(c.threshold().type()).isEqualTo(ThresholdSettings.Type.QUANTILE);
    }

    @Test
    void emptyYamlValueMeansDefault() {
        JobConfig c = yaml("""
                training:
                  epochs:
                threshold:
                """);
        // The default: 0, an automatic epoch budget (60, raised to reach training.min-steps).
        assertThat(c.training().epochs()).isZero();
        assertThat(c.training().minSteps()).isEqualTo(1500);
    }

    @Test
    void clientPropertiesAddBootstrapServers() {
        JobConfig c = withRequired("kafka.properties.security.protocol=SSL");
        assertThat(c.kafka().clientProperties())
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "SSL");
    }

    // ------------------------------------------------------------------------------ type errors

    @Test
    void wrongTypeNamesKeyExpectationAndValue() {
        assertThat(failure("training.batch-size=abc"))
                .hasMessage("training.batch-size: expected a positive integer but got \"abc\"");
    }

    @Test
    void yamlTypeErrorsRenderTheValueAsWritten() {
        assertThatThrownBy(() -> yaml("model:\n  latent-dim: [1, 2]\n"))
                .hasMessage("model.latent-dim: expected a positive integer but got [1,2]");
        assertThatThrownBy(() -> yaml("training:\n  async: yes-please\n"))
                .hasMessage("training.async: expected true or false but got \"yes-please\"");
        assertThatThrownBy(() -> yaml("model:\n  encoder-hidden: {a: 1}\n"))
                .hasMessageStartingWith("model.encoder-hidden: expected a list of positive"
                        + " integers");
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        assertThat(failure("training.batch-size=0"))
                .hasMessage("training.batch-size: expected a positive integer but got \"0\"");
        assertThat(failure("threshold.risk=1.5").key()).isEqualTo("threshold.risk");
        assertThat(failure("threshold.risk=1.5"))
                .hasMessageContaining("a number in (0.0, 1.0)");
        assertThat(failure("training.kl-ratio=0").key()).isEqualTo("training.kl-ratio");
        assertThat(failure("model.sigma-min=-0.1").key()).isEqualTo("model.sigma-min");
        assertThat(failure("model.encoder-hidden=[64,0]").key()).isEqualTo("model.encoder-hidden");
        assertThat(failure("training.heldout-fraction=1").key())
                .isEqualTo("training.heldout-fraction");
        assertThat(failure("training.learning-rate=NaN").key())
                .isEqualTo("training.learning-rate");
        assertThat(failure("training.epochs=2.5").key()).isEqualTo("training.epochs");
    }

    @Test
    void enumErrorsListTheChoices() {
        assertThat(failure("input.format=xml"))
                .hasMessage("input.format: expected one of [json, csv] but got \"xml\"");
        assertThat(failure("kafka.delivery-guarantee=maybe"))
                .hasMessage("kafka.delivery-guarantee: expected one of [exactly-once,"
                        + " at-least-once] but got \"maybe\"");
    }

    @Test
    void durationsAcceptUnitsAndRejectOtherText() {
        assertThat(withRequired("kafka.transaction-timeout=2s").kafka().transactionTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(withRequired("training.retrain-interval=2d").training().retrainInterval())
                .isEqualTo(Duration.ofDays(2));
        assertThat(failure("kafka.transaction-timeout=10 parsecs"))
                .hasMessage("kafka.transaction-timeout: expected a positive duration such as 10s,"
                        + " 5m or 1h but got \"10 parsecs\"");
        assertThat(failure("kafka.transaction-timeout=0").key())
                .isEqualTo("kafka.transaction-timeout");
        assertThat(failure("kafka.transaction-timeout=15").key())
                .isEqualTo("kafka.transaction-timeout");
    }

    @Test
    void badRegexNamesTheKeyAndTheCompilerComplaint() {
        assertThat(failure("input.feature-pattern=metrics\\.("))
                .hasMessageStartingWith("input.feature-pattern: expected a valid regular"
                        + " expression but got \"metrics\\\\.(\" (Unclosed group");
    }

    @Test
    void badTopicNameIsRejected() {
        assertThat(failure("kafka.output-topic=has space"))
                .hasMessageStartingWith("kafka.output-topic: expected a Kafka topic name");
    }

    // -------------------------------------------------------------------- unknown and missing

    @Test
    void missingRequiredOptionsAreAllReported() {
        ConfigException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        ConfigException.class, () -> JobConfigLoader.fromOverrides());
        assertThat(e.problems())
                .extracting(ConfigException.Problem::key)
                .containsExactly(
                        "kafka.bootstrap-servers", "kafka.input-topic", "kafka.output-topic");
        assertThat(e.getMessage())
                .startsWith("3 configuration problems:")
                .contains("kafka.input-topic: missing required option (set it in the config file"
                        + " or with --set kafka.input-topic=...)");
    }

    @Test
    void emptyRequiredValueIsRejected() {
        assertThat(failure("kafka.bootstrap-servers=").key()).isEqualTo("kafka.bootstrap-servers");
    }

    @Test
    void unknownKeysGetASuggestion() {
        assertThat(failure("training.epoch=3"))
                .hasMessage("training.epoch: unknown option; did you mean training.epochs?");
        assertThat(failure("model.epochs=3"))
                .hasMessage("model.epochs: unknown option; did you mean training.epochs?");
        assertThat(failure("training.batchSize=3"))
                .hasMessage("training.batchSize: unknown option; did you mean"
                        + " training.batch-size?");
        assertThat(failure("training.batch_size=3"))
                .hasMessageContaining("did you mean training.batch-size?");
        assertThat(failure("training.completely-unrelated=1"))
                .hasMessage("training.completely-unrelated: unknown option");
    }

    @Test
    void unknownKeysInYamlAndUnknownSectionsAreReported() {
        assertThatThrownBy(() -> yaml("threshold:\n  rsk: 0.01\n"))
                .hasMessage("threshold.rsk: unknown option; did you mean threshold.risk?");
        assertThatThrownBy(() -> yaml("trainng:\n  epochs: 3\n"))
                .hasMessageStartingWith("trainng: unknown section; did you mean training?");
        assertThatThrownBy(() -> yaml("model: 3\n"))
                .hasMessage("model: expected a mapping of options but got 3");
    }

    @Test
    void malformedOverrideIsReported() {
        assertThat(failure("training.epochs")).hasMessage(
                "training.epochs: expected an override of the form key.path=value");
    }

    @Test
    void yamlSyntaxErrorsAndDuplicateKeysNameTheFile() {
        assertThatThrownBy(() -> yaml("training:\n  epochs: [1,\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: invalid YAML at line");
        assertThatThrownBy(() -> yaml("training:\n  epochs: 3\n  epochs: 4\n"))
                .hasMessageStartingWith("test.yaml: invalid YAML")
                .hasMessageContaining("Duplicate field 'epochs'");
    }

    @Test
    void missingFileIsAConfigError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> JobConfigLoader.load(missing, REQUIRED))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": config file not found");
    }

    @Test
    void allProblemsAreReportedTogether() {
        ConfigException e = failure("training.epochs=-1", "model.latent-dim=x", "flink.foo=1");
        assertThat(e.problems())
                .extracting(ConfigException.Problem::key)
                .containsExactlyInAnyOrder("training.epochs", "model.latent-dim", "flink.foo");
    }

    // ------------------------------------------------------------------------- cross-field rules

    @Test
    void featureFieldsAndPatternAreExclusive() {
        assertThat(failure("input.feature-fields=a", "input.feature-pattern=m.*"))
                .hasMessage("input.feature-pattern: set either input.feature-fields or"
                        + " input.feature-pattern, not both");
    }

    @Test
    void csvNeedsColumnsAndKnownFieldNames() {
        assertThat(failure("input.format=csv").key()).isEqualTo("input.csv-columns");
        assertThat(failure("input.format=csv", "input.csv-columns=[t,a,b]",
                        "input.event-time-field=time"))
                .hasMessage("input.event-time-field: \"time\" is not one of input.csv-columns"
                        + " [t, a, b]");
        assertThat(failure("input.format=csv", "input.csv-columns=t,a", "input.feature-fields=c")
                        .key())
                .isEqualTo("input.feature-fields");
        assertThat(failure("input.csv-columns=a,b").key()).isEqualTo("input.csv-columns");
    }

    @Test
    void csvFeaturesDefaultToTheRemainingColumns() {
        JobConfig c = withRequired("input.format=csv", "input.csv-columns=host,ts,cpu,mem",
                "input.key-field=host", "input.event-time-field=ts");
        assertThat(c.input().staticFeatureNames()).contains(List.of("cpu", "mem"));
        JobConfig byPattern = withRequired("input.format=csv", "input.csv-columns=z_b,ts,z_a,q",
                "input.feature-pattern=z_.*");
        assertThat(byPattern.input().staticFeatureNames()).contains(List.of("z_a", "z_b"));
    }

    @Test
    void expectedDimensionMustMatchConfiguredFeatures() {
        assertThat(failure("input.feature-fields=a,b", "input.expected-dimension=3"))
                .hasMessageStartingWith("input.expected-dimension: is 3 but the configured"
                        + " features are 2");
        assertThat(withRequired("input.feature-pattern=m.*", "input.expected-dimension=3")
                        .input().expectedDimension())
                .isEqualTo(3);
    }

    @Test
    void duplicateFeatureNamesAreRejected() {
        assertThat(failure("input.feature-fields=a,b,a"))
                .hasMessageStartingWith("input.feature-fields: expected a list of distinct");
    }

    @Test
    void spotRiskMustBeRarerThanTheInitialTail() {
        assertThat(failure("threshold.risk=0.05", "threshold.initial-quantile=0.98"))
                .hasMessageStartingWith("threshold.risk: must be below 1 - "
                        + "threshold.initial-quantile");
        assertThat(withRequired("threshold.type=quantile", "threshold.risk=0.05")
                        .threshold().risk())
                .isEqualTo(0.05);
    }

    @Test
    void theRemovedFlinkSectionSaysWhereFlinkSettingsGo() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> yaml("""
                        flink:
                          parallelism: 2
                        """));
        assertThat(e.key()).isEqualTo("flink");
        assertThat(e.getMessage()).contains("parallelism.default",
                "execution.checkpointing.interval", "state.backend.type",
                "training.max-buffered-events");
        assertThat(failure("flink.parallelism=2").getMessage())
                .startsWith("flink.parallelism: this section was removed");
    }

    @Test
    void timeBasedRetrainingIsNotReplayable() {
        assertThat(failure("training.deterministic=true", "training.async=false",
                        "training.retrain-interval=1h").key())
                .isEqualTo("training.retrain-interval");
        assertThat(withRequired("training.retrain-interval=1h").training().retrainsByTime())
                .isTrue();
    }

    @Test
    void bufferMustHoldTheWarmup() {
        assertThat(failure("training.max-buffered-events=100").key())
                .isEqualTo("training.max-buffered-events");
        assertThat(withRequired("training.max-buffered-events=100",
                        "training.before-first-model=pass-through").training().maxBufferedEvents())
                .isEqualTo(100);
    }

    @Test
    void deterministicTrainingIsSynchronous() {
        assertThat(failure("training.deterministic=true"))
                .hasMessage("training.async: must be false when training.deterministic is true");
    }

    @Test
    void outputsMustNotWriteIntoTheInput() {
        assertThat(failure("kafka.scores-topic=events"))
                .hasMessage("kafka.scores-topic: must differ from kafka.input-topic"
                        + " (\"events\")");
    }

    @Test
    void clientPropertiesMayNotShadowOptions() {
        assertThat(failure("kafka.properties.group.id=other"))
                .hasMessage("kafka.properties.group.id: is set by kafka.group-id; set that"
                        + " instead");
    }

    @Test
    void sectionConstructorsValidateCodeBuiltValues() {
        assertThatThrownBy(() -> new ModelOptions(ModelOptions.Scope.GLOBAL, List.of(8), List.of(8),
                        0, Activation.TANH, DecoderVariance.PER_FEATURE,
                        0.05, 1.0, 16, ScoreMode.MEAN_LOG, 3, 1))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.latent-dim: expected a positive integer but got 0");
    }

    // --------------------------------------------------------------------------- serialisation

    @Test
    void theSectionsOperatorsKeepSurviveJavaSerialisation() throws Exception {
        JobConfig config = withRequired("kafka.properties.security.protocol=SSL",
                "input.feature-fields=a,b", "model.encoder-hidden=[16]");
        DetectorSpec c = config.detector();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
            out.writeObject(config.input());
        }
        Object back;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
            assertThat(in.readObject()).isEqualTo(config.input());
        }
        assertThat(back).isEqualTo(c);
        assertThat(config).isNotInstanceOf(java.io.Serializable.class);
        assertThat(config.kafka()).isNotInstanceOf(java.io.Serializable.class);
    }

    @Test
    void toStringHidesSecrets() {
        JobConfig c = withRequired(
                "kafka.properties.sasl.jaas.config=LoginModule required password=\"hunter2\";",
                "kafka.properties.ssl.key.password=hunter3",
                "kafka.properties.security.protocol=SASL_SSL");
        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("hunter3")
                .contains("security.protocol=SASL_SSL");
    }
}

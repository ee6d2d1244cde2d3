package io.vaeanomaly.serde;

import static io.vaeanomaly.serde.EventParserTest.input;
import static io.vaeanomaly.serde.EventParserTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vaeanomaly.config.KafkaOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The writers' output against the published JSON Schemas, and the readers against the writers. */
class RecordJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonSchema schema(String name) {
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = RecordJsonTest.class.getResourceAsStream("/schemas/" + name)) {
            assertThat(in).as(name).isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, config);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final JsonSchema ANOMALY = schema("anomaly-record.schema.json");
    private static final JsonSchema DEAD_LETTER = schema("dead-letter-record.schema.json");
    private static final JsonSchema MODEL_EVENT = schema("model-event-record.schema.json");

    private static JsonNode tree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    private static void assertValid(JsonSchema schema, JsonNode node) {
        Set<ValidationMessage> errors = schema.validate(node);
        assertThat(errors).as(node.toString()).isEmpty();
    }

    private static Set<ValidationMessage> errors(JsonSchema schema, JsonNode node) {
        return schema.validate(node);
    }

    // -------------------------------------------------------------------------------- anomaly

    private static Event jsonEvent() {
        EventParser parser = new EventParser(input("key-field=host", "event-time-field=ts",
                "feature-fields=[cpu, mem]"));
        return (Event) parser.parse(record(
                "{\"host\": \"h7\", \"ts\": 1714564800250, \"cpu\": 0.99, \"mem\": 0.1,"
                        + " \"tags\": [\"a\"]}"));
    }

    private static AnomalyRecord anomaly(Event e, double threshold) {
        return AnomalyRecord.of(e, -153.25, 0.997, threshold, true, 3,
                List.of(new FeatureContribution("cpu", 97.5),
                        new FeatureContribution("mem", 1.25)));
    }

    @Test
    void anomalyRecordEmbedsAJsonEventAsJson() throws IOException {
        AnomalyRecord r = anomaly(jsonEvent(), -120.5);
        JsonNode n = tree(AnomalyRecordJson.INSTANCE.encode(r));

        assertValid(ANOMALY, n);
        assertThat(n.get("schema_version").asInt()).isEqualTo(2);
        assertThat(n.get("scored").asBoolean()).isTrue();
        assertThat(n.get("unscored_reason").isNull()).isTrue();
        assertThat(n.get("event_time").asText()).isEqualTo("2024-05-01T12:00:00.250Z");
        assertThat(n.get("source").get("partition").asInt()).isEqualTo(3);
        assertThat(n.get("event_encoding").asText()).isEqualTo("json");
        assertThat(n.get("event").isObject()).isTrue();
        assertThat(n.get("event").get("host").asText()).isEqualTo("h7");
        assertThat(n.get("top_features").get(0).get("name").asText()).isEqualTo("cpu");
        assertThat(n.get("is_anomaly").asBoolean()).isTrue();
    }

    @Test
    void anomalyRecordRoundTrips() throws IOException {
        AnomalyRecord r = anomaly(jsonEvent(), -120.5);
        AnomalyRecord back =
                AnomalyRecordJson.INSTANCE.decode(AnomalyRecordJson.INSTANCE.encode(r));

        assertThat(back.key()).isEqualTo(r.key());
        assertThat(back.eventTimeMs()).isEqualTo(r.eventTimeMs());
        assertThat(back.source()).isEqualTo(r.source());
        assertThat(back.logProb()).isEqualTo(r.logProb());
        assertThat(back.thresholdLogProb()).isEqualTo(-120.5);
        assertThat(back.topFeatures()).isEqualTo(r.topFeatures());
        // JSON events come back equal as JSON (whitespace is not preserved).
        assertThat(tree(back.event())).isEqualTo(tree(r.event()));
    }

    @Test
    void everyDoubleReadsBackExactly() throws IOException {
        // The writers format doubles with Jackson's fast writer, not Double.toString: random
        // bit patterns, subnormals and the extremes all read back as the same double.
        java.util.Random random = new java.util.Random(7);
        Event e = jsonEvent();
        for (int i = 0; i < 5000; i++) {
            double v = switch (i) {
                case 0 -> -Double.MAX_VALUE;
                case 1 -> -Double.MIN_VALUE;
                case 2 -> -Double.MIN_NORMAL;
                case 3 -> -0.0;
                case 4 -> -1e23;
                default -> -Math.abs(Double.longBitsToDouble(random.nextLong()));
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            double c = Math.abs(v);
            AnomalyRecord r = AnomalyRecord.of(e, v, 0.5, v, false, 1,
                    List.of(new FeatureContribution("cpu", c)));
            AnomalyRecord back =
                    AnomalyRecordJson.INSTANCE.decode(AnomalyRecordJson.INSTANCE.encode(r));
            assertThat(back.logProb()).isEqualTo(v);
            assertThat(back.thresholdLogProb()).isEqualTo(v);
            assertThat(back.topFeatures().get(0).contribution()).isEqualTo(c);
        }
    }

    @Test
    void csvAndBinaryEventsAreEmbeddedAsTextAndBase64() throws IOException {
        EventParser csv = new EventParser(input("format=csv", "csv-columns=[k, x]",
                "key-field=k"));
        Event line = (Event) csv.parse(record("k1,2.5"));
        AnomalyRecord text = AnomalyRecord.of(line, -3, 0.2, Double.NaN, false, 0, List.of());
        JsonNode n = tree(AnomalyRecordJson.INSTANCE.encode(text));
        assertValid(ANOMALY, n);
        assertThat(n.get("event_encoding").asText()).isEqualTo("text");
        assertThat(n.get("event").asText()).isEqualTo("k1,2.5");
        assertThat(n.get("threshold_log_prob").isNull()).isTrue();
        assertThat(AnomalyRecordJson.INSTANCE.decode(AnomalyRecordJson.INSTANCE.encode(text)))
                .isEqualTo(text);

        byte[] binary = {(byte) 0xFF, 0, 1, '{'};
        AnomalyRecord b = new AnomalyRecord("k", 0, new SourcePosition("t", 0, 0), -1, 1,
                -2, true, 1, List.of(), binary, null);
        JsonNode bn = tree(AnomalyRecordJson.INSTANCE.encode(b));
        assertValid(ANOMALY, bn);
        assertThat(bn.get("event_encoding").asText()).isEqualTo("base64");
        assertThat(AnomalyRecordJson.INSTANCE.decode(AnomalyRecordJson.INSTANCE.encode(b)))
                .isEqualTo(b);
    }

    @Test
    void unscoredEventsHaveNullScoresAndAReasonAndRoundTrip() throws IOException {
        for (AnomalyRecord.Unscored why : AnomalyRecord.Unscored.values()) {
            AnomalyRecord r = AnomalyRecord.unscored(jsonEvent(), why);
            JsonNode n = tree(AnomalyRecordJson.INSTANCE.encode(r));

            assertValid(ANOMALY, n);
            assertThat(n.get("scored").asBoolean()).isFalse();
            assertThat(n.get("unscored_reason").asText()).isEqualTo(why.wireName());
            assertThat(n.get("log_prob").isNull()).isTrue();
            assertThat(n.get("anomaly_score").isNull()).isTrue();
            assertThat(n.get("is_anomaly").asBoolean()).isFalse();
            assertThat(n.get("model_version").asLong()).isZero();
            assertThat(n.get("top_features")).isEmpty();
            assertThat(n.get("event").get("host").asText()).isEqualTo("h7");
            AnomalyRecord back =
                    AnomalyRecordJson.INSTANCE.decode(AnomalyRecordJson.INSTANCE.encode(r));
            assertThat(back.scored()).isFalse();
            assertThat(back.unscored()).isEqualTo(why);
            assertThat(back.logProb()).isNaN();
        }
        assertThat(AnomalyRecord.Unscored.values()).extracting(AnomalyRecord.Unscored::wireName)
                .containsExactly("no_model", "buffer_full", "shingle_filling");
    }

    @Test
    void schemaTiesTheScoredFlagToTheScoreFields() throws IOException {
        ObjectNode scoredWithoutScore = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                anomaly(jsonEvent(), -1)));
        scoredWithoutScore.putNull("log_prob");
        assertThat(errors(ANOMALY, scoredWithoutScore)).as("a scored event has a log_prob")
                .isNotEmpty();

        ObjectNode unscoredWithScore = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                AnomalyRecord.unscored(jsonEvent(), AnomalyRecord.Unscored.NO_MODEL)));
        unscoredWithScore.put("log_prob", -3.0);
        assertThat(errors(ANOMALY, unscoredWithScore)).as("an unscored event has no log_prob")
                .isNotEmpty();

        ObjectNode unscoredFlagged = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                AnomalyRecord.unscored(jsonEvent(), AnomalyRecord.Unscored.NO_MODEL)));
        unscoredFlagged.put("is_anomaly", true);
        assertThat(errors(ANOMALY, unscoredFlagged)).isNotEmpty();

        ObjectNode unknownReason = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                AnomalyRecord.unscored(jsonEvent(), AnomalyRecord.Unscored.NO_MODEL)));
        unknownReason.put("unscored_reason", "tired");
        assertThat(errors(ANOMALY, unknownReason)).isNotEmpty();
    }

    @Test
    void anomalyRecordRejectsValuesTheSchemaWouldReject() {
        Event e = jsonEvent();
        assertThatThrownBy(() -> AnomalyRecord.of(e, Double.NEGATIVE_INFINITY, 1, 0, true, 1,
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AnomalyRecord.of(e, -1, 1.5, 0, true, 1, List.of()))
                .hasMessageContaining("anomalyScore");
        assertThatThrownBy(() -> new AnomalyRecord("k", 0, e.source(), -1, 0.5, Double.NaN,
                false, 0, List.of(), new byte[0], AnomalyRecord.Unscored.NO_MODEL))
                .hasMessageContaining("unscored");
    }

    @Test
    void schemaRejectsAnAnomalyRecordMissingARequiredField() throws IOException {
        ObjectNode n = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                anomaly(jsonEvent(), -1)));
        n.remove("log_prob");
        assertThat(errors(ANOMALY, n)).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("log_prob"));

        ObjectNode wrong = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                anomaly(jsonEvent(), -1)));
        wrong.put("anomaly_score", 1.5);
        assertThat(errors(ANOMALY, wrong)).isNotEmpty();

        ObjectNode stringEvent = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                anomaly(jsonEvent(), -1)));
        stringEvent.put("event", "{\"host\":\"h7\"}");
        assertThat(errors(ANOMALY, stringEvent)).as("json encoding needs an embedded object")
                .isNotEmpty();

        ObjectNode badTime = (ObjectNode) tree(AnomalyRecordJson.INSTANCE.encode(
                anomaly(jsonEvent(), -1)));
        badTime.put("event_time", "yesterday");
        assertThat(errors(ANOMALY, badTime)).as("event_time must be a date-time").isNotEmpty();
    }

    // ---------------------------------------------------------------------------- dead letter

    @Test
    void deadLettersOfEveryKindMatchTheSchema() throws IOException {
        EventParser parser = new EventParser(input("key-field=host", "event-time-field=ts",
                "feature-fields=[cpu]"));
        List<String> bad = List.of(
                "{oops",
                "{\"host\":\"h\",\"ts\":1}",
                "{\"host\":\"h\",\"ts\":1,\"cpu\":\"high\"}",
                "{\"host\":\"h\",\"ts\":1,\"cpu\":NaN}",
                "{\"host\":\"h\",\"ts\":\"later\",\"cpu\":1}");
        for (String value : bad) {
            ParseFailure f = (ParseFailure) parser.parse(record(value));
            DeadLetterRecord d = DeadLetterRecord.of(f);
            JsonNode n = tree(DeadLetterRecordJson.INSTANCE.encode(d));

            assertValid(DEAD_LETTER, n);
            assertThat(n.get("error_type").asText()).isEqualTo(f.kind().wireName());
            assertThat(n.get("reason").asText()).isEqualTo(f.reason());
            assertThat(n.get("original_utf8").asText()).isEqualTo(value);
            assertThat(Base64.getDecoder().decode(n.get("original_base64").asText()))
                    .isEqualTo(value.getBytes(StandardCharsets.UTF_8));
            assertThat(n.get("timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
            assertThat(n.get("key").asText()).isEqualTo("kafka-key");
            assertThat(n.get("schema_version").asInt()).isEqualTo(2);
            assertThat(n.get("original_size").asInt()).isEqualTo(value.length());
            assertThat(n.get("original_truncated").asBoolean()).isFalse();
            assertThat(DeadLetterRecordJson.INSTANCE.decode(
                    DeadLetterRecordJson.INSTANCE.encode(d))).isEqualTo(d);
        }
    }

    /** A dead letter of {@code original} (as the parser would write it for a bad record). */
    private static DeadLetterRecord deadLetter(byte[] original, byte[] key) {
        return new DeadLetterRecord("unparsable", "not valid JSON: ...", null,
                new SourcePosition("in", 1, 77), 1_700_000_000_000L, key, original);
    }

    @Test
    void aDeadLetterOfAOneMegabyteRecordIsCutToTheCapAndSaysSo() throws IOException {
        // Multi-byte characters and characters JSON must escape: the worst case for the size.
        String unit = "é\"\u0001x";
        byte[] original = unit.repeat(1_000_000 / unit.getBytes(StandardCharsets.UTF_8).length)
                .getBytes(StandardCharsets.UTF_8);
        DeadLetterRecord full = deadLetter(original, "k".getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetterRecordJson.INSTANCE.encode(full).length)
                .as("unbounded, the dead letter would exceed the broker's 1 MB limit")
                .isGreaterThan(1_048_588);

        int cap = 65_536;
        DeadLetterRecord fitted = DeadLetterRecordJson.fitTo(full, cap);
        byte[] value = DeadLetterRecordJson.INSTANCE.encode(fitted);
        assertThat(value.length + 1).isLessThanOrEqualTo(cap).isGreaterThan(cap * 3 / 4);
        JsonNode n = tree(value);
        assertValid(DEAD_LETTER, n);
        assertThat(n.get("original_truncated").asBoolean()).isTrue();
        assertThat(n.get("original_size").asInt()).isEqualTo(original.length);
        byte[] kept = Base64.getDecoder().decode(n.get("original_base64").asText());
        assertThat(kept.length).isPositive().isLessThan(original.length);
        // The kept bytes are the record's first bytes, cut on a character boundary, so the text
        // form is still there.
        assertThat(original).startsWith(kept);
        assertThat(n.get("original_utf8").asText())
                .isEqualTo(new String(kept, StandardCharsets.UTF_8));
        assertThat(DeadLetterRecordJson.INSTANCE.decode(value)).isEqualTo(fitted);
        assertThat(fitted.truncated()).isTrue();
    }

    @Test
    void aDeadLetterThatFitsIsLeftAloneAndAHugeKeyIsCutToo() throws IOException {
        DeadLetterRecord small = deadLetter("{oops".getBytes(StandardCharsets.UTF_8), null);
        assertThat(DeadLetterRecordJson.fitTo(small, 16_384)).isSameAs(small);

        byte[] hugeKey = "k".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        DeadLetterRecord keyed = deadLetter("{oops".getBytes(StandardCharsets.UTF_8), hugeKey);
        DeadLetterRecord fitted = DeadLetterRecordJson.fitTo(keyed, 16_384);
        assertThat(fitted.key()).hasSize(DeadLetterRecordJson.MAX_TEXT);
        assertThat(DeadLetterRecordJson.INSTANCE.encode(fitted).length + fitted.key().length)
                .isLessThanOrEqualTo(16_384);
        assertValid(DEAD_LETTER, tree(DeadLetterRecordJson.INSTANCE.encode(fitted)));
    }

    @Test
    void utf8PrefixNeverEndsInsideACharacter() {
        byte[] b = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 1)).hasSize(1);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 2)).hasSize(1);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 3)).hasSize(3);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 5)).hasSize(3);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 6)).hasSize(6);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 9)).hasSize(6);
        assertThat(DeadLetterRecordJson.utf8Prefix(b, 10)).hasSize(10);
    }

    @Test
    void anOutputTooLargeDeadLetterNamesTheLimitAndKeepsTheEvent() throws IOException {
        AnomalyRecord r = anomaly(jsonEvent(), -1);
        DeadLetterRecord d = DeadLetterRecord.outputTooLarge(r, "score record", 1_200_000,
                1_000_000);
        JsonNode n = tree(DeadLetterRecordJson.INSTANCE.encode(d));
        assertValid(DEAD_LETTER, n);
        assertThat(n.get("error_type").asText()).isEqualTo("output_too_large");
        assertThat(n.get("reason").asText()).contains("1200000 bytes")
                .contains("kafka.max-record-bytes (1000000)");
        assertThat(n.get("source").get("offset").asLong()).isEqualTo(r.source().offset());
        assertThat(tree(Base64.getDecoder().decode(n.get("original_base64").asText())))
                .isEqualTo(tree(r.event()));
    }

    @Test
    void binaryDeadLetterKeepsExactBytesInBase64Only() throws IOException {
        byte[] original = {(byte) 0xC3, (byte) 0x28, 0, 5};
        KafkaRecord rec = new KafkaRecord("in", 0, 9, KafkaRecord.NO_TIMESTAMP, null, original);
        ParseFailure f = (ParseFailure) new EventParser(input("feature-fields=x")).parse(rec);
        JsonNode n = tree(DeadLetterRecordJson.INSTANCE.encode(DeadLetterRecord.of(f)));

        assertValid(DEAD_LETTER, n);
        assertThat(n.get("original_utf8").isNull()).isTrue();
        assertThat(n.get("timestamp").isNull()).isTrue();
        assertThat(n.get("key").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(n.get("original_base64").asText()))
                .isEqualTo(original);
    }

    @Test
    void schemaRejectsADeadLetterMissingTheOriginal() throws IOException {
        ParseFailure f = (ParseFailure) new EventParser(input("feature-fields=x"))
                .parse(record("{"));
        ObjectNode n = (ObjectNode) tree(DeadLetterRecordJson.INSTANCE.encode(
                DeadLetterRecord.of(f)));
        n.remove("original_base64");
        assertThat(errors(DEAD_LETTER, n)).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("original_base64"));
    }

    // ---------------------------------------------------------------------------- model event

    private static ModelEventRecord modelEvent(ModelDiagnostics d) {
        return new ModelEventRecord(ModelEventRecord.GLOBAL_KEY, 2,
                ModelEventRecord.Outcome.PROMOTED, "held-out ELBO -41.2 vs -43.0",
                1_714_564_800_000L, 5000, 12.5, d, "3f2a9c0e4b1d5a6e7f8091a2b3c4d5e6");
    }

    @Test
    void modelEventsMatchTheSchemaAndRoundTrip() throws IOException {
        ModelEventRecord r = modelEvent(new ModelDiagnostics(-41.2, -40.1, 6.3, 5, "healthy"));
        JsonNode n = tree(ModelEventRecordJson.INSTANCE.encode(r));

        assertValid(MODEL_EVENT, n);
        assertThat(n.get("outcome").asText()).isEqualTo("promoted");
        assertThat(n.get("key").asText()).isEqualTo("global");
        assertThat(n.get("trained_at").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(n.get("schema_version").asInt()).isEqualTo(2);
        assertThat(n.get("job_id").asText()).isEqualTo("3f2a9c0e4b1d5a6e7f8091a2b3c4d5e6");
        assertThat(n.get("diagnostics").get("active_units").asInt()).isEqualTo(5);
        assertThat(ModelEventRecordJson.INSTANCE.decode(ModelEventRecordJson.INSTANCE.encode(r)))
                .isEqualTo(r);
    }

    @Test
    void missingDiagnosticsAreNulls() throws IOException {
        ModelEventRecord r = new ModelEventRecord("host-1", 1, ModelEventRecord.Outcome.REJECTED,
                "training diverged", 0, 100, 0.5,
                new ModelDiagnostics(Double.NaN, Double.NaN, Double.NaN, -1, "diverged"), null);
        JsonNode n = tree(ModelEventRecordJson.INSTANCE.encode(r));

        assertValid(MODEL_EVENT, n);
        assertThat(n.get("job_id").isNull()).as("deterministic mode has no job id").isTrue();
        assertThat(n.get("diagnostics").get("heldout_elbo").isNull()).isTrue();
        assertThat(n.get("diagnostics").get("active_units").isNull()).isTrue();
        assertThat(ModelEventRecordJson.INSTANCE.decode(ModelEventRecordJson.INSTANCE.encode(r)))
                .isEqualTo(r);
    }

    @Test
    void schemaRejectsAModelEventWithoutVerdictOrWithAnUnknownOutcome() throws IOException {
        ObjectNode n = (ObjectNode) tree(ModelEventRecordJson.INSTANCE.encode(
                modelEvent(new ModelDiagnostics(-1, -1, 1, 1, "ok"))));
        ((ObjectNode) n.get("diagnostics")).remove("verdict");
        assertThat(errors(MODEL_EVENT, n)).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("verdict"));

        ObjectNode outcome = (ObjectNode) tree(ModelEventRecordJson.INSTANCE.encode(
                modelEvent(new ModelDiagnostics(-1, -1, 1, 1, "ok"))));
        outcome.put("outcome", "maybe");
        assertThat(errors(MODEL_EVENT, outcome)).isNotEmpty();

        ObjectNode noJob = (ObjectNode) tree(ModelEventRecordJson.INSTANCE.encode(
                modelEvent(new ModelDiagnostics(-1, -1, 1, 1, "ok"))));
        noJob.remove("job_id");
        assertThat(errors(MODEL_EVENT, noJob)).as("job_id is required (null allowed)")
                .isNotEmpty();
        noJob.put("job_id", "not-a-job-id");
        assertThat(errors(MODEL_EVENT, noJob)).isNotEmpty();
    }

    // --------------------------------------------------------------------------- decode errors

    @Test
    void decodersNameTheBadField() {
        assertThatThrownBy(() -> ModelEventRecordJson.INSTANCE.decode(
                "{\"schema_version\":2,\"key\":\"g\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outcome");
        assertThatThrownBy(() -> AnomalyRecordJson.INSTANCE.decode(
                "{\"schema_version\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("schema_version 1");
        assertThatThrownBy(() -> DeadLetterRecordJson.INSTANCE.decode(
                "not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
    }

    // ---------------------------------------------------------------------------- Kafka glue

    @Test
    void producerRecordsCarryKeyTimestampAndValue() {
        AnomalyRecord r = anomaly(jsonEvent(), -1);
        ProducerRecord<byte[], byte[]> p =
                KafkaSerdes.producerRecord("anomalies", AnomalyRecordJson.INSTANCE, r);
        assertThat(p.topic()).isEqualTo("anomalies");
        assertThat(new String(p.key(), StandardCharsets.UTF_8)).isEqualTo("h7");
        assertThat(p.timestamp()).isEqualTo(1_714_564_800_250L);
        assertThat(p.value()).isEqualTo(AnomalyRecordJson.INSTANCE.encode(r));
    }

    @Test
    void outputTimestampsAreNeverInTheFutureNorNegative() {
        long now = 1_764_460_800_000L;
        long farFuture = now + java.time.Duration.ofDays(3650).toMillis();
        for (Long t : new Long[] {farFuture, now - 5000, -86_400_000L, 0L, null}) {
            assertThat(OutputTimestamps.choose(KafkaOptions.OutputTimestamp.PROCESSING_TIME, t,
                    now)).isEqualTo(now);
        }
        assertThat(OutputTimestamps.choose(KafkaOptions.OutputTimestamp.EVENT_TIME, farFuture,
                now)).as("clamped to now").isEqualTo(now);
        assertThat(OutputTimestamps.choose(KafkaOptions.OutputTimestamp.EVENT_TIME, now - 5000,
                now)).as("the event time when it lies in the past").isEqualTo(now - 5000);
        assertThat(OutputTimestamps.choose(KafkaOptions.OutputTimestamp.EVENT_TIME,
                -86_400_000L, now)).as("never negative").isZero();
        assertThat(OutputTimestamps.choose(KafkaOptions.OutputTimestamp.EVENT_TIME, null, now))
                .isEqualTo(now);
    }

    @Test
    void anomalyRecordSizeBoundIsAnUpperBound() {
        // Events whose JSON re-encoding grows the most: short floats and escaped text.
        List<String> events = List.of(
                "{\"host\":\"h7\",\"ts\":1,\"cpu\":1e5,\"mem\":2E-300,\"x\":[1e9,1e9,1e9]}",
                "{\"host\":\"h7\",\"ts\":1,\"cpu\":1,\"mem\":2,\"s\":\"\\u0001\\u0002\\u0003\"}");
        EventParser parser = new EventParser(input("key-field=host", "event-time-field=ts",
                "feature-fields=[cpu, mem]"));
        for (String json : events) {
            AnomalyRecord r = anomaly((Event) parser.parse(record(json)), -1);
            assertThat(AnomalyRecordJson.sizeBound(r))
                    .isGreaterThanOrEqualTo(AnomalyRecordJson.INSTANCE.kafkaSize(r));
        }
        byte[] binary = new byte[1000];
        new java.util.Random(1).nextBytes(binary);
        AnomalyRecord b = new AnomalyRecord("\u0001".repeat(50), 0,
                new SourcePosition("t", 0, 0), -1, 1, -2, true, 1,
                List.of(new FeatureContribution("\"".repeat(40), 1)), binary, null);
        assertThat(AnomalyRecordJson.sizeBound(b))
                .isGreaterThanOrEqualTo(AnomalyRecordJson.INSTANCE.kafkaSize(b));
    }

    @Test
    void kafkaSerializerAndDeserializerUseTheCodec() {
        ModelEventRecord r = modelEvent(new ModelDiagnostics(-1, -1, 1, 1, "ok"));
        byte[] bytes = KafkaSerdes.serializer(ModelEventRecordJson.INSTANCE).serialize("t", r);
        assertThat(KafkaSerdes.deserializer(ModelEventRecordJson.INSTANCE).deserialize("t", bytes))
                .isEqualTo(r);
        assertThat(KafkaSerdes.deserializer(ModelEventRecordJson.INSTANCE).deserialize("t", null))
                .isNull();
    }
}

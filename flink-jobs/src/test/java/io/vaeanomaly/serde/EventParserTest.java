package io.vaeanomaly.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.config.InputOptions;
import io.vaeanomaly.config.JobConfigLoader;
import io.vaeanomaly.serde.ParseFailure.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventParserTest {

    private static long nextOffset = 0;

    static InputOptions input(String... overrides) {
        List<String> all = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=localhost:9092",
                "kafka.input-topic=in",
                "kafka.output-topic=out"));
        for (String o : overrides) {
            all.add("input." + o);
        }
        return JobConfigLoader.fromOverrides(all.toArray(String[]::new)).input();
    }

    static KafkaRecord record(String value) {
        return record(value.getBytes(StandardCharsets.UTF_8));
    }

    static KafkaRecord record(byte[] value) {
        return new KafkaRecord("in", 3, nextOffset++, 1_700_000_000_000L,
                "kafka-key".getBytes(StandardCharsets.UTF_8), value);
    }

    static Event event(ParseResult r) {
        assertThat(r).as("%s", r).isInstanceOf(Event.class);
        return (Event) r;
    }

    static ParseFailure failure(ParseResult r) {
        assertThat(r).as("%s", r).isInstanceOf(ParseFailure.class);
        return (ParseFailure) r;
    }

    static void assertFailure(ParseResult r, Kind kind, String field) {
        ParseFailure f = failure(r);
        assertThat(f.kind()).as(f.reason()).isEqualTo(kind);
        assertThat(f.field()).as(f.reason()).isEqualTo(field);
        if (field != null) {
            assertThat(f.reason()).contains(field);
        }
    }

    @Nested
    class JsonWithNamedFeatures {
        final EventParser parser = new EventParser(input(
                "key-field=host", "event-time-field=ts",
                "feature-fields=[metrics.cpu, metrics.mem]"));

        @Test
        void parsesNestedFieldsInConfiguredOrder() {
            String json = "{\"host\":\"h1\",\"ts\":1714564800000,"
                    + "\"metrics\":{\"mem\":0.25,\"cpu\":0.5},\"note\":\"x\"}";
            KafkaRecord rec = record(json);
            Event e = event(parser.parse(rec));

            assertThat(e.key()).isEqualTo("h1");
            assertThat(e.eventTimeMs()).isEqualTo(1_714_564_800_000L);
            assertThat(e.features()).containsExactly(0.5, 0.25);
            assertThat(e.schema().names()).containsExactly("metrics.cpu", "metrics.mem");
            assertThat(e.source()).isEqualTo(new SourcePosition("in", 3, rec.offset()));
            assertThat(new String(e.original(), StandardCharsets.UTF_8)).isEqualTo(json);
            assertThat(parser.schema()).contains(e.schema());
        }

        @Test
        void acceptsIsoTimesNumericKeysAndLiteralDottedNames() {
            Event e = event(parser.parse(record(
                    "{\"host\":7,\"ts\":\"2024-05-01T14:00:00+02:00\","
                            + "\"metrics.cpu\":1,\"metrics\":{\"mem\":2}}")));
            assertThat(e.key()).isEqualTo("7");
            assertThat(e.eventTimeMs()).isEqualTo(1_714_564_800_000L);
            assertThat(e.features()).containsExactly(1.0, 2.0);
            assertThat(event(parser.parse(record(
                    "{\"host\":\"a\",\"ts\":\"2024-05-01T12:00:00Z\",\"metrics\":{\"cpu\":1,"
                            + "\"mem\":2}}"))).eventTimeMs())
                    .isEqualTo(1_714_564_800_000L);
        }

        @Test
        void missingFieldsAreNamed() {
            assertFailure(parser.parse(record("{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":1}}")),
                    Kind.MISSING_FIELD, "metrics.mem");
            assertFailure(parser.parse(record("{\"ts\":1,\"metrics\":{\"cpu\":1,\"mem\":1}}")),
                    Kind.MISSING_FIELD, "host");
            assertFailure(
                    parser.parse(record("{\"host\":\"h\",\"metrics\":{\"cpu\":1,\"mem\":1}}")),
                    Kind.MISSING_FIELD, "ts");
        }

        @Test
        void nonNumericValuesAreNamed() {
            for (String bad : List.of("\"high\"", "true", "null", "{\"a\":1}", "[1]", "\"1d\"",
                    "\"0x10\"")) {
                assertFailure(parser.parse(record(
                                "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":" + bad
                                        + ",\"mem\":1}}")),
                        Kind.NON_NUMERIC, "metrics.cpu");
            }
        }

        @Test
        void nanAndInfinityAreNamed() {
            for (String bad : List.of("NaN", "Infinity", "-Infinity", "1e400")) {
                assertFailure(parser.parse(record(
                                "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":1,\"mem\":" + bad
                                        + "}}")),
                        Kind.NON_FINITE, "metrics.mem");
            }
        }

        @Test
        void absurdMagnitudesAreOutOfRange() {
            for (String bad : List.of("1e308", "-1e308", "1.5e15", "-2e16")) {
                ParseFailure f = failure(parser.parse(record(
                        "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":1,\"mem\":" + bad
                                + "}}")));
                assertThat(f.kind()).as(bad).isEqualTo(Kind.OUT_OF_RANGE);
                assertThat(f.field()).isEqualTo("metrics.mem");
                assertThat(f.reason()).contains("input.max-abs-value");
            }
            // The bound itself is accepted.
            assertThat(event(parser.parse(record("{\"host\":\"h\",\"ts\":1,\"metrics\":"
                    + "{\"cpu\":-1e15,\"mem\":1e15}}"))).features())
                    .containsExactly(-1e15, 1e15);
            EventParser wide = new EventParser(input("key-field=host", "event-time-field=ts",
                    "feature-fields=[metrics.cpu, metrics.mem]", "max-abs-value=1e20"));
            assertThat(event(wide.parse(record("{\"host\":\"h\",\"ts\":1,\"metrics\":"
                    + "{\"cpu\":1,\"mem\":1.5e15}}"))).feature(1)).isEqualTo(1.5e15);
        }

        @Test
        void numbersInStringsAreRejectedUnlessAccepted() {
            String json = "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":\"45.0\",\"mem\":1}}";
            ParseFailure f = failure(parser.parse(record(json)));
            assertThat(f.kind()).isEqualTo(Kind.NON_NUMERIC);
            assertThat(f.field()).isEqualTo("metrics.cpu");
            assertThat(f.reason()).contains("\"45.0\"").contains("input.accept-numeric-strings");

            EventParser lenient = new EventParser(input("key-field=host", "event-time-field=ts",
                    "feature-fields=[metrics.cpu, metrics.mem]", "accept-numeric-strings=true"));
            assertThat(event(lenient.parse(record(json))).features()).containsExactly(45.0, 1.0);
            // Accepted strings are still checked like numbers.
            for (String bad : List.of("\"NaN\"", "\"-Infinity\"")) {
                assertFailure(lenient.parse(record(
                                "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":1,\"mem\":" + bad
                                        + "}}")),
                        Kind.NON_FINITE, "metrics.mem");
            }
            assertFailure(lenient.parse(record(
                            "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":\"1e300\",\"mem\":1}}")),
                    Kind.OUT_OF_RANGE, "metrics.cpu");
            assertFailure(lenient.parse(record(
                            "{\"host\":\"h\",\"ts\":1,\"metrics\":{\"cpu\":\"high\",\"mem\":1}}")),
                    Kind.NON_NUMERIC, "metrics.cpu");
        }

        @Test
        void badKeyAndTimeValuesAreNamed() {
            assertFailure(parser.parse(record("{\"host\":\"h\",\"ts\":\"yesterday\","
                            + "\"metrics\":{\"cpu\":1,\"mem\":1}}")),
                    Kind.INVALID_FIELD, "ts");
            assertFailure(parser.parse(record(
                            "{\"host\":{\"id\":1},\"ts\":1,\"metrics\":{\"cpu\":1,\"mem\":1}}")),
                    Kind.INVALID_FIELD, "host");
        }

        @Test
        void unparsableRecordsHaveNoField() {
            for (String bad : List.of("{not json", "[1,2]", "42", "{\"a\":1}{\"b\":2}", "   ")) {
                assertFailure(parser.parse(record(bad)), Kind.UNPARSABLE, null);
            }
            assertFailure(parser.parse(record(new byte[0])), Kind.UNPARSABLE, null);
            assertFailure(parser.parse(record((byte[]) null)), Kind.UNPARSABLE, null);
            assertFailure(parser.parse(record(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1',
                    '}'})), Kind.UNPARSABLE, null);
        }

        @Test
        void failureKeepsTheRecordForTheDeadLetterTopic() {
            KafkaRecord rec = record("{oops");
            ParseFailure f = failure(parser.parse(rec));
            assertThat(f.source()).isEqualTo(rec.position());
            assertThat(f.timestampMs()).isEqualTo(rec.timestampMs());
            assertThat(f.original()).isEqualTo(rec.value());
            assertThat(f.key()).isEqualTo(rec.key());
        }
    }

    @Test
    void kafkaKeyAndTimestampAreTheDefaults() {
        EventParser parser = new EventParser(input("feature-fields=x"));
        Event e = event(parser.parse(record("{\"x\":1}")));
        assertThat(e.key()).isEqualTo("kafka-key");
        assertThat(e.eventTimeMs()).isEqualTo(1_700_000_000_000L);

        KafkaRecord noKeyNoTime = new KafkaRecord("in", 0, 0, KafkaRecord.NO_TIMESTAMP, null,
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        assertFailure(parser.parse(noKeyNoTime), Kind.MISSING_FIELD, null);
        assertThat(failure(parser.parse(noKeyNoTime)).reason()).contains("no Kafka timestamp");
    }

    @Nested
    class JsonWithPattern {
        final InputOptions options = input("feature-pattern=metrics\\..*", "key-field=host");

        @Test
        void firstValidRecordFixesTheSortedFeatureSet() {
            EventParser parser = new EventParser(options);
            assertThat(parser.schema()).isEmpty();

            Event first = event(parser.parse(record(
                    "{\"host\":\"a\",\"metrics\":{\"mem\":1,\"cpu\":2,\"disk\":{\"io\":3}},"
                            + "\"other\":5}")));
            assertThat(first.schema().names())
                    .containsExactly("metrics.cpu", "metrics.disk.io", "metrics.mem");
            assertThat(first.features()).containsExactly(2.0, 3.0, 1.0);

            Event reordered = event(parser.parse(record(
                    "{\"metrics\":{\"disk\":{\"io\":30},\"mem\":10,\"cpu\":20},\"host\":\"b\"}")));
            assertThat(reordered.features()).containsExactly(20.0, 30.0, 10.0);
            assertThat(reordered.schema()).isSameAs(first.schema());
        }

        @Test
        void laterRecordsWithAnotherSetAreWrongDimension() {
            EventParser parser = new EventParser(options);
            event(parser.parse(record("{\"host\":\"a\",\"metrics\":{\"cpu\":1,\"mem\":2}}")));

            assertFailure(parser.parse(record(
                            "{\"host\":\"a\",\"metrics\":{\"cpu\":1,\"mem\":2,\"gpu\":3}}")),
                    Kind.WRONG_DIMENSION, "metrics.gpu");
            assertFailure(parser.parse(record("{\"host\":\"a\",\"metrics\":{\"cpu\":1}}")),
                    Kind.WRONG_DIMENSION, "metrics.mem");
            assertFailure(parser.parse(record(
                            "{\"host\":\"a\",\"metrics\":{\"cpu\":\"x\",\"mem\":2}}")),
                    Kind.NON_NUMERIC, "metrics.cpu");
        }

        @Test
        void invalidFirstRecordsDoNotFixTheSchema() {
            EventParser parser = new EventParser(options);
            assertFailure(parser.parse(record(
                            "{\"host\":\"a\",\"metrics\":{\"cpu\":\"x\",\"mem\":2}}")),
                    Kind.NON_NUMERIC, "metrics.cpu");
            assertFailure(parser.parse(record("{\"metrics\":{\"cpu\":1}}")),
                    Kind.MISSING_FIELD, "host");
            assertFailure(parser.parse(record("{\"host\":\"a\",\"cpu\":1}")),
                    Kind.MISSING_FIELD, null);
            assertThat(parser.schema()).isEmpty();

            event(parser.parse(record("{\"host\":\"a\",\"metrics\":{\"cpu\":1}}")));
            assertThat(parser.schema().orElseThrow().names()).containsExactly("metrics.cpu");
        }

        @Test
        void expectedDimensionIsCheckedOnTheFirstRecord() {
            EventParser parser = new EventParser(input("feature-pattern=m.*",
                    "expected-dimension=3"));
            assertFailure(parser.parse(record("{\"m1\":1,\"m2\":2}")),
                    Kind.WRONG_DIMENSION, "m1");
            assertThat(parser.schema()).isEmpty();
            assertThat(event(parser.parse(record("{\"m1\":1,\"m2\":2,\"m3\":3}"))).dimension())
                    .isEqualTo(3);
        }

        @Test
        void aRestoredSchemaIsUsedFromTheStart() {
            FeatureSchema restored = new FeatureSchema(List.of("metrics.a", "metrics.b"));
            EventParser parser = new EventParser(options, restored);
            assertFailure(parser.parse(record("{\"host\":\"a\",\"metrics\":{\"a\":1}}")),
                    Kind.WRONG_DIMENSION, "metrics.b");
            assertThat(event(parser.parse(record(
                            "{\"host\":\"a\",\"metrics\":{\"b\":2,\"a\":1}}"))).features())
                    .containsExactly(1.0, 2.0);
        }
    }

    @Test
    void withoutFieldsOrPatternEveryNumericFieldButKeyAndTimeIsAFeature() {
        EventParser parser = new EventParser(input("key-field=id", "event-time-field=ts"));
        Event e = event(parser.parse(record(
                "{\"id\":5,\"ts\":1000,\"x\":1.5,\"y\":{\"z\":-2},\"label\":\"ok\"}")));
        assertThat(e.schema().names()).containsExactly("x", "y.z");
        assertThat(e.features()).containsExactly(1.5, -2.0);
        assertThat(e.eventTimeMs()).isEqualTo(1000);
        // A feature turning into text changes the numeric set.
        assertFailure(parser.parse(record("{\"id\":5,\"ts\":1000,\"x\":\"1.5\",\"y\":{\"z\":1}}")),
                Kind.WRONG_DIMENSION, "x");
    }

    @Test
    void restoredSchemaMustAgreeWithConfiguredFields() {
        assertThatThrownBy(() -> new EventParser(input("feature-fields=a,b"),
                new FeatureSchema(List.of("b", "a"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Csv {
        final EventParser parser = new EventParser(input("format=csv",
                "csv-columns=[host, ts, cpu, mem]", "key-field=host", "event-time-field=ts"));

        @Test
        void parsesALine() {
            Event e = event(parser.parse(record("h1, 1714564800000, 0.5, 2e-1\r\n")));
            assertThat(e.key()).isEqualTo("h1");
            assertThat(e.eventTimeMs()).isEqualTo(1_714_564_800_000L);
            assertThat(e.schema().names()).containsExactly("cpu", "mem");
            assertThat(e.features()).containsExactly(0.5, 0.2);
        }

        @Test
        void quotedCellsMayHoldCommasAndQuotes() {
            Event e = event(parser.parse(record(
                    "\"rack 1, \"\"east\"\"\",2024-05-01T12:00:00Z,1,2")));
            assertThat(e.key()).isEqualTo("rack 1, \"east\"");
            assertThat(e.eventTimeMs()).isEqualTo(1_714_564_800_000L);
        }

        @Test
        void badLinesAreNamed() {
            assertFailure(parser.parse(record("h1,1,0.5")), Kind.WRONG_DIMENSION, "mem");
            assertFailure(parser.parse(record("h1,1,0.5,1,9")), Kind.WRONG_DIMENSION, null);
            assertThat(failure(parser.parse(record("h1,1,0.5,1,9"))).reason())
                    .contains("expected 4 columns [host, ts, cpu, mem] but got 5");
            assertFailure(parser.parse(record("h1,1,,1")), Kind.MISSING_FIELD, "cpu");
            assertFailure(parser.parse(record(",1,1,1")), Kind.MISSING_FIELD, "host");
            assertFailure(parser.parse(record("h1,1,high,1")), Kind.NON_NUMERIC, "cpu");
            assertFailure(parser.parse(record("h1,1,1,NaN")), Kind.NON_FINITE, "mem");
            assertFailure(parser.parse(record("h1,1,1,-Infinity")), Kind.NON_FINITE, "mem");
            assertFailure(parser.parse(record("h1,1,1,1e308")), Kind.OUT_OF_RANGE, "mem");
            assertFailure(parser.parse(record("h1,soon,1,1")), Kind.INVALID_FIELD, "ts");
            assertFailure(parser.parse(record("h1,1,1,1\nh2,1,1,1")), Kind.UNPARSABLE, null);
            assertFailure(parser.parse(record("\"h1,1,1,1")), Kind.UNPARSABLE, null);
            assertFailure(parser.parse(record(new byte[] {'h', (byte) 0xFF, ',', '1', ',', '1',
                    ',', '1'})), Kind.UNPARSABLE, null);
        }
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        Random random = new Random(7);
        List<EventParser> parsers = List.of(
                new EventParser(input("feature-fields=a,b.c", "key-field=k",
                        "event-time-field=t")),
                new EventParser(input("feature-pattern=.*")),
                new EventParser(input("format=csv", "csv-columns=a,b,c")));
        String alphabet = "{}[]\":,.-+eE0123456789 abckt\\nNaN\u00e9";
        int events = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
            } else {
                StringBuilder s = new StringBuilder();
                int n = random.nextInt(40);
                for (int j = 0; j < n; j++) {
                    s.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            }
            for (EventParser p : parsers) {
                ParseResult r = p.parse(record(bytes));
                assertThat(r).isNotNull();
                if (r instanceof ParseFailure f) {
                    assertThat(f.reason()).doesNotStartWith("unexpected parser error");
                } else {
                    events++;
                }
            }
        }
        assertThat(events).isLessThan(3000 * parsers.size());
    }
}

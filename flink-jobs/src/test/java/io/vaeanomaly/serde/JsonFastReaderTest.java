package io.vaeanomaly.serde;

import static io.vaeanomaly.serde.EventParserTest.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaeanomaly.config.InputOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path against the tree reader it must agree with: on generated records and
 * on thousands of random mutations of them (characters deleted, inserted or replaced, fields
 * duplicated, nested, renamed), every event the fast path returns equals the tree reader's, and
 * every record the tree reader rejects is left to it. The fast path must also take the
 * ordinary records, or it would be no fast path.
 */
class JsonFastReaderTest {

    /** Configurations covering the reader's modes. */
    private static final List<String[]> CONFIGS = List.of(
            new String[] {"key-field=host", "event-time-field=ts",
                "feature-fields=[cpu, mem, disk.read, io]"},
            new String[] {"key-field=host", "event-time-field=ts",
                "feature-fields=[cpu, mem, disk.read, io]", "accept-numeric-strings=true"},
            new String[] {"key-field=meta.host", "feature-fields=[cpu, mem]"},
            new String[] {"key-field=host", "event-time-field=ts"},
            new String[] {"key-field=host", "feature-pattern=(cpu|mem|disk\\..*)"},
            new String[] {});

    private static final String[] MUTATION_TOKENS = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "0", "-", ".", "e", "1e400", "NaN",
        "Infinity", "null", "true", "\"x\"", "\"cpu\":1", "\"host\":\"h9\"", "\"disk.read\":2",
        "{\"read\":3}", "\u00e9", "\"ts\":\"2024-05-01T00:00:00Z\"", "\"ts\":1.5"
    };

    @Test
    void agreesWithTheTreeReaderOnGeneratedAndMutatedRecords() throws Exception {
        Random random = new Random(7);
        long fastEvents = 0;
        long accepted = 0;
        for (String[] config : CONFIGS) {
            InputOptions options = input(config);
            JsonRecordReader reader = new JsonRecordReader(options, null);
            // The first valid record fixes a discovered schema (the tree's job).
            while (reader.schemaForTest() == null) {
                try {
                    reader.read(EventParserTest.record(clean(random, false)));
                } catch (BadInput e) {
                    // an out-of-range value: try the next
                }
            }
            for (int i = 0; i < 3000; i++) {
                boolean unusual = random.nextInt(4) == 0;
                String json = clean(random, unusual);
                Event fast = compare(reader, json);
                if (!unusual && treeAccepts(reader, json)) {
                    accepted++;
                    fastEvents += fast != null ? 1 : 0;
                }
                for (int m = 0; m < 3; m++) {
                    compare(reader, mutate(random, json));
                }
            }
        }
        // Ordinary records the tree reader accepts are the fast path's to take (numeric keys
        // and ISO event times included); it leaves only the unusual shapes to the tree.
        assertThat(fastEvents).as("ordinary records the fast path took, of %d", accepted)
                .isEqualTo(accepted);
        assertThat(accepted).isGreaterThan(5000);
    }

    private static boolean treeAccepts(JsonRecordReader reader, String json) {
        try {
            reader.readTree(EventParserTest.record(json.getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (BadInput | RuntimeException e) {
            return false;
        }
    }

    /** Asserts that the fast path returns null or the tree's event; returns the fast result. */
    private static Event compare(JsonRecordReader reader, String json) {
        KafkaRecord record = EventParserTest.record(json.getBytes(StandardCharsets.UTF_8));
        Event tree;
        String treeError = null;
        try {
            tree = reader.readTree(record);
        } catch (BadInput e) {
            tree = null;
            treeError = e.getMessage();
        } catch (RuntimeException e) {
            tree = null;
            treeError = e.toString();
        }
        Event fast = reader.fastPathForTest(record);
        if (fast != null) {
            assertThat(treeError).as("fast path accepted what the tree rejects: %s", json)
                    .isNull();
            assertThat(fast).as(json).isEqualTo(tree);
            assertThat(fast.schema()).isEqualTo(tree.schema());
            if (fast.originalIsVerbatimJson()) {
                // Embeddable as it is: one line of printable ASCII, standard JSON (no NaN or
                // Infinity literal) with unique keys.
                assertThat(JsonFastReader.printableAsciiObject(record.value())).as(json).isTrue();
                assertThat(standardJson(record.value())).as(json).isTrue();
            }
        }
        return fast;
    }

    private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.core.JsonParser.Feature
                            .STRICT_DUPLICATE_DETECTION)
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature
                            .FAIL_ON_TRAILING_TOKENS)
                    .reader();

    private static boolean standardJson(byte[] bytes) {
        try {
            return STRICT.readTree(bytes).isObject();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A well-formed record of the kind the configurations read, in varied shapes. */
    private static String clean(Random r, boolean unusual) {
        List<String> fields = new ArrayList<>();
        fields.add(r.nextInt(5) == 0 ? "\"host\":" + r.nextInt(100)
                : "\"host\":\"h" + r.nextInt(5) + "\"");
        fields.add(r.nextInt(4) == 0 ? "\"ts\":\"2024-05-01T12:00:0" + r.nextInt(10) + "Z\""
                : "\"ts\":" + (1_714_000_000_000L + r.nextInt(1_000_000)));
        fields.add("\"cpu\":" + number(r));
        fields.add("\"mem\":" + number(r));
        fields.add(r.nextBoolean() ? "\"disk\":{\"read\":" + number(r) + "}"
                : "\"disk.read\":" + number(r));
        fields.add("\"io\":" + number(r));
        fields.add("\"meta\":{\"host\":\"m" + r.nextInt(3) + "\",\"zone\":\"z\"}");
        if (r.nextBoolean()) {
            fields.add("\"note\":\"" + (r.nextBoolean() ? "ok" : "caf\u00e9 \\\"q\\\"") + "\"");
        }
        if (unusual) {
            switch (r.nextInt(6)) {
                case 0 -> fields.add("\"tags\":[1,2,{\"a\":NaN}]");
                case 1 -> fields.add("\"extra\":NaN");
                case 2 -> fields.add("\"cpu\":" + number(r)); // a duplicate
                case 3 -> fields.add("\"io\":\"" + number(r) + "\"");
                case 4 -> fields.add("\"flag\":true,\"none\":null");
                default -> fields.add("\"deep\":{\"a\":{\"b\":{\"c\":" + number(r) + "}}}");
            }
        }
        java.util.Collections.shuffle(fields, r);
        String sep = r.nextInt(8) == 0 ? ", " : ",";
        return (r.nextInt(10) == 0 ? " {" : "{") + String.join(sep, fields) + "}";
    }

    private static String number(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Integer.toString(r.nextInt(200) - 100);
            case 1 -> String.format(Locale.ROOT, "%.6f", r.nextGaussian() * 50);
            case 2 -> String.format(Locale.ROOT, "%.3e", r.nextGaussian() * 1e5);
            case 3 -> Long.toString(r.nextLong() % 1_000_000_000_000_000L);
            case 4 -> Double.toString(r.nextDouble());
            default -> "0.1";
        };
    }

    private static String mutate(Random r, String json) {
        StringBuilder sb = new StringBuilder(json);
        int at = r.nextInt(sb.length() + 1);
        switch (r.nextInt(3)) {
            case 0 -> {
                if (sb.length() > 0) {
                    sb.deleteCharAt(Math.min(at, sb.length() - 1));
                }
            }
            case 1 -> sb.insert(at, MUTATION_TOKENS[r.nextInt(MUTATION_TOKENS.length)]);
            default -> {
                if (at < sb.length()) {
                    sb.setCharAt(at, MUTATION_TOKENS[r.nextInt(MUTATION_TOKENS.length)]
                            .charAt(0));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void verbatimRecordsAreEmbeddedAsTheyAreAndMeanWhatTheTreeWould() throws Exception {
        JsonRecordReader reader = new JsonRecordReader(
                input("key-field=host", "feature-fields=[cpu, mem]"), null);
        String json = "{\"host\":\"h1\",\"cpu\":1.50,\"mem\":1e2,\"note\":\"a\\u0041\"}";
        Event e = reader.read(EventParserTest.record(json));
        assertThat(e.originalIsVerbatimJson()).isTrue();
        AnomalyRecord r = AnomalyRecord.of(e, -10, 0.5, -20, false, 1, List.of());
        byte[] verbatim = AnomalyRecordJson.INSTANCE.encode(r);
        assertThat(new String(verbatim, StandardCharsets.UTF_8))
                .contains("\"event\":" + json + "}");
        // The same record re-encoded the old way carries an equal JSON value.
        AnomalyRecord reencoded = new AnomalyRecord(r.key(), r.eventTimeMs(), r.source(),
                r.logProb(), r.anomalyScore(), r.thresholdLogProb(), r.isAnomaly(),
                r.modelVersion(), r.topFeatures(), r.event(), null, false);
        byte[] old = AnomalyRecordJson.INSTANCE.encode(reencoded);
        JsonNode a = JsonSupport.MAPPER.readTree(verbatim);
        JsonNode b = JsonSupport.MAPPER.readTree(old);
        assertThat(a).isEqualTo(b);
        assertThat(AnomalyRecordJson.INSTANCE.decode(verbatim))
                .isEqualTo(AnomalyRecordJson.INSTANCE.decode(old));
    }

    @Test
    void recordsThatCannotBeEmbeddedAsTheyAreAreNotMarked() {
        JsonRecordReader reader = new JsonRecordReader(
                input("key-field=host", "feature-fields=[cpu]"), null);
        for (String json : List.of(
                "{\"host\":\"h\",\"cpu\":1,\"x\":NaN}",
                "{\"host\":\"h\",\"cpu\":1,\"x\":[1]}",
                "{\"host\":\"h\",\"cpu\":1,\"x\":\"caf\u00e9\"}",
                "{\"host\":\"h\",\n\"cpu\":1}",
                " {\"host\":\"h\",\"cpu\":1}",
                "{\"host\":\"h\",\"cpu\":1,\"cpu\":2}")) {
            Event e = (Event) new EventParser(input("key-field=host", "feature-fields=[cpu]"))
                    .parse(EventParserTest.record(json));
            assertThat(e.originalIsVerbatimJson()).as(json).isFalse();
            assertThat(reader.fastPathForTest(EventParserTest.record(json)) == null
                    || !reader.fastPathForTest(EventParserTest.record(json))
                            .originalIsVerbatimJson()).as(json).isTrue();
        }
    }
}

package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.testdata.OutputSchemas;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobTopics;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.MiniClusters;
import io.vaeanomaly.testutils.RunningJobs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad record a user's producer can send, against a Kafka broker with its DEFAULT
 * limits (about 1 MB per record, timestamps at most 1 h in the future), the exactly-once job and
 * outputs read with read_committed. Each test proves: every input record is either scored
 * (scores topic) or dead-lettered, exactly once and with the expected error type, every output
 * record matches its schema, and the job never restarted (restart strategy with unlimited
 * attempts, so a poison record would show as a climbing attempt number rather than a failure).
 */
class FaultInjectionITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Just below Kafka's default max.request.size (1048576) with room for the headers. */
    private static final int NEAR_ONE_MEGABYTE = 1_000_000;
    private static final long TEN_YEARS_MS = Duration.ofDays(3653).toMillis();

    @TempDir Path tmp;
    @RegisterExtension final RunningJobs running = new RunningJobs();

    /** What must become of one input record. */
    private record Expect(String label, String errorType) {
        static Expect scored(String label) {
            return new Expect(label, null);
        }

        static Expect dead(String label, String errorType) {
            return new Expect(label, errorType);
        }
    }

    private record Input(byte[] key, byte[] value, Expect expect) {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String host, long ts, double[] x) {
        String json = StreamData.json(host, x);
        return json.substring(0, json.length() - 1) + ",\"ts\":" + ts + "}";
    }

    private static Input normal(String host, long ts, double[] x) {
        return new Input(utf8(host), utf8(event(host, ts, x)), Expect.scored("normal"));
    }

    /** The bad records, each with the error type it must be dead-lettered with. */
    private static List<Input> faults(long now) {
        List<Input> f = new ArrayList<>();
        String ok = "\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4";
        String head = "{\"host\":\"h9\",\"ts\":" + now + ",";
        // A near-1 MB value that is not JSON: its dead letter is cut to the cap.
        byte[] big = new byte[NEAR_ONE_MEGABYTE];
        Arrays.fill(big, (byte) 'x');
        f.add(new Input(null, big, Expect.dead("1 MB garbage", "unparsable")));
        // A near-1 MB valid event: it is scored, but its score record (which embeds it) would
        // exceed the broker's limit.
        String pad = "x".repeat(NEAR_ONE_MEGABYTE - 200);
        f.add(new Input(utf8("h9"), utf8(head + ok + ",\"pad\":\"" + pad + "\"}"),
                Expect.dead("1 MB event", "output_too_large")));
        // Random bytes and invalid UTF-8.
        byte[] random = new byte[300];
        new Random(7).nextBytes(random);
        f.add(new Input(null, random, Expect.dead("random bytes", "unparsable")));
        byte[] badUtf8 = utf8(head + ok + ",\"note\":\"AB\"}");
        int at = new String(badUtf8, StandardCharsets.UTF_8).indexOf("AB");
        badUtf8[at] = (byte) 0xC3;
        badUtf8[at + 1] = (byte) 0x28; // 0xC3 must be followed by a continuation byte
        f.add(new Input(null, badUtf8, Expect.dead("invalid UTF-8", "unparsable")));
        // EventParserTest's bad inputs.
        for (String s : List.of("{oops", "[1,2]", "42", "{\"a\":1}{\"b\":2}", "   ", "")) {
            f.add(new Input(null, utf8(s), Expect.dead("not an object: " + s, "unparsable")));
        }
        f.add(new Input(null, null, Expect.dead("tombstone", "unparsable")));
        f.add(new Input(null, utf8(head + "\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3}"),
                Expect.dead("missing feature", "missing_field")));
        f.add(new Input(null, utf8("{\"ts\":" + now + "," + ok + "}"),
                Expect.dead("missing key", "missing_field")));
        f.add(new Input(null, utf8("{\"host\":\"h9\"," + ok + "}"),
                Expect.dead("missing event time", "missing_field")));
        for (String bad : List.of("\"high\"", "true", "null", "{\"a\":1}", "[1]", "\"1d\"",
                "\"0x10\"", "\"45.0\"")) {
            f.add(new Input(null, utf8(head + "\"cpu\":" + bad + ",\"mem\":0.2,\"disk\":0.3,"
                    + "\"net\":0.4}"), Expect.dead("cpu " + bad, "non_numeric")));
        }
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "1e400")) {
            f.add(new Input(null, utf8(head + "\"cpu\":" + bad + ",\"mem\":0.2,\"disk\":0.3,"
                    + "\"net\":0.4}"), Expect.dead("cpu " + bad, "non_finite")));
        }
        for (String bad : List.of("1e308", "-1e300", "2e15")) {
            f.add(new Input(null, utf8(head + "\"cpu\":" + bad + ",\"mem\":0.2,\"disk\":0.3,"
                    + "\"net\":0.4}"), Expect.dead("cpu " + bad, "out_of_range")));
        }
        f.add(new Input(null, utf8("{\"host\":\"h9\",\"ts\":\"yesterday\"," + ok + "}"),
                Expect.dead("bad event time", "invalid_field")));
        f.add(new Input(null, utf8("{\"host\":{\"id\":1},\"ts\":" + now + "," + ok + "}"),
                Expect.dead("key is an object", "invalid_field")));
        return f;
    }

    /** Events with event times a default broker would refuse as record timestamps. */
    private static List<Input> oddTimes(long now, StreamData data) {
        List<Input> in = new ArrayList<>();
        for (long ts : new long[] {now + TEN_YEARS_MS, now + Duration.ofHours(2).toMillis(),
            0, -TEN_YEARS_MS}) {
            in.add(new Input(utf8("h8"), utf8(event("h8", ts, data.normal())),
                    Expect.scored("event time " + ts)));
        }
        in.add(new Input(utf8("h8"), utf8("{\"host\":\"h8\",\"ts\":\"1900-01-01T00:00:00Z\","
                + "\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}"),
                Expect.scored("event time 1900")));
        return in;
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyBadRecordIsDeadLetteredOrScoredAndTheJobNeverRestarts(
            @InjectMiniCluster MiniCluster mini) throws Exception {
        assertBrokerLimitsAreKafkaDefaults();
        JobTopics t = JobTopics.create(KAFKA, 2);
        String input = t.input();
        long now = System.currentTimeMillis();
        StreamData data = new StreamData(41);
        List<Input> in = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            in.add(normal("host-" + (i % 4), now + i, data.normal()));
        }
        List<Input> bad = new ArrayList<>(faults(now));
        bad.addAll(oddTimes(now, data));
        for (int i = 0; i < bad.size(); i++) {
            in.add(bad.get(i));
            in.add(normal("host-" + (i % 4), now + 1000 + i, data.normal()));
        }
        Map<String, Expect> expected = produce(input, in);

        JobClient job = start(config(t));
        Outcome out = awaitAll(t, expected.size());
        assertEveryRecordAccountedFor(expected, out);

        assertThat(MiniClusters.restarts(mini, job.getJobID())).as("task restarts").isZero();
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);

        // The 1 MB garbage's dead letter is bounded and says it was cut.
        JsonNode bigDead = out.dead().values().stream()
                .filter(d -> d.get("original_size").asInt() == NEAR_ONE_MEGABYTE)
                .filter(d -> d.get("error_type").asText().equals("unparsable"))
                .findFirst().orElseThrow();
        assertThat(bigDead.get("original_truncated").asBoolean()).isTrue();
        assertThat(bigDead.toString().length()).isLessThanOrEqualTo(65_536);
        JsonNode tooLarge = out.dead().values().stream()
                .filter(d -> d.get("error_type").asText().equals("output_too_large"))
                .findFirst().orElseThrow();
        assertThat(tooLarge.get("reason").asText()).contains("kafka.max-record-bytes");
        // Far-future and far-past event times are kept in the payload.
        assertThat(out.scores().values()).extracting(s -> s.get("event_time").asText())
                .contains("1900-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
    }

    /**
     * Two input partitions whose events carry different feature names of the same dimension
     * (discovered by pattern, so each parse subtask fixes its own): the model takes one set and
     * the other set is dead-lettered, naming both. The outputs use event time as their Kafka
     * timestamp here, and the events lie ten years ahead: clamped to the processing time, the
     * default broker accepts them.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void eventsWithOtherFeatureNamesAreDeadLetteredAndFutureEventTimesAreClamped(
            @InjectMiniCluster MiniCluster mini) throws Exception {
        JobTopics t = JobTopics.create(KAFKA, 2);
        String input = t.input();
        long future = System.currentTimeMillis() + TEN_YEARS_MS;
        StreamData data = new StreamData(42);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double[] x = data.normal();
            int partition = i % 2;
            String names = partition == 0 ? "\"a\":%.5f,\"b\":%.5f" : "\"c\":%.5f,\"d\":%.5f";
            String value = String.format(Locale.ROOT, "{\"host\":\"h\",\"ts\":%d,\"m\":{" + names
                    + "}}", future + i, x[0], x[1]);
            records.add(new ProducerRecord<>(input, partition, null, utf8(value)));
        }
        sendAll(records);

        JobClient job = start(config(t, "input.feature-fields=[]",
                "input.feature-pattern=m\\..*", "kafka.output-timestamp=event-time"));
        Outcome out = awaitAll(t, 600);
        long writtenBy = System.currentTimeMillis();

        assertThat(out.scores().size() + out.dead().size()).isEqualTo(600);
        assertThat(out.scores()).hasSize(300);
        int trainedPartition = out.scores().keySet().iterator().next().startsWith("0@") ? 0 : 1;
        assertThat(out.scores().keySet()).allMatch(p -> p.startsWith(trainedPartition + "@"));
        assertThat(out.dead().values()).hasSize(300).allSatisfy(d -> {
            assertThat(d.get("error_type").asText()).isEqualTo("feature_mismatch");
            assertThat(d.get("reason").asText()).contains("m.a").contains("m.c");
        });
        assertThat(out.timestamps()).as("Kafka timestamps of the output records")
                .allSatisfy(ts -> assertThat(ts).isLessThanOrEqualTo(writtenBy));
        assertThat(out.scores().values()).allSatisfy(s ->
                assertThat(s.get("event_time").asText()).startsWith(
                        java.time.Instant.ofEpochMilli(future).toString().substring(0, 4)));
        assertThat(MiniClusters.restarts(mini, job.getJobID())).as("task restarts").isZero();
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
    }

    // ---------------------------------------------------------------------------- plumbing

    /** Outputs by source position ({@code partition@offset}) plus all Kafka timestamps. */
    private record Outcome(Map<String, JsonNode> scores, Map<String, JsonNode> dead,
            List<Long> timestamps) {}

    private JobConfig config(JobTopics t, String... extra) {
        List<String> o = new ArrayList<>(t.overrides(KAFKA));
        o.addAll(List.of("input.event-time-field=ts", "training.retrain-every-events=0",
                "model.scope=global"));
        o.addAll(Arrays.asList(extra));
        return TestConfigs.small(o.toArray(new String[0]));
    }

    private JobClient start(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Unlimited quick restarts: a record that fails the job shows up as restarts (and
        // duplicates or missing outputs), not as a job that gives up.
        Configuration restarts = JobTopics.flink(2, tmp.resolve("checkpoints"));
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                Integer.MAX_VALUE);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                Duration.ofMillis(200));
        env.configure(restarts);
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        JobClient client = env.executeAsync("fault-injection-it");
        running.add(client);
        return client;
    }

    /** Sends the records one per partition in turn; returns what to expect per position. */
    private static Map<String, Expect> produce(String topic, List<Input> in) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            records.add(new ProducerRecord<>(topic, i % 2, in.get(i).key(), in.get(i).value()));
        }
        List<RecordMetadata> acks = sendAll(records);
        Map<String, Expect> expected = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            expected.put(acks.get(i).partition() + "@" + acks.get(i).offset(),
                    in.get(i).expect());
        }
        return expected;
    }

    private static List<RecordMetadata> sendAll(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties p = KAFKA.producerProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        return acks;
    }

    /**
     * Reads the committed scores and dead letters until {@code n} distinct source positions are
     * accounted for (or the deadline), then returns them; a position seen twice fails at once.
     */
    private static Outcome awaitAll(JobTopics t, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Outcome o = read(t);
            if (o.scores().size() + o.dead().size() >= n || System.nanoTime() > deadline) {
                return o;
            }
            Thread.sleep(500);
        }
    }

    private static Outcome read(JobTopics t) {
        Map<String, JsonNode> scores = new HashMap<>();
        Map<String, JsonNode> dead = new HashMap<>();
        List<Long> timestamps = new ArrayList<>();
        for (ConsumerRecord<String, String> r
                : KAFKA.consumeAll(t.scores(), WAIT, IsolationLevel.READ_COMMITTED)) {
            OutputSchemas.assertValid(OutputSchemas.ANOMALY, r.value());
            JsonNode n = json(r.value());
            assertThat(scores.put(position(n), n)).as("scored twice: %s", position(n)).isNull();
            timestamps.add(r.timestamp());
        }
        for (ConsumerRecord<String, String> r
                : KAFKA.consumeAll(t.deadLetters(), WAIT, IsolationLevel.READ_COMMITTED)) {
            OutputSchemas.assertValid(OutputSchemas.DEAD_LETTER, r.value());
            assertThat(r.serializedValueSize() + Math.max(0, r.serializedKeySize()))
                    .isLessThanOrEqualTo(65_536);
            JsonNode n = json(r.value());
            assertThat(dead.put(position(n), n)).as("dead-lettered twice: %s", position(n))
                    .isNull();
            timestamps.add(r.timestamp());
        }
        for (String topic : List.of(t.output(), t.modelEvents())) {
            for (ConsumerRecord<String, String> r
                    : KAFKA.consumeAll(topic, WAIT, IsolationLevel.READ_COMMITTED)) {
                OutputSchemas.assertValid(topic.equals(t.output())
                        ? OutputSchemas.ANOMALY : OutputSchemas.MODEL_EVENT, r.value());
                timestamps.add(r.timestamp());
            }
        }
        return new Outcome(scores, dead, timestamps);
    }

    private static void assertEveryRecordAccountedFor(Map<String, Expect> expected, Outcome o) {
        for (Map.Entry<String, Expect> e : expected.entrySet()) {
            String pos = e.getKey();
            Expect want = e.getValue();
            boolean scored = o.scores().containsKey(pos);
            JsonNode dead = o.dead().get(pos);
            assertThat(scored && dead != null).as("%s (%s) in both", pos, want.label()).isFalse();
            if (want.errorType() == null) {
                assertThat(scored).as("%s (%s) scored; dead letter: %s", pos, want.label(),
                        dead).isTrue();
                assertThat(o.scores().get(pos).get("scored").asBoolean()).isTrue();
            } else {
                assertThat(dead).as("%s (%s) dead-lettered", pos, want.label()).isNotNull();
                assertThat(dead.get("error_type").asText()).as(want.label() + ": "
                        + dead.get("reason").asText()).isEqualTo(want.errorType());
                assertThat(dead.get("reason").asText()).isNotBlank();
            }
        }
        assertThat(o.scores().size() + o.dead().size()).as("in = scored + dead-lettered")
                .isEqualTo(expected.size());
    }


    /** The broker's size and timestamp limits are Kafka's own defaults, not test overrides. */
    private static void assertBrokerLimitsAreKafkaDefaults() throws Exception {
        String node = String.valueOf(KAFKA.admin().describeCluster().nodes()
                .get(30, TimeUnit.SECONDS).iterator().next().id());
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
        Config c = KAFKA.admin().describeConfigs(List.of(broker)).all()
                .get(30, TimeUnit.SECONDS).get(broker);
        for (String name : List.of("message.max.bytes", "log.message.timestamp.after.max.ms",
                "log.message.timestamp.before.max.ms", "log.message.timestamp.type")) {
            ConfigEntry e = c.get(name);
            assertThat(e.source()).as(name + " = " + e.value())
                    .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        }
        assertThat(c.get("message.max.bytes").value()).isEqualTo("1048588");
        assertThat(c.get("log.message.timestamp.after.max.ms").value()).isEqualTo("3600000");
    }

    private static String position(JsonNode n) {
        JsonNode s = n.get("source");
        return s.get("partition").asInt() + "@" + s.get("offset").asLong();
    }

    private static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.vaeanomaly.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.testdata.InputFuzzer;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.JobCounters;
import io.vaeanomaly.testutils.JobTopics;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.MiniClusters;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed input through a real broker and the exactly-once job ({@link InputFuzzer}: random
 * bytes, truncated and mutated JSON, huge and tiny numbers, deep nesting, long strings, wrong
 * types, duplicate keys, invalid UTF-8 from the Java client, oversized records, far past and
 * future times). Shows, read back with read_committed: every input position is scored or
 * dead-lettered, exactly once; every dead letter has an error type and a reason; the job never
 * restarted; the heap after GC does not grow with the number of records.
 *
 * <p>CI runs {@value #CI_RECORDS} records; {@code -Dfuzz.records=100000} runs the full count
 * (the README's figures) and prints a JSON summary line.
 */
class FuzzITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots(METRICS);

    private static final int CI_RECORDS = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyFuzzedRecordIsScoredOrDeadLetteredOnceAndTheJobNeverRestarts(
            @InjectMiniCluster MiniCluster mini) throws Exception {
        int records = Integer.getInteger("fuzz.records", CI_RECORDS);
        // The input topic takes record timestamps decades ahead (Kafka 4 refuses more than 1 h
        // by default): a topic configured so is out there, and its records reach the job.
        String input = KAFKA.uniqueTopic("fuzz-in");
        KAFKA.createTopic(input, 2, Map.of("message.timestamp.after.max.ms",
                Long.toString(Long.MAX_VALUE)));
        JobTopics topics = new JobTopics(input, null, null, null, null).withFreshOutputs(KAFKA);
        String scores = topics.scores();
        String dead = topics.deadLetters();

        long t0 = System.nanoTime();
        Map<String, String> kindOf = produce(input, records);
        double produceS = (System.nanoTime() - t0) / 1e9;

        JobConfig config = TestConfigs.small(topics.overrides(KAFKA,
                "input.event-time-field=ts",
                "model.scope=global",
                "training.retrain-every-events=2000",
                "training.max-buffered-events=100000").toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(JobTopics.flink(2, Duration.ofSeconds(2), tmp.resolve("checkpoints")));
        AnomalyDetectionJob.buildKafkaPipeline(env, config);
        long tJob = System.nanoTime();
        JobClient job = env.executeAsync("fuzz");
        JobID jobId = job.getJobID();

        // Heap after GC at each quarter of the input, from the job's own counters.
        List<Long> heapMb = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(25);
        for (int quarter = 1; quarter <= 4; quarter++) {
            long target = (long) records * quarter / 4;
            while (handled(jobId) < target) {
                assertThat(System.nanoTime()).as("records handled by the deadline: %d of %d",
                        handled(jobId), target).isLessThan(deadline);
                assertThat(MiniClusters.restarts(mini, jobId)).as("job restarts").isZero();
                Thread.sleep(200);
            }
            heapMb.add(heapAfterGcMb());
        }
        double processS = (System.nanoTime() - tJob) / 1e9;

        // The scores topic holds every scored event and every event left unscored (with its
        // reason, e.g. no model yet and the warm-up buffer full).
        List<ConsumerRecord<String, String>> scored = awaitCommitted(scores,
                sum(jobId, "events_scored") + sum(jobId, "events_unscored"));
        List<ConsumerRecord<String, String>> deadLetters = awaitCommitted(dead,
                sum(jobId, "dead_lettered"));
        long restarts = MiniClusters.restarts(mini, jobId);
        job.cancel().get(60, TimeUnit.SECONDS);

        Map<String, Integer> outcome = new HashMap<>();
        Map<String, Map<String, Integer>> byKind = new TreeMap<>();
        int unscored = 0;
        for (ConsumerRecord<String, String> r : scored) {
            boolean wasScored = JSON.readTree(r.value()).path("scored").asBoolean(true);
            unscored += wasScored ? 0 : 1;
            count(outcome, byKind, kindOf, position(r.value()), wasScored ? "scored"
                    : "unscored");
        }
        Map<String, Integer> errorTypes = new TreeMap<>();
        for (ConsumerRecord<String, String> r : deadLetters) {
            JsonNode d = JSON.readTree(r.value());
            assertThat(d.path("reason").asText()).as("dead letter reason").isNotBlank();
            assertThat(d.path("error_type").asText()).as("dead letter type").isNotBlank();
            errorTypes.merge(d.path("error_type").asText(), 1, Integer::sum);
            count(outcome, byKind, kindOf, position(r.value()), "dead");
        }
        assertThat(outcome.keySet()).as("input positions seen in the outputs")
                .isEqualTo(kindOf.keySet());
        assertThat(outcome.values()).as("outputs per input position").allMatch(n -> n == 1);
        assertThat(scored.size() + deadLetters.size()).isEqualTo(records);
        assertThat(restarts).as("job restarts").isZero();
        // Flat memory: the heap after GC at the end is within 64 MB (or 25%) of the first
        // quarter's (in-process cluster, so this is the whole JVM: job, broker clients, test).
        long first = heapMb.get(0);
        assertThat(heapMb.get(3)).as("heap after GC by quarter: %s MB", heapMb)
                .isLessThanOrEqualTo(Math.max(first + 64, (long) (first * 1.25)));

        System.out.printf(Locale.ROOT, "FuzzITCase: {\"records\":%d,\"scored\":%d,"
                        + "\"unscored\":%d,"
                        + "\"dead_lettered\":%d,\"restarts\":%d,\"heap_after_gc_mb\":%s,"
                        + "\"produce_s\":%.1f,\"process_s\":%.1f,\"records_per_s\":%.0f,"
                        + "\"error_types\":%s,\"by_kind\":%s}%n",
                records, scored.size() - unscored, unscored, deadLetters.size(), restarts,
                heapMb, produceS,
                processS, records / processS, JSON.writeValueAsString(errorTypes),
                JSON.writeValueAsString(byKind));
    }

    /** Produces the fuzzed records (raw bytes); returns each position's kind. */
    private static Map<String, String> produce(String topic, int n) throws Exception {
        Properties p = KAFKA.producerProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        InputFuzzer fuzzer = new InputFuzzer(97, System.currentTimeMillis(), 2000);
        Map<String, String> kindOf = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                InputFuzzer.Fuzzed f = fuzzer.next();
                acks.add(producer.send(new ProducerRecord<>(topic, null, f.timestampMs(),
                        f.key(), f.value())));
                kinds.add(f.kind());
                if (acks.size() == 1000 || i == n - 1) {
                    for (int k = 0; k < acks.size(); k++) {
                        RecordMetadata m = acks.get(k).get(60, TimeUnit.SECONDS);
                        kindOf.put(m.partition() + "@" + m.offset(), kinds.get(k));
                    }
                    acks.clear();
                    kinds.clear();
                }
            }
        }
        return kindOf;
    }

    private static void count(Map<String, Integer> outcome,
            Map<String, Map<String, Integer>> byKind, Map<String, String> kindOf,
            String position, String result) {
        outcome.merge(position, 1, Integer::sum);
        byKind.computeIfAbsent(kindOf.getOrDefault(position, "unknown"), k -> new TreeMap<>())
                .merge(result, 1, Integer::sum);
    }

    private static String position(String outputJson) throws Exception {
        JsonNode src = JSON.readTree(outputJson).get("source");
        return src.get("partition").asInt() + "@" + src.get("offset").asLong();
    }

    private static long heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /** Records the job has finished with: scored, left unscored or dead-lettered. */
    private static long handled(JobID jobId) {
        return sum(jobId, "events_scored") + sum(jobId, "events_unscored")
                + sum(jobId, "dead_lettered");
    }

    private static long sum(JobID jobId, String name) {
        return JobCounters.sum(METRICS, jobId.toString(), name);
    }

    private static List<ConsumerRecord<String, String>> awaitCommitted(String topic, long n)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            List<ConsumerRecord<String, String>> records = KAFKA.consumeAll(topic,
                    Duration.ofMinutes(2), IsolationLevel.READ_COMMITTED);
            if (records.size() >= n || System.nanoTime() > deadline) {
                return records;
            }
            Thread.sleep(1000);
        }
    }
}

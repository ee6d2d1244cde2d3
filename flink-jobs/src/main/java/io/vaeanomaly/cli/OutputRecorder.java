package io.vaeanomaly.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's outputs as they arrive, on its own thread: for every record of the scores
 * topic, when its event was produced (its {@code event_time}, which is the input record's Kafka
 * timestamp, the producer's send time) and when the record reached this consumer; the model
 * events; and the number of dead letters. End-to-end latency of an event is the difference of
 * the two times, both read from this machine's clock.
 */
final class OutputRecorder implements AutoCloseable {
    /** Client id; also names the consumer's thread, for the CPU accounting. */
    static final String THREAD_NAME = "bench-e2e-consumer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EVENT_TIME = "\"event_time\":\"".getBytes(StandardCharsets.UTF_8);

    /** A model event as the bench needs it. */
    record ModelEvent(String outcome, long version, long trainedAtMs, double seconds,
            long arrivedMs) {}

    private final String scoresTopic;
    private final String deadLetterTopic;
    private final String modelEventsTopic;
    private final Properties props = new Properties();
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong deadLetters = new AtomicLong();
    private final List<ModelEvent> modelEvents = new ArrayList<>();
    private volatile boolean stop;
    private long[] produced = new long[1 << 16];
    private long[] arrived = new long[1 << 16];
    private int count;
    /** {@link #countSince}'s progress: its fromMs, records scanned, and those counted. */
    private long sinceFromMs = Long.MIN_VALUE;
    private int sinceScanned;
    private int sinceCount;

    OutputRecorder(String bootstrapServers, String scoresTopic, String deadLetterTopic,
            String modelEventsTopic, boolean readCommitted) {
        this.scoresTopic = scoresTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.modelEventsTopic = modelEventsTopic;
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, THREAD_NAME);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(scoresTopic, deadLetterTopic, modelEventsTopic)) {
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(scoresTopic)) {
                        add(producedAt(r.value()), now);
                    } else if (r.topic().equals(deadLetterTopic)) {
                        deadLetters.incrementAndGet();
                    } else {
                        modelEvent(r.value(), now);
                    }
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private synchronized void add(long producedMs, long arrivedMs) {
        if (count == produced.length) {
            produced = Arrays.copyOf(produced, count * 2);
            arrived = Arrays.copyOf(arrived, count * 2);
        }
        produced[count] = producedMs;
        arrived[count] = arrivedMs;
        count++;
    }

    private synchronized void modelEvent(byte[] value, long now) throws IOException {
        JsonNode n = JSON.readTree(value);
        modelEvents.add(new ModelEvent(n.path("outcome").asText(),
                n.path("model_version").asLong(), epochMs(n.path("trained_at").asText()),
                n.path("seconds").asDouble(), now));
    }

    /**
     * The event time of an anomaly record: found by scanning for the field rather than parsing
     * the whole record, so that reading 50,000 records a second costs this process little.
     */
    static long producedAt(byte[] record) {
        int at = indexOf(record, EVENT_TIME);
        if (at >= 0) {
            int start = at + EVENT_TIME.length;
            int end = start;
            while (end < record.length && record[end] != '"') {
                end++;
            }
            long ms = isoUtcMs(record, start, end);
            if (ms == Long.MIN_VALUE) {
                ms = epochMs(new String(record, start, end - start, StandardCharsets.US_ASCII));
            }
            if (ms != Long.MIN_VALUE) {
                return ms;
            }
        }
        throw new IllegalStateException("a scores record without event_time: "
                + new String(record, 0, Math.min(200, record.length), StandardCharsets.UTF_8));
    }

    /**
     * Epoch ms of {@code yyyy-MM-ddTHH:mm:ss[.SSS...]Z} (how {@link Instant#toString} writes
     * the years 0 to 9999), without the allocations of {@link Instant#parse}; MIN_VALUE for any
     * other form.
     */
    static long isoUtcMs(byte[] b, int from, int to) {
        if (to - from < 20 || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != 'T'
                || b[from + 13] != ':' || b[from + 16] != ':' || b[to - 1] != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(b, from, 4);
        int month = digits(b, from + 5, 2);
        int day = digits(b, from + 8, 2);
        int hour = digits(b, from + 11, 2);
        int minute = digits(b, from + 14, 2);
        int second = digits(b, from + 17, 2);
        int millis = 0;
        if (to - from > 20) {
            if (b[from + 19] != '.' || to - from < 24) {
                return Long.MIN_VALUE;
            }
            millis = digits(b, from + 20, 3);
        }
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return Long.MIN_VALUE;
        }
        // Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant, days_from_civil).
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long days = era * 146097L + doe - 719468;
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal number of {@code n} ASCII digits, or -1. */
    private static int digits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static long epochMs(String iso) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Scores-topic records received so far. */
    synchronized int count() {
        return count;
    }

    /**
     * The records whose event was produced in [{@code fromMs}, {@code toMs}): produce times and
     * arrival times, in arrival order.
     */
    synchronized long[][] between(long fromMs, long toMs) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (produced[i] >= fromMs && produced[i] < toMs) {
                n++;
            }
        }
        long[][] out = new long[2][n];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (produced[i] >= fromMs && produced[i] < toMs) {
                out[0][k] = produced[i];
                out[1][k] = arrived[i];
                k++;
            }
        }
        return out;
    }

    /** Records whose event was produced at or after {@code fromMs}. */
    synchronized int countSince(long fromMs) {
        // Polled every 50 ms while a phase runs: counts only the records added since the last
        // call with the same fromMs, rather than scanning the whole run (and holding the
        // consumer's lock) each time.
        if (fromMs != sinceFromMs) {
            sinceFromMs = fromMs;
            sinceScanned = 0;
            sinceCount = 0;
        }
        for (; sinceScanned < count; sinceScanned++) {
            if (produced[sinceScanned] >= fromMs) {
                sinceCount++;
            }
        }
        return sinceCount;
    }


    /** Model events received so far, oldest first. */
    synchronized List<ModelEvent> modelEvents() {
        return List.copyOf(modelEvents);
    }

    /** Dead letters received so far. */
    long deadLetters() {
        return deadLetters.get();
    }

    /** Throws if the consumer failed. */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the benchmark consumer failed: " + t, t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}

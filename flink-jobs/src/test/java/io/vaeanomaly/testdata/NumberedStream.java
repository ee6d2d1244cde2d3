package io.vaeanomaly.testdata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A numbered event stream for delivery tests: record {@code n} (its {@code seq}) is a normal
 * event, an injected anomaly (key {@code attack-<n>}) or a bad record the parser rejects, by a
 * fixed rule, so every record's expected fate is known. {@link #produce} remembers where each
 * record landed (partition and offset), so a test can check every output against every input
 * position.
 */
public final class NumberedStream {
    /** What a record is expected to become. */
    public enum Kind {
        /** A normal event: scored. */
        NORMAL,
        /** An event far off the normal manifold: scored, and expected to be flagged. */
        ANOMALY,
        /** A record the parser rejects: dead-lettered. */
        BAD
    }

    /** A produced record: its number, kind and position in the input topic. */
    public record Produced(long seq, Kind kind, int partition, long offset) {
        /** {@code partition@offset}, as the outputs' {@code source} fields give it. */
        public String position() {
            return partition + "@" + offset;
        }
    }

    private static final int BAD_EVERY = 97;
    private static final int ANOMALY_EVERY = 131;

    private final String topic;
    private final StreamData data;
    private final List<Produced> produced = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sent = new AtomicLong();

    public NumberedStream(String topic, long seed) {
        this.topic = topic;
        this.data = new StreamData(seed);
    }

    /** The kind of record {@code seq}. */
    public static Kind kind(long seq) {
        if (seq % BAD_EVERY == BAD_EVERY / 2) {
            return Kind.BAD;
        }
        if (seq % ANOMALY_EVERY == ANOMALY_EVERY / 2) {
            return Kind.ANOMALY;
        }
        return Kind.NORMAL;
    }

    /**
     * Produces records {@code from} (inclusive) to {@code to} (exclusive), at about
     * {@code perSecond} records per second (0 = as fast as possible), and waits for every
     * acknowledgement.
     */
    public List<Produced> produce(Properties producerConfig, long from, long to, int perSecond) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (long n = from; n < to; n++) {
                if (perSecond > 0) {
                    long due = start + (n - from) * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the producer, not a wait
                    }
                }
                acks.add(producer.send(record(n)));
                seqs.add(n);
                sent.incrementAndGet();
            }
            producer.flush();
            List<Produced> out = new ArrayList<>();
            for (int i = 0; i < acks.size(); i++) {
                RecordMetadata m = acks.get(i).get(60, TimeUnit.SECONDS);
                long seq = seqs.get(i);
                out.add(new Produced(seq, kind(seq), m.partition(), m.offset()));
            }
            produced.addAll(out);
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("produce failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("produce not acknowledged in 60 s", e);
        }
    }

    /** Records handed to a producer so far (acknowledged or not). */
    public long sent() {
        return sent.get();
    }

    /** Every record produced and acknowledged so far. */
    public List<Produced> produced() {
        synchronized (produced) {
            return new ArrayList<>(produced);
        }
    }

    /** The produced records of {@code kind}. */
    public List<Produced> produced(Kind kind) {
        return produced().stream().filter(p -> p.kind() == kind).collect(Collectors.toList());
    }

    /** The Kafka record for number {@code seq}. */
    public ProducerRecord<String, String> record(long seq) {
        switch (kind(seq)) {
            case BAD:
                String[] bad = StreamData.BAD_RECORDS[
                        (int) ((seq / BAD_EVERY) % StreamData.BAD_RECORDS.length)];
                return new ProducerRecord<>(topic, "host-" + (seq % 4), bad[0]);
            case ANOMALY:
                String key = "attack-" + seq;
                return new ProducerRecord<>(topic, key, withSeq(seq,
                        StreamData.json(key, StreamData.anomaly())));
            default:
                String host = "host-" + (seq % 4);
                return new ProducerRecord<>(topic, host, withSeq(seq,
                        StreamData.json(host, data.normal())));
        }
    }

    private static String withSeq(long seq, String json) {
        return "{\"seq\":" + seq + "," + json.substring(1);
    }
}

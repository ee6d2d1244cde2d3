package io.vaeanomaly.cli;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link BenchEvents} to a topic, as fast as possible or at a fixed rate. Every record
 * carries its send time as its Kafka timestamp (CreateTime): the job takes the event time from
 * it, so each output record names when its event was produced. Not thread-safe: one caller.
 */
final class LoadProducer implements AutoCloseable {
    /** Client id; also names the producer's network thread, for the CPU accounting. */
    static final String CLIENT_ID = "bench-e2e-producer";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final BenchEvents events;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Callback callback = (metadata, e) -> {
        if (e != null) {
            failure.compareAndSet(null, e);
        } else {
            acked.incrementAndGet();
        }
    };
    private long sent;

    LoadProducer(String bootstrapServers, String topic, BenchEvents events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Kafka's defaults (linger 5 ms, acks all) except a larger batch, as a producer that
        // pushes tens of thousands of 1 KB records per second would be configured.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.events = events;
    }

    /** Sends {@code n} events as fast as the producer takes them; returns when all are acked. */
    void burst(long n) {
        for (long i = 0; i < n; i++) {
            send();
        }
        flush();
    }

    /**
     * Sends at {@code perSecond} events per second until {@code stop} says so (checked every
     * millisecond or so), then flushes.
     *
     * @return events sent in this call
     */
    long rate(double perSecond, BooleanSupplier stop) {
        long start = System.nanoTime();
        long n = 0;
        while (!stop.getAsBoolean()) {
            long due = (long) (n * 1e9 / perSecond);
            long now = System.nanoTime() - start;
            if (due > now) {
                LockSupport.parkNanos(Math.min(due - now, 1_000_000L));
                continue;
            }
            // Catch up in one go if the thread was descheduled: the schedule, not the thread,
            // sets the rate.
            while (n * 1e9 / perSecond <= now) {
                send();
                n++;
            }
        }
        flush();
        return n;
    }

    private void send() {
        long n = sent++;
        producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(),
                events.key(n), events.value(n)), callback);
    }

    /** Waits until every sent record is acknowledged; throws if one failed. */
    void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the benchmark producer failed: " + e, e);
        }
    }

    /** Events sent so far. */
    long sent() {
        return sent;
    }

    /** Events acknowledged by the broker so far. */
    long acked() {
        return acked.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

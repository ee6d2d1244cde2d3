package io.vaeanomaly.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.testutils.KafkaBrokerExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real records through a real broker: plain, transactional, and the broker's lifecycle. */
class EmbeddedKafkaBrokerITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void producedRecordsAreConsumedWithKeysAndValues() {
        String topic = KAFKA.createUniqueTopic("plain", 3);
        List<ProducerRecord<String, String>> sent = IntStream.range(0, 300)
                .mapToObj(i -> new ProducerRecord<>(topic, "host-" + (i % 4), "v" + i))
                .collect(Collectors.toList());

        KAFKA.produce(sent);
        List<ConsumerRecord<String, String>> got = KAFKA.consumeAll(topic, TIMEOUT);

        assertThat(got).hasSize(300);
        assertThat(got).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(
                        sent.stream().map(ProducerRecord::value).collect(Collectors.toList()));
        // Same key, same partition, order kept within the key.
        Map<String, List<Integer>> partitionsByKey = got.stream().collect(Collectors.groupingBy(
                ConsumerRecord::key,
                Collectors.mapping(ConsumerRecord::partition, Collectors.toList())));
        partitionsByKey.values().forEach(ps -> assertThat(ps).containsOnly(ps.get(0)));
        List<Integer> host0 = got.stream().filter(r -> r.key().equals("host-0"))
                .map(r -> Integer.parseInt(r.value().substring(1)))
                .collect(Collectors.toList());
        assertThat(host0).isSorted().hasSize(75);
        assertThat(KAFKA.consume(topic, 10, TIMEOUT)).hasSize(10);
    }

    @Test
    void readCommittedSeesCommittedButNotAbortedTransactions() {
        String topic = KAFKA.createUniqueTopic("txn", 2);
        Properties p = KAFKA.producerProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KAFKA.uniqueTopic("tx-id"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k0", "committed-last"));
            producer.commitTransaction();
        }

        List<String> committed = values(KAFKA.consumeAll(topic, TIMEOUT,
                IsolationLevel.READ_COMMITTED));
        List<String> uncommitted = values(KAFKA.consumeAll(topic, TIMEOUT,
                IsolationLevel.READ_UNCOMMITTED));

        assertThat(committed).hasSize(6).allMatch(v -> v.startsWith("committed-"))
                .contains("committed-last");
        // The aborted records are in the log: a read_uncommitted reader does see them.
        assertThat(uncommitted).hasSize(13)
                .filteredOn(v -> v.startsWith("aborted-")).hasSize(7);
        assertThat(KAFKA.consume(topic, 6, TIMEOUT, IsolationLevel.READ_COMMITTED))
                .extracting(ConsumerRecord::value).allMatch(v -> v.startsWith("committed-"));
    }

    @Test
    void closeStopsTheProcessAndDeletesTheWorkDir() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().autoCreateTopics(false).start();
        ProcessHandle process;
        try {
            process = ProcessHandle.of(broker.pid()).orElseThrow();
            assertThat(process.isAlive()).isTrue();
            assertThat(broker.workDir()).isDirectory();
            assertThat(broker.logFile()).exists();
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            broker.createTopic("lifecycle", 2);
            // Kafka's default timestamp limit holds, as on a user's broker: a record an hour
            // ahead of the wall clock is refused, so nothing tested here relies on a lax broker.
            Properties p = KAFKA.producerProperties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            long now = System.currentTimeMillis();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.send(new ProducerRecord<>("lifecycle", 0, now, "k", "v"))
                        .get(60, TimeUnit.SECONDS);
                long future = now + Duration.ofDays(30).toMillis();
                assertThatThrownBy(() -> producer.send(
                                new ProducerRecord<>("lifecycle", 0, future, "k", "v"))
                        .get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(
                                org.apache.kafka.common.errors.InvalidTimestampException.class);
            }
            System.out.printf("embedded broker started in %d ms%n",
                    broker.startupTime().toMillis());
        } finally {
            broker.close();
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(broker.isRunning()).isFalse();
        assertThat(Files.exists(broker.workDir())).isFalse();
        assertThatThrownBy(() -> broker.createTopic("after-close", 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        broker.close(); // idempotent
    }

    @Test
    void startupFailureReportsTheBrokerLogTail() {
        // An invalid node id makes the broker exit right after it reads its config.
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder()
                .brokerProperty("node.id", "not-a-number")
                .startupTimeout(Duration.ofSeconds(60))
                .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited during start-up")
                .hasMessageContaining("Invalid value not-a-number");
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }
}

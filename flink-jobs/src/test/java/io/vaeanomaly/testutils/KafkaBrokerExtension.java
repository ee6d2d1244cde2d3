package io.vaeanomaly.testutils;

import io.vaeanomaly.kafka.EmbeddedKafkaBroker;
import io.vaeanomaly.kafka.StringClients;
import io.vaeanomaly.kafka.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * JUnit 5 extension that provides a real Kafka broker to a test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 *
 * <p>As a static field there is one broker per test class, stopped after the class. As an
 * instance field the broker lives for one test method. With a Docker engine the broker is the
 * {@code apache/kafka:4.1.0} image (Testcontainers); without one it is an
 * {@link EmbeddedKafkaBroker} child process. The system property {@code vaeanomaly.kafka}
 * ({@code auto} (default), {@code docker}, {@code embedded}) forces a choice.
 *
 * <p>Tests should use a fresh topic per test ({@link #uniqueTopic(String)}) so that the tests
 * of one class do not see each other's records.
 */
public final class KafkaBrokerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** Docker image used when a Docker engine is available. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    /** System property that selects the broker: auto, docker or embedded. */
    public static final String MODE_PROPERTY = "vaeanomaly.kafka";

    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final boolean saslSsl;
    private EmbeddedKafkaBroker embedded;
    private KafkaContainer container;
    private Admin admin;
    private boolean perMethod;
    private Path tlsDir;
    private TlsMaterial tls;
    private String scramPassword;

    /** A broker with a PLAINTEXT listener (Docker or embedded, see the class comment). */
    public KafkaBrokerExtension() {
        this(false);
    }

    private KafkaBrokerExtension(boolean saslSsl) {
        this.saslSsl = saslSsl;
    }

    /**
     * An embedded broker that also has a SASL_SSL listener (TLS with a certificate made for
     * this run, then SASL/SCRAM-SHA-512) and one SCRAM user {@link #SCRAM_USER} with a random
     * password. The PLAINTEXT listener stays for the test's own producers and consumers.
     */
    public static KafkaBrokerExtension withSaslSsl() {
        return new KafkaBrokerExtension(true);
    }

    /** The SCRAM user of a {@link #withSaslSsl()} broker. */
    public static final String SCRAM_USER = "vae-anomaly-job";

    /** {@code host:port} of the SASL_SSL listener ({@link #withSaslSsl()} only). */
    public String saslSslBootstrapServers() {
        requireSaslSsl();
        return embedded.saslSslBootstrapServers();
    }

    /** The SCRAM user's password ({@link #withSaslSsl()} only). */
    public String scramPassword() {
        requireSaslSsl();
        return scramPassword;
    }

    /** The broker's keystore and the clients' truststore ({@link #withSaslSsl()} only). */
    public TlsMaterial tls() {
        requireSaslSsl();
        return tls;
    }

    /**
     * Kafka client properties for the SASL_SSL listener as user {@link #SCRAM_USER} with
     * {@code password} (pass a wrong one to test a failed login).
     */
    public Map<String, String> saslSslClientProperties(String password) {
        requireSaslSsl();
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"" + SCRAM_USER + "\" password=\"" + password + "\";");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.password", tls.truststorePassword());
        return p;
    }

    private void requireSaslSsl() {
        requireStarted();
        if (!saslSsl) {
            throw new IllegalStateException("this broker has no SASL_SSL listener; use"
                    + " KafkaBrokerExtension.withSaslSsl()");
        }
    }

    /** Starts the broker before the test class (static field registration). */
    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /** Stops the broker after the test class. */
    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts the broker for one test when registered on an instance field. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (!isStarted()) {
            perMethod = true;
            start();
        }
    }

    /** Stops a broker that was started for a single test method. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (perMethod) {
            perMethod = false;
            stop();
        }
    }

    /** Whether the broker runs in Docker (true) or as an embedded child process (false). */
    public boolean usesDocker() {
        requireStarted();
        return container != null;
    }

    /** {@code host:port} of the broker. */
    public String bootstrapServers() {
        requireStarted();
        return container != null ? container.getBootstrapServers() : embedded.bootstrapServers();
    }

    /** An admin client for the broker, owned by this extension (do not close it). */
    public synchronized Admin admin() {
        requireStarted();
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            admin = Admin.create(p);
        }
        return admin;
    }

    /** A topic name no other test in this JVM uses: {@code prefix-<n>-<random>}. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a topic with replication factor 1 and waits until it has leaders. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)} with topic-level {@code configs}. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        EmbeddedKafkaBroker.createTopic(admin(), name, partitions, configs, ADMIN_TIMEOUT);
    }

    /** Creates {@link #uniqueTopic(String)} with {@code partitions} partitions; returns it. */
    public String createUniqueTopic(String prefix, int partitions) {
        String topic = uniqueTopic(prefix);
        createTopic(topic, partitions);
        return topic;
    }

    /** Properties of an idempotent String/String producer for this broker. */
    public Properties producerProperties() {
        return StringClients.producer(bootstrapServers());
    }

    /** Properties of a String/String consumer without a group (use assign, not subscribe). */
    public Properties consumerProperties(IsolationLevel isolation) {
        return StringClients.consumer(bootstrapServers(), isolation);
    }

    /** Sends {@code records} synchronously (all acknowledged on return). */
    public void produce(List<ProducerRecord<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties())) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (ProducerRecord<String, String> r : records) {
                acks.add(producer.send(r));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : acks) {
                f.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("produce failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("produce not acknowledged in time", e);
        }
    }

    /** Sends {@code key -> value} pairs to {@code topic} in map iteration order. */
    public void produce(String topic, Map<String, String> keyValues) {
        produce(keyValues.entrySet().stream()
                .map(e -> new ProducerRecord<>(topic, e.getKey(), e.getValue()))
                .collect(Collectors.toList()));
    }

    /** Sends values without keys to {@code topic}. */
    public void produceValues(String topic, List<String> values) {
        produce(values.stream()
                .map(v -> new ProducerRecord<String, String>(topic, v))
                .collect(Collectors.toList()));
    }

    /**
     * Reads {@code topic} from the beginning until {@code n} records arrived (read_uncommitted).
     * Fails with an {@link AssertionError} naming the count if they do not arrive in time.
     */
    public List<ConsumerRecord<String, String>> consume(String topic, int n, Duration timeout) {
        return consume(topic, n, timeout, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * As {@link #consume(String, int, Duration)} with the given isolation level; returns exactly
     * the first {@code n} records received (partitions interleaved in arrival order).
     */
    public List<ConsumerRecord<String, String>> consume(
            String topic, int n, Duration timeout, IsolationLevel isolation) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer =
                     assignedConsumer(topic, isolation, deadline)) {
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        if (out.size() < n) {
            throw new AssertionError("expected " + n + " records on topic " + topic + " ("
                    + isolation + ") within " + timeout + ", got " + out.size());
        }
        return new ArrayList<>(out.subList(0, n));
    }

    /**
     * Reads every record of {@code topic} up to the end offsets at call time (for read_committed
     * the last stable offset, so aborted and open transactions are excluded).
     */
    public List<ConsumerRecord<String, String>> consumeAll(
            String topic, Duration timeout, IsolationLevel isolation) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer =
                     assignedConsumer(topic, isolation, deadline)) {
            Map<TopicPartition, Long> end = new HashMap<>(
                    consumer.endOffsets(consumer.assignment(), timeout));
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("did not reach the end of topic " + topic + " ("
                            + end + ") within " + timeout + "; read " + out.size());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Reads the committed records of {@code topic} (read_committed) until {@code done} holds
     * for them, checking twice a second.
     *
     * @throws AssertionError at the deadline, naming {@code what} and what was read
     */
    public List<ConsumerRecord<String, String>> awaitCommitted(String topic,
            java.util.function.Predicate<List<ConsumerRecord<String, String>>> done,
            Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> records =
                consumeAll(topic, timeout, IsolationLevel.READ_COMMITTED);
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what
                        + " on " + topic + "; have " + records.size() + " records: "
                        + records.stream().map(ConsumerRecord::value)
                                .collect(Collectors.toList()));
            }
            Thread.sleep(500);
            records = consumeAll(topic, timeout, IsolationLevel.READ_COMMITTED);
        }
        return records;
    }

    /** As {@link #consumeAll(String, Duration, IsolationLevel)} with read_uncommitted. */
    public List<ConsumerRecord<String, String>> consumeAll(String topic, Duration timeout) {
        return consumeAll(topic, timeout, IsolationLevel.READ_UNCOMMITTED);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<String, String> assignedConsumer(
            String topic, IsolationLevel isolation, long deadline) {
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerProperties(isolation));
        try {
            List<PartitionInfo> parts = List.of();
            while (parts == null || parts.isEmpty()) {
                parts = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if ((parts == null || parts.isEmpty()) && System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " has no partitions");
                }
            }
            List<TopicPartition> tps = parts.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            return consumer;
        } catch (RuntimeException | Error e) {
            consumer.close();
            throw e;
        }
    }

    private boolean isStarted() {
        return embedded != null || container != null;
    }

    private void requireStarted() {
        if (!isStarted()) {
            throw new IllegalStateException(
                    "Kafka broker not started: register KafkaBrokerExtension with"
                            + " @RegisterExtension");
        }
    }

    private synchronized void start() {
        if (isStarted()) {
            return;
        }
        if (saslSsl) {
            startSaslSsl();
        } else if (useDocker()) {
            KafkaContainer c = new KafkaContainer(KAFKA_IMAGE);
            c.start();
            container = c;
        } else {
            embedded = EmbeddedKafkaBroker.start();
        }
    }

    /** The SASL_SSL broker is always the embedded one: its listener needs our own config. */
    private void startSaslSsl() {
        try {
            tlsDir = Files.createTempDirectory("vae-anomaly-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for TLS material", e);
        }
        tls = TlsMaterial.generate(tlsDir);
        embedded = EmbeddedKafkaBroker.builder()
                .saslSslListener(tls.keystore(), tls.keystorePassword())
                .start();
        scramPassword = TlsMaterial.randomSecret("scram");
        embedded.createScramUser(SCRAM_USER, scramPassword);
    }

    private synchronized void stop() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            admin = null;
            try {
                if (container != null) {
                    container.stop();
                }
            } finally {
                container = null;
                if (embedded != null) {
                    embedded.close();
                }
                embedded = null;
                if (tlsDir != null) {
                    TempDirs.deleteQuietly(tlsDir);
                    tlsDir = null;
                }
            }
        }
    }

    private static boolean useDocker() {
        String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "docker":
                return true;
            case "embedded":
                return false;
            case "auto":
                return DockerProbe.AVAILABLE;
            default:
                throw new IllegalArgumentException(MODE_PROPERTY
                        + " must be auto, docker or embedded, got '" + mode + "'");
        }
    }

    /** Asks Testcontainers once per JVM (the probe can take a moment when Docker is absent). */
    private static final class DockerProbe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}

package io.vaeanomaly.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one node) on
 * 127.0.0.1, for the {@code demo} command and for tests on machines without Docker.
 *
 * <p>The broker runs in a child JVM with the current classpath (works from the IDE, from Maven
 * and from the shaded {@code vae-anomaly.jar}), so its Scala runtime, logging and metrics stay
 * out of the calling JVM. All state lives in one temp directory, including the broker's own log
 * file ({@link #logFile()}); {@link #close()} stops the process and deletes the directory. A
 * shutdown hook does the same on Ctrl-C, and the child deletes its directory and exits by
 * itself if the parent JVM is killed outright.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopic("events", 4);
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

    private final Duration shutdownTimeout;
    private final Path workDir;
    private final Process process;
    private final int port;
    private final int saslSslPort;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafkaBroker(
            Duration shutdownTimeout, Path workDir, Process process, int port, int saslSslPort,
            Duration startupTime) {
        this.shutdownTimeout = shutdownTimeout;
        this.workDir = workDir;
        this.process = process;
        this.port = port;
        this.saslSslPort = saslSslPort;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::stopQuietly, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with default settings; blocks until it serves requests. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    /** A builder for a broker with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * {@code 127.0.0.1:<port>} of the SASL_SSL listener (TLS, then SASL/SCRAM-SHA-512), for
     * clients with {@code security.protocol=SASL_SSL}.
     *
     * @throws IllegalStateException if the broker was built without
     *     {@link Builder#saslSslListener}
     */
    public String saslSslBootstrapServers() {
        if (saslSslPort == 0) {
            throw new IllegalStateException("the broker has no SASL_SSL listener; build it with"
                    + " saslSslListener(...)");
        }
        return "127.0.0.1:" + saslSslPort;
    }

    /**
     * Creates (or replaces) a SCRAM-SHA-512 user for the SASL_SSL listener. The broker keeps
     * only the salted credential; the password is not written anywhere.
     */
    public synchronized void createScramUser(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        ensureOpen();
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096);
        try {
            admin().alterUserScramCredentials(List.of(
                            new UserScramCredentialUpsertion(user, info, password)))
                    .all().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create SCRAM user " + user, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating SCRAM user " + user, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating SCRAM user " + user, e);
        }
    }

    /**
     * Creates a topic (replication factor 1) and waits until every partition has a leader.
     * Creating a topic that already exists is not an error.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)} with topic-level configs such as cleanup.policy. */
    public synchronized void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        ensureOpen();
        createTopic(admin(), name, partitions, configs, TOPIC_READY_TIMEOUT);
    }

    /**
     * Creates a topic through {@code admin} and waits until all partitions have a leader. Shared
     * with the test utilities, which use it against any broker.
     */
    public static void createTopic(
            Admin admin, String name, int partitions, Map<String, String> configs,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
        // The controller commits the topic before the broker has applied the metadata; wait so
        // that the first produce does not race with leader election.
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(name);
                if (d.partitions().stream().allMatch(p -> p.leader() != null
                        && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Not visible yet; retry until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leader after "
                        + timeout.toSeconds() + " s");
            }
            sleep(50);
        }
    }

    /** The temp directory that holds config, data and logs; deleted by {@link #close()}. */
    public Path workDir() {
        return workDir;
    }

    /** The broker's log4j log file (inside {@link #workDir()}). */
    public Path logFile() {
        return workDir.resolve("broker.log");
    }

    /** Process id of the broker's JVM. */
    public long pid() {
        return process.pid();
    }

    /** Whether the broker process is still alive. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Wall time from launching the process until the broker answered describeCluster. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The last lines of the broker's log and console output, for error messages. */
    public String logTail() {
        return logTail(workDir);
    }

    /**
     * Stops the broker (SIGTERM, then SIGKILL after the shutdown timeout) and deletes the work
     * directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook is running or has run.
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
        ChildJvms.stop(process, shutdownTimeout);
        TempDirs.deleteQuietly(workDir);
    }

    private Admin admin() {
        if (admin == null) {
            admin = newAdmin(bootstrapServers());
        }
        return admin;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("broker process exited with code "
                    + process.exitValue() + "; log tail:\n" + logTail());
        }
    }

    // ---------------------------------------------------------------- start-up

    private static EmbeddedKafkaBroker launch(Builder config) {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            Path dir = createWorkDir();
            int[] ports = ChildJvms.freeLoopbackPorts(config.saslSsl == null ? 2 : 3);
            int saslSslPort = config.saslSsl == null ? 0 : ports[2];
            long t0 = System.nanoTime();
            Process process = spawn(config, dir, ports[0], ports[1], saslSslPort);
            try {
                awaitReady(config, process, dir, ports[0]);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                return new EmbeddedKafkaBroker(
                        config.shutdownTimeout, dir, process, ports[0], saslSslPort, took);
            } catch (IllegalStateException e) {
                String tail = logTail(dir);
                ChildJvms.stop(process, Duration.ofSeconds(2));
                TempDirs.deleteQuietly(dir);
                // Another process can grab a probed port before the broker binds it; retry
                // with new ports, but fail at once on any other error.
                if (!tail.contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("vae-anomaly-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the Kafka broker", e);
        }
    }

    private static Process spawn(
            Builder config, Path dir, int port, int controllerPort, int saslSslPort) {
        Path serverProps = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        try {
            Files.writeString(serverProps,
                    serverProperties(config, dir, port, controllerPort, saslSslPort));
            Files.writeString(log4j, log4jProperties(dir.resolve("broker.log")));
        } catch (IOException e) {
            TempDirs.deleteQuietly(dir);
            throw new UncheckedIOException("cannot write broker config into " + dir, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvms.javaExecutable());
        cmd.add("-Xms" + (config.productionJvm ? config.maxHeapMb : 64) + "m");
        cmd.add("-Xmx" + config.maxHeapMb + "m");
        // A small broker on a shared 2-core machine: few GC threads, quick start-up.
        cmd.add("-XX:+UseSerialGC");
        if (!config.productionJvm) {
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        cmd.add("-Dlog4j2.disable.jmx=true");
        cmd.add("-cp");
        cmd.add(absoluteClasspath(config.classpath));
        cmd.add(KafkaBrokerProcessMain.class.getName());
        cmd.add(serverProps.toAbsolutePath().toString());
        cmd.add(Uuid.randomUuid().toString());
        cmd.add(dir.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.out").toFile());
        // stdin stays a pipe: its end-of-file tells the child that this JVM is gone.
        pb.environment().remove("KAFKA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        try {
            return pb.start();
        } catch (IOException e) {
            TempDirs.deleteQuietly(dir);
            throw new UncheckedIOException("cannot start the broker JVM " + cmd.get(0), e);
        }
    }

    private static void awaitReady(Builder config, Process process, Path dir, int port) {
        long deadline = System.nanoTime() + config.startupTimeout.toNanos();
        // First wait for the listener socket, so the admin client does not log a warning for
        // every refused connection while the JVM boots.
        while (!canConnect(port)) {
            checkAlive(process, dir);
            checkDeadline(deadline, config, dir);
            sleep(50);
        }
        try (Admin admin = newAdmin("127.0.0.1:" + port)) {
            while (true) {
                checkAlive(process, dir);
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Broker still starting (e.g. not yet unfenced); retry.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the Kafka broker", e);
                }
                checkDeadline(deadline, config, dir);
                sleep(100);
            }
        }
    }

    private static void checkAlive(Process process, Path dir) {
        if (!process.isAlive()) {
            throw new IllegalStateException("embedded Kafka broker exited during start-up with"
                    + " code " + process.exitValue() + "; log tail:\n" + logTail(dir));
        }
    }

    private static void checkDeadline(long deadline, Builder config, Path dir) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("embedded Kafka broker did not answer within "
                    + config.startupTimeout.toSeconds() + " s; log tail:\n" + logTail(dir));
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Admin newAdmin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        return Admin.create(p);
    }

    static String serverProperties(
            Builder config, Path dir, int port, int controllerPort, int saslSslPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        if (config.saslSsl != null) {
            config.saslSsl.addTo(p, saslSslPort);
        }
        p.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // Few internal partitions: the first consumer group / transaction is ready sooner.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Flink's exactly-once KafkaSink uses long transaction timeouts; allow up to 1 h.
        p.put("transaction.max.timeout.ms", "3600000");
        // Record size and timestamp limits stay at Kafka's defaults (message.max.bytes about
        // 1 MB, log.message.timestamp.after.max.ms 1 h): the demo and the tests must meet the
        // broker a user runs, and the job writes nothing a default broker refuses.
        p.put("auto.create.topics.enable", Boolean.toString(config.autoCreateTopics));
        p.put("delete.topic.enable", "true");
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("log.retention.hours", "24");
        // Keep the broker small: fewer threads and no 128 MB cleaner buffer.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.putAll(config.extraProperties);
        StringBuilder sb = new StringBuilder("# written by EmbeddedKafkaBroker\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        return sb.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\");
    }

    private static String log4jProperties(Path logFile) {
        return String.join("\n",
                "status = error",
                "appender.file.type = File",
                "appender.file.name = FILE",
                "appender.file.fileName = " + escape(logFile.toAbsolutePath().toString()),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = FILE",
                // These two log every request / state change at INFO; not useful here.
                "logger.state.name = state.change.logger",
                "logger.state.level = WARN",
                "logger.request.name = kafka.request.logger",
                "logger.request.level = WARN",
                "");
    }

    /**
     * The child runs in the work dir, so relative entries (as in {@code java -jar
     * target/vae-anomaly.jar}) are resolved against this JVM's working directory first.
     */
    static String absoluteClasspath(String classpath) {
        List<String> out = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            boolean wildcard = entry.equals("*") || entry.endsWith(java.io.File.separator + "*");
            if (wildcard) {
                Path parent = Path.of(entry.substring(0, entry.length() - 1) + ".");
                out.add(parent.toAbsolutePath().normalize() + java.io.File.separator + "*");
            } else {
                out.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static String logTail(Path dir) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("broker.log", "broker.out")) {
            Path f = dir.resolve(name);
            if (!Files.exists(f)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
                sb.append("--- ").append(name).append(" (last ").append(lines.size() - from)
                        .append(" lines) ---\n");
                lines.subList(from, lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                sb.append("--- ").append(name).append(": unreadable: ").append(e).append('\n');
            }
        }
        return sb.length() == 0 ? "(no broker output)" : sb.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Settings for {@link EmbeddedKafkaBroker}; every setter validates its argument. */
    public static final class Builder {
        private Duration startupTimeout = Duration.ofSeconds(90);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean autoCreateTopics = true;
        private int maxHeapMb = 512;
        private boolean productionJvm;
        private String classpath = System.getProperty("java.class.path");
        private SaslSslListener saslSsl;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Builder() {}

        /** How long {@link #start()} waits for the broker to answer (default 90 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = ChildJvms.positive("startupTimeout", timeout);
            return this;
        }

        /** How long {@link #close()} waits for a clean stop before killing (default 10 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = ChildJvms.positive("shutdownTimeout", timeout);
            return this;
        }

        /** Whether producing to an unknown topic creates it (default true). */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /** Maximum heap of the broker JVM in MB (default 512, at least 128). */
        public Builder maxHeapMb(int mb) {
            this.maxHeapMb = ChildJvms.atLeast("maxHeapMb", mb, 128);
            return this;
        }

        /**
         * Whether the broker JVM runs as {@code kafka-server-start.sh} runs a broker: hot code
         * compiled by the optimising compiler (C2) and the heap fixed at its maximum
         * ({@code -Xms} = {@code -Xmx}; the script uses 1 GB), rather than C1 only and a heap
         * growing from 64 MB, which start sooner and suit tests (the serial collector stays:
         * fewest threads on a small machine). For benchmarks: measured in {@code bench-e2e},
         * the test setup took about 45 microseconds of broker CPU per event in and out, and
         * collected its young generation every second.
         */
        public Builder productionJvm(boolean enabled) {
            this.productionJvm = enabled;
            return this;
        }

        /** Classpath of the broker JVM (default: this JVM's {@code java.class.path}). */
        public Builder classpath(String classpath) {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("classpath must not be blank");
            }
            this.classpath = classpath;
            return this;
        }

        /**
         * Adds a SASL_SSL listener on its own loopback port: TLS with the certificate and key in
         * {@code keystore} (PKCS12; its certificate must name 127.0.0.1, since clients verify
         * the host), then SASL/SCRAM-SHA-512 authentication. Create its users with
         * {@link EmbeddedKafkaBroker#createScramUser}. The PLAINTEXT listener stays, for the
         * broker's own traffic and for test harnesses. The keystore password goes into the
         * broker's server.properties in its private work dir; the broker logs it as [hidden].
         */
        public Builder saslSslListener(Path keystore, String keystorePassword) {
            if (keystore == null || keystorePassword == null) {
                throw new IllegalArgumentException("saslSslListener needs a keystore and its"
                        + " password");
            }
            this.saslSsl = new SaslSslListener(keystore.toAbsolutePath(), keystorePassword);
            return this;
        }

        /** Sets or overrides one line of the broker's server.properties. */
        public Builder brokerProperty(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("brokerProperty needs a key and a value, got "
                        + key + "=" + value);
            }
            extraProperties.put(key, value);
            return this;
        }

        /** Launches the broker and blocks until it serves requests. */
        public EmbeddedKafkaBroker start() {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalStateException("java.class.path is empty; set classpath()");
            }
            return launch(this);
        }
    }

    /** The SASL_SSL listener's settings. */
    private record SaslSslListener(Path keystore, String keystorePassword) {
        private static final String PREFIX = "listener.name.sasl_ssl.";

        void addTo(Map<String, String> p, int port) {
            p.put("listeners", p.get("listeners") + ",SASL_SSL://127.0.0.1:" + port);
            p.put("advertised.listeners",
                    p.get("advertised.listeners") + ",SASL_SSL://127.0.0.1:" + port);
            p.put("listener.security.protocol.map",
                    p.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
            p.put(PREFIX + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put(PREFIX + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put(PREFIX + "ssl.keystore.type", "PKCS12");
            p.put(PREFIX + "ssl.keystore.location", keystore.toString());
            p.put(PREFIX + "ssl.keystore.password", keystorePassword);
            p.put(PREFIX + "ssl.key.password", keystorePassword);
            p.put(PREFIX + "ssl.client.auth", "none");
        }

        @Override
        public String toString() {
            return "SaslSslListener[keystore=" + keystore + "]";
        }
    }
}

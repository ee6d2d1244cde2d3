package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaeanomaly.kafka.EmbeddedKafkaBroker;
import io.vaeanomaly.testdata.StreamData;
import io.vaeanomaly.testdata.TestConfigs;
import io.vaeanomaly.testutils.KafkaBrokerExtension;
import io.vaeanomaly.testutils.Records;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code run} command as a user runs it: a separate JVM against a real broker, stopped with
 * SIGTERM. A missing topic fails at once; SIGTERM writes a savepoint and exits 0; a run restored
 * from it keeps its model version; nothing is left in the JVM's temp directory; every listening
 * port is on loopback; the command writes nothing to stdout.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RunCommandITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final Pattern SAVEPOINT = Pattern.compile("savepoint written: (\\S+)");

    @TempDir Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private record Topics(String input, String output, String scores, String deadLetters,
            String modelEvents) {}

    private static Topics topics() {
        return new Topics(KAFKA.createUniqueTopic("events", 1),
                KAFKA.createUniqueTopic("anomalies", 1), KAFKA.createUniqueTopic("scores", 1),
                KAFKA.createUniqueTopic("dead-letters", 1),
                KAFKA.createUniqueTopic("model-events", 1));
    }

    /** {@code run} arguments for the small test configuration on {@code t}. */
    private static List<String> runArgs(Topics t) {
        List<String> args = new ArrayList<>(List.of("run"));
        List<String> sets = new ArrayList<>(TestConfigs.smallOverrides());
        sets.addAll(List.of(
                "kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "kafka.input-topic=" + t.input(),
                "kafka.output-topic=" + t.output(),
                "kafka.scores-topic=" + t.scores(),
                "kafka.dead-letter-topic=" + t.deadLetters(),
                "kafka.model-events-topic=" + t.modelEvents(),
                "kafka.group-id=" + t.scores(),
                "kafka.transactional-id-prefix=" + t.scores(),
                "kafka.starting-offsets=earliest",
                "training.retrain-every-events=0"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    @Test
    void aMissingTopicIsAStartUpErrorNamingTheOption() {
        Topics t = topics();
        List<String> args = runArgs(t);
        args.addAll(List.of("--set", "kafka.output-topic=no-such-topic-" + t.input()));
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        long start = System.nanoTime();
        int code = cl.execute(args.toArray(new String[0]));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("kafka.output-topic: topic \"no-such-topic-"
                + t.input() + "\" does not exist on " + KAFKA.bootstrapServers());
        assertThat(seconds).as("seconds to fail").isLessThan(30);
    }

    @Test
    void anOutputTopicThatRefusesTheLargestRecordIsAStartUpError() {
        Topics t = topics();
        // A topic created with a 100 kB limit, below the job's default 1 MB record bound: the
        // job's size guard would pass a record the broker then refuses.
        String small = KAFKA.uniqueTopic("small-scores");
        EmbeddedKafkaBroker.createTopic(KAFKA.admin(), small, 1,
                Map.of("max.message.bytes", "100000"), Duration.ofSeconds(30));
        List<String> args = runArgs(t);
        args.addAll(List.of("--set", "kafka.scores-topic=" + small));
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));

        int code = cl.execute(args.toArray(new String[0]));

        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString())
                .contains("kafka.scores-topic: topic \"" + small + "\" accepts record batches"
                        + " of at most 100000 bytes (max.message.bytes)")
                .contains("set kafka.max-record-bytes to at most 99872");
    }

    /** A {@code run} JVM whose temp directory is {@code tmp}. */
    private Process startRun(Path tmp, Path work, List<String> args) throws IOException {
        Files.createDirectories(tmp);
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g",
                // As the launcher would add it; here the run is this process, not a child.
                "--add-modules", "jdk.incubator.vector",
                "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile())
                .start();
        started.add(p);
        return p;
    }

    /** Sends SIGTERM and waits for the exit; returns the savepoint path the run printed. */
    private static String terminate(Process p, Path work) throws Exception {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("exited after SIGTERM").isTrue();
        String stderr = Files.readString(work.resolve("stderr.txt"));
        assertThat(p.exitValue()).as("exit code; stderr:\n" + stderr).isZero();
        assertThat(Files.readString(work.resolve("stdout.txt"))).as("stdout").isEmpty();
        Matcher m = SAVEPOINT.matcher(stderr);
        assertThat(m.find()).as("savepoint path in stderr:\n" + stderr).isTrue();
        return m.group(1);
    }

    private static List<ProducerRecord<String, String>> events(String topic, StreamData data,
            int n) {
        List<ProducerRecord<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ProducerRecord<>(topic, "h", StreamData.json("h", data.normal())));
        }
        return out;
    }

    private static List<JsonNode> json(List<ConsumerRecord<String, String>> records) {
        return Records.json(records);
    }

    @Test
    void sigtermSavesAndTheRestoredRunKeepsItsModelAndNothingIsLeftBehind() throws Exception {
        Topics t = topics();
        StreamData data = new StreamData(41);
        KAFKA.produce(events(t.input(), data, 300));
        List<String> args = runArgs(t);
        args.addAll(List.of("-p", "1", "-Dexecution.checkpointing.interval=2s",
                "--savepoint-dir", dir.resolve("savepoints").toString()));

        Path tmp1 = dir.resolve("tmp1");
        Path work1 = dir.resolve("work1");
        Process first = startRun(tmp1, work1, args);
        List<ConsumerRecord<String, String>> scores = KAFKA.awaitCommitted(t.scores(),
                l -> l.size() >= 300, WAIT, "300 scored events");
        assertThat(json(scores)).allSatisfy(
                s -> assertThat(s.get("model_version").asLong()).isEqualTo(1));
        assertThat(listeningAddresses(first.pid())).as("listening sockets of the run")
                .isNotEmpty().allMatch(RunCommandITCase::isLoopback);
        String savepoint = terminate(first, work1);
        assertThat(Files.readString(work1.resolve("stderr.txt"))).contains("job running");
        assertThat(entries(tmp1)).as("left in the run's temp dir").isEmpty();

        KAFKA.produce(events(t.input(), data, 40));
        args.addAll(List.of("--from-savepoint", savepoint));
        Path tmp2 = dir.resolve("tmp2");
        Path work2 = dir.resolve("work2");
        Process second = startRun(tmp2, work2, args);
        scores = KAFKA.awaitCommitted(t.scores(), l -> l.size() >= 340, WAIT,
                "340 scored events");
        assertThat(scores).hasSize(340);
        // No new warm-up and no new model: the restored detector scores with version 1.
        assertThat(json(scores.subList(300, 340))).allSatisfy(
                s -> assertThat(s.get("model_version").asLong()).isEqualTo(1));
        assertThat(json(KAFKA.consumeAll(t.modelEvents(), WAIT,
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)))
                .extracting(e -> e.get("model_version").asLong()).containsExactly(1L);
        terminate(second, work2);
        assertThat(entries(tmp2)).as("left in the restored run's temp dir").isEmpty();
    }

    private static List<Path> entries(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.collect(Collectors.toList());
        }
    }

    // ----------------------------------------------------------- listening sockets (Linux /proc)

    /** Local addresses (hex, as in /proc/net/tcp*) of the sockets {@code pid} listens on. */
    static List<String> listeningAddresses(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = proc.resolve("net").resolve(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                boolean listen = f[3].equals("0A");
                if (listen && inodes.contains(f[9])) {
                    listening.add(f[1]);
                }
            }
        }
        return listening;
    }

    /** 127.x.x.x (IPv4, or IPv4-mapped IPv6) or ::1, in /proc/net's little-endian hex. */
    static boolean isLoopback(String hexAddressAndPort) {
        String ip = hexAddressAndPort.substring(0, hexAddressAndPort.indexOf(':'));
        if (ip.length() == 8) {
            return ip.endsWith("7F");
        }
        return ip.equals("00000000000000000000000001000000")
                || (ip.startsWith("0000000000000000FFFF0000") && ip.endsWith("7F"));
    }
}

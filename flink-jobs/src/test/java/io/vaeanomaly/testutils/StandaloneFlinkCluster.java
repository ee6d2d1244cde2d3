package io.vaeanomaly.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaeanomaly.kafka.ChildJvms;
import io.vaeanomaly.kafka.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real standalone Flink session cluster on 127.0.0.1: one JobManager and any number of
 * TaskManagers, each its own JVM, started from Maven Central jars (the class path that the
 * {@code flink-cluster} module writes; flink-dist is not on Maven Central), the way Flink's
 * launcher scripts start them. Jobs are submitted as {@code flink run} does, through the REST API
 * (jar upload, then run).
 *
 * <p>Every port is free-chosen (the JobManager's RPC and REST ports) or ephemeral (blob server,
 * TaskManager RPC and data ports), so several clusters can run at the same time. All files
 * (configuration, logs, temp dirs, uploaded jars, checkpoints if the job puts them in
 * {@link #workDir()}) live in one temp directory. {@link #close()} kills every process and
 * deletes it; a shutdown hook does the same if the test JVM exits, and each child halts by itself
 * when the test JVM dies without either ({@link ParentWatchdogMain}).
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    /** System property overriding where the cluster's class path file is. */
    public static final String CLASSPATH_PROPERTY = "vaeanomaly.flink.cluster.classpath";

    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLASSPATH_FILE = "flink-cluster/target/flink-cluster.classpath";
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The JVM options that flink-dist's config.yaml gives every process ({@code
     * env.java.opts.all}) so that Flink's reflection works on Java 17; without them the
     * DataStream translators fail to initialise.
     */
    private static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Builder settings;
    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final String classpath;
    private final int restPort;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::killAll, "flink-cluster-shutdown");
    private int taskManagersStarted;
    private boolean closed;

    private StandaloneFlinkCluster(Builder settings, Path workDir, String classpath, int rpcPort,
            int restPort) throws IOException {
        this.settings = settings;
        this.workDir = workDir;
        this.confDir = Files.createDirectories(workDir.resolve("conf"));
        this.logDir = Files.createDirectories(workDir.resolve("log"));
        this.classpath = classpath;
        this.restPort = restPort;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Files.writeString(confDir.resolve("config.yaml"), configYaml(settings, workDir, rpcPort,
                restPort));
        Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
    }

    /** A builder; {@link Builder#start()} launches the cluster. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- processes

    /** {@code http://127.0.0.1:<port>} of the JobManager's REST endpoint. */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The temp directory holding configuration, logs and the processes' temp files. */
    public Path workDir() {
        return workDir;
    }

    /** The directory of the processes' log files ({@code <name>.log}, {@code <name>.out}). */
    public Path logDir() {
        return logDir;
    }

    /** Resource ids of the TaskManagers whose process is alive, in start order. */
    public synchronized List<String> liveTaskManagers() {
        return processes.entrySet().stream()
                .filter(e -> e.getKey().startsWith("tm-") && e.getValue().isAlive())
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    /**
     * Starts one more TaskManager (resource id {@code tm-<n>}) and waits until it has registered
     * with the JobManager; returns its resource id.
     */
    public String startTaskManager() {
        String id;
        synchronized (this) {
            ensureOpen();
            id = "tm-" + taskManagersStarted++;
            Path tmp = mkdirs(workDir.resolve("tmp-" + id));
            List<String> jvm = List.of(
                    "-Xmx" + settings.taskManagerHeapMb + "m",
                    "-Xms" + settings.taskManagerHeapMb + "m",
                    "-XX:MaxDirectMemorySize=" + settings.taskManagerDirectMb + "m",
                    "-XX:MaxMetaspaceSize=256m");
            processes.put(id, spawn(id, TASK_MANAGER_MAIN, jvm, List.of(
                    "--configDir", confDir.toString(),
                    "-D", "taskmanager.resource-id=" + id,
                    "-D", "io.tmp.dirs=" + tmp)));
        }
        awaitRest(overview -> registeredTaskManagers().contains(id), settings.startupTimeout,
                "TaskManager " + id + " to register");
        return id;
    }

    /**
     * Kills a TaskManager's JVM with SIGKILL ({@code kill -9}: no shutdown hooks, no goodbye to
     * the JobManager) and waits until the process is gone.
     */
    public void killTaskManager(String id) {
        Process p;
        synchronized (this) {
            p = processes.get(id);
        }
        if (p == null) {
            throw new IllegalArgumentException("no TaskManager " + id + "; have "
                    + processes.keySet());
        }
        ChildJvms.kill(p);
        if (p.isAlive()) {
            throw new IllegalStateException("TaskManager " + id + " survived SIGKILL");
        }
    }

    /** Process id of a cluster process ({@code jobmanager}, {@code tm-0} ...). */
    public synchronized long pid(String name) {
        return processes.get(name).pid();
    }

    /** Resource ids of the TaskManagers the JobManager currently lists. */
    public List<String> registeredTaskManagers() {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    // ---------------------------------------------------------------- REST: jobs

    /** Uploads a job jar ({@code POST /jars/upload}); returns the jar id for {@link #runJar}. */
    public String uploadJar(Path jar) {
        String boundary = "----vae-anomaly-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(jar),
                    HttpRequest.BodyPublishers.ofString(tail));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job jar " + jar, e);
        }
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body).build());
        String file = response.path("filename").asText();
        if (file.isEmpty()) {
            throw new IllegalStateException("jar upload answered without a filename: "
                    + response);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's main class ({@code POST /jars/<id>/run}) with {@code programArgs};
     * returns the job id. The main method runs in the JobManager, as {@code flink run} submits
     * a job built by the client.
     *
     * @throws RestException when the main method fails (the message carries the REST errors)
     */
    public String runJar(String jarId, List<String> programArgs) {
        return runJar(jarId, programArgs, Map.of());
    }

    /**
     * As {@link #runJar(String, List)} with Flink settings for this job, as {@code flink run -D
     * key=value} gives them (parallelism, checkpointing).
     */
    public String runJar(String jarId, List<String> programArgs, Map<String, String> flinkConf) {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("programArgsList").addAll(programArgs.stream()
                .map(JSON.getNodeFactory()::textNode).collect(Collectors.toList()));
        ObjectNode conf = request.putObject("flinkConfiguration");
        flinkConf.forEach(conf::put);
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build());
        return response.path("jobid").asText();
    }

    /** {@code GET /jobs/<id>}: state, vertices with their task status counts, timestamps. */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** {@code GET /jobs/<id>/checkpoints}: counts, latest completed, history. */
    public JsonNode checkpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** Whether the job is RUNNING with every task of every vertex RUNNING. */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = job(jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
            JsonNode counts = v.path("tasks");
            if (counts.path("RUNNING").asInt() != v.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Resource ids of the TaskManagers running tasks of the job's vertex whose name contains
     * {@code vertexName}.
     */
    public List<String> taskManagersOf(String jobId, String vertexName) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : job(jobId).path("vertices")) {
            if (v.path("name").asText().contains(vertexName)) {
                JsonNode tms = get("/jobs/" + jobId + "/vertices/" + v.path("id").asText()
                        + "/taskmanagers");
                for (JsonNode tm : tms.path("taskmanagers")) {
                    String id = tm.path("taskmanager-id").asText();
                    if (!out.contains(id)) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    /** Cancels a job ({@code PATCH /jobs/<id>?mode=cancel}); a finished job is not an error. */
    public void cancel(String jobId) {
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build();
        try {
            http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cancel job " + jobId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted cancelling job " + jobId, e);
        }
    }

    /**
     * Polls the REST {@code GET path} every 100 ms until {@code done} holds for the answer;
     * fails naming {@code what} and the last answer at the deadline.
     */
    public JsonNode await(String path, Predicate<JsonNode> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (true) {
            ensureOpen();
            try {
                last = get(path);
                if (done.test(last)) {
                    return last;
                }
            } catch (RestException e) {
                last = JSON.getNodeFactory().textNode(e.getMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds()
                        + " s waiting for " + what + "; last " + path + ": " + last);
            }
            sleep(100);
        }
    }

    /** {@code GET path} as JSON. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET()
                .build());
    }

    // ---------------------------------------------------------------- logs

    /** Every line of every process's log and console output. */
    public List<String> logLines() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                lines.addAll(readLines(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + logDir, e);
        }
        return lines;
    }

    /** The last lines of every process's log, for failure messages. */
    public String logTail() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                List<String> lines = readLines(f);
                int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
                sb.append("--- ").append(f.getFileName()).append(" (last ")
                        .append(lines.size() - from).append(" lines) ---\n");
                lines.subList(from, lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("cannot list ").append(logDir).append(": ").append(e);
        }
        return sb.toString();
    }

    /** Kills every process and deletes the work directory. Idempotent. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // The JVM is shutting down and the hook runs (or ran) anyway.
        }
    }

    private synchronized void killAll() {
        if (closed) {
            return;
        }
        closed = true;
        // TaskManagers first: they would otherwise log reconnection attempts to a dead master.
        List<Process> order = new ArrayList<>(processes.values());
        java.util.Collections.reverse(order);
        order.forEach(ChildJvms::kill);
        if (settings.logArchive != null) {
            archiveLogs(settings.logArchive);
        }
        TempDirs.deleteQuietly(workDir);
    }

    private void archiveLogs(Path target) {
        try (Stream<Path> files = Files.list(logDir)) {
            Files.createDirectories(target);
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, target.resolve(f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("cannot keep the cluster's logs in " + target + ": " + e);
        }
    }

    // ---------------------------------------------------------------- internals

    private static StandaloneFlinkCluster launch(Builder settings) {
        String classpath = clusterClasspath();
        AssertionError last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int[] ports = ChildJvms.freeLoopbackPorts(2);
            StandaloneFlinkCluster cluster;
            try {
                cluster = new StandaloneFlinkCluster(settings,
                        Files.createTempDirectory("vae-anomaly-flink-"), classpath, ports[0],
                        ports[1]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the cluster's directory", e);
            }
            try {
                cluster.startJobManager();
                for (int i = 0; i < settings.taskManagers; i++) {
                    cluster.startTaskManager();
                }
                return cluster;
            } catch (AssertionError | RuntimeException e) {
                String logs = cluster.logTail();
                cluster.close();
                // A probed port can be taken before the JobManager binds it: retry with new
                // ports, fail at once on anything else.
                if (!logs.contains("Address already in use") || attempt == PORT_ATTEMPTS) {
                    throw new AssertionError("standalone Flink cluster did not start: "
                            + e.getMessage() + "\n" + logs, e);
                }
                last = new AssertionError(e.getMessage(), e);
            }
        }
        throw last;
    }

    private void startJobManager() {
        synchronized (this) {
            Path tmp = mkdirs(workDir.resolve("tmp-jobmanager"));
            processes.put("jobmanager", spawn("jobmanager", JOB_MANAGER_MAIN, List.of(
                    "-Xmx" + settings.jobManagerHeapMb + "m",
                    "-Xms" + settings.jobManagerHeapMb + "m",
                    "-XX:MaxMetaspaceSize=256m"), List.of(
                    "--configDir", confDir.toString(),
                    "-D", "io.tmp.dirs=" + tmp)));
        }
        awaitRest(overview -> true, settings.startupTimeout, "the JobManager's REST endpoint");
    }

    private void awaitRest(Predicate<JsonNode> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkAlive();
            try {
                if (done.test(get("/overview"))) {
                    return;
                }
            } catch (RestException | UncheckedIOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds()
                        + " s waiting for " + what);
            }
            sleep(200);
        }
    }

    private synchronized void checkAlive() {
        ensureOpen();
        Process jm = processes.get("jobmanager");
        if (jm != null && !jm.isAlive()) {
            throw new IllegalStateException("the JobManager exited with code " + jm.exitValue());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
    }

    private Process spawn(String name, String mainClass, List<String> jvmOptions,
            List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvms.javaExecutable());
        cmd.addAll(jvmOptions);
        cmd.addAll(JAVA_17_OPTIONS);
        // Small JVMs on a shared 2-core machine: few GC threads.
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties"));
        cmd.add("-Dlog4j2.disable.jmx=true");
        cmd.add("-cp");
        cmd.add(watchdogJar() + java.io.File.pathSeparator + classpath);
        cmd.add(ParentWatchdogMain.class.getName());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".out").toFile());
        // stdin stays a pipe: its end-of-file tells the child that the test JVM is gone.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("FLINK_CONF_DIR");
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        // ND4J's OpenBLAS would start a thread per core in every TaskManager; the cluster's
        // processes already share the machine's cores.
        pb.environment().put("OMP_NUM_THREADS", "1");
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** A jar holding only {@link ParentWatchdogMain}, written into the work dir once. */
    private Path watchdogJar() {
        Path jar = workDir.resolve("parent-watchdog.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        String entry = ParentWatchdogMain.class.getName().replace('.', '/') + ".class";
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (InputStream in = ParentWatchdogMain.class.getClassLoader()
                        .getResourceAsStream(entry);
                OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            if (in == null) {
                throw new IllegalStateException("class file not found: " + entry);
            }
            jarOut.putNextEntry(new JarEntry(entry));
            in.transferTo(jarOut);
            jarOut.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jar, e);
        }
        return jar;
    }

    private static String clusterClasspath() {
        String configured = System.getProperty(CLASSPATH_PROPERTY);
        Path file = configured != null ? Path.of(configured) : findUp(CLASSPATH_FILE);
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (cp.isEmpty()) {
                throw new IllegalStateException(file + " is empty");
            }
            return cp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster class path " + file
                    + "; build the flink-cluster module first (mvn -pl flink-jobs -am ...)", e);
        }
    }

    private static Path findUp(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(relative + " not found above "
                + Path.of("").toAbsolutePath()
                + "; build the flink-cluster module first (mvn -pl flink-jobs -am ...)");
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.uri(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RestException(request.method() + " " + request.uri().getPath() + " -> "
                    + response.statusCode() + ": " + response.body());
        }
        try {
            return response.body().isEmpty()
                    ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + request.uri(), e);
        }
    }

    private URI uri(String path) {
        return URI.create(restUrl() + path);
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static List<String> readLines(Path f) {
        try {
            // Logs may hold bytes that are not UTF-8 (a test's bad input, echoed): decode
            // leniently rather than fail the read.
            return List.of(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)
                    .split("\n"));
        } catch (IOException e) {
            return List.of("(unreadable: " + e + ")");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String configYaml(Builder s, Path workDir, int rpcPort, int restPort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("blob.server.port", "0");
        c.put("web.tmpdir", workDir.resolve("web").toString());
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slotsPerTaskManager));
        // Without the launcher scripts, the TaskManager needs its resources spelled out.
        c.put("taskmanager.cpu.cores", Integer.toString(s.slotsPerTaskManager));
        c.put("taskmanager.memory.framework.heap.size", "128m");
        c.put("taskmanager.memory.task.heap.size", (s.taskManagerHeapMb - 128) + "m");
        c.put("taskmanager.memory.framework.off-heap.size", "128m");
        c.put("taskmanager.memory.task.off-heap.size", "0m");
        c.put("taskmanager.memory.managed.size", "128m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        c.put("taskmanager.memory.jvm-metaspace.size", "256m");
        c.put("taskmanager.memory.jvm-overhead.min", "192m");
        c.put("taskmanager.memory.jvm-overhead.max", "192m");
        c.put("parallelism.default", "1");
        c.putAll(s.extraConfig);
        StringBuilder sb = new StringBuilder("# written by StandaloneFlinkCluster\n");
        c.forEach((k, v) -> sb.append(k).append(": ").append(yamlScalar(v)).append('\n'));
        return sb.toString();
    }

    private static String yamlScalar(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    private static final String LOG4J = String.join("\n",
            "# written by StandaloneFlinkCluster: one file per process (-Dlog.file)",
            "monitorInterval = 0",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1.} %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = INFO",
            "");

    /** A REST call answered with a non-2xx status. */
    public static final class RestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RestException(String message) {
            super(message);
        }
    }

    /** Cluster settings; {@link #start()} launches it. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 1;
        private int jobManagerHeapMb = 512;
        private int taskManagerHeapMb = 512;
        private int taskManagerDirectMb = 256;
        private Duration startupTimeout = Duration.ofSeconds(120);
        private Path logArchive;
        private final Map<String, String> extraConfig = new LinkedHashMap<>();

        private Builder() {}

        /** TaskManagers started with the cluster (default 1). */
        public Builder taskManagers(int n) {
            this.taskManagers = ChildJvms.atLeast("taskManagers", n, 0);
            return this;
        }

        /** Task slots per TaskManager (default 1). */
        public Builder slotsPerTaskManager(int n) {
            this.slotsPerTaskManager = ChildJvms.atLeast("slotsPerTaskManager", n, 1);
            return this;
        }

        /** JVM heap of each TaskManager in MB, framework (128) plus task heap (default 512). */
        public Builder taskManagerHeapMb(int mb) {
            this.taskManagerHeapMb = ChildJvms.atLeast("taskManagerHeapMb", mb, 256);
            return this;
        }

        /** How long start-up steps wait (default 120 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = ChildJvms.positive("startupTimeout", timeout);
            return this;
        }

        /** A directory the processes' logs are copied to when the cluster closes. */
        public Builder keepLogsIn(Path dir) {
            this.logArchive = dir;
            return this;
        }

        /** One more line of the cluster's config.yaml (overrides the built-in ones). */
        public Builder config(String key, String value) {
            extraConfig.put(key, value);
            return this;
        }

        /** Starts the JobManager and the TaskManagers; returns once all have registered. */
        public StandaloneFlinkCluster start() {
            return launch(this);
        }
    }
}

package io.vaeanomaly.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM by kind of thread, and of a child process (the broker), so that a
 * benchmark can say where the cycles went: the job's task threads (by task), its Kafka client
 * threads, the trainer, the benchmark's own producer and consumer, other Java threads, and the
 * JVM's own threads (garbage collector, JIT compiler: the process total minus all Java threads).
 */
final class CpuMeter {
    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long childPid;

    /** @param childPid a process whose CPU is reported as "broker", or -1 */
    CpuMeter(long childPid) {
        this.childPid = childPid;
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** CPU nanoseconds per thread id (with the thread's name), the process, and the child. */
    record Snapshot(Map<Long, Long> threadNanos, Map<Long, String> names, long processNanos,
            long[] processTicks, long[] childTicks, long wallNanos) {}

    Snapshot take() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long ns = threads.getThreadCpuTime(info.getThreadId());
            if (ns >= 0) {
                cpu.put(info.getThreadId(), ns);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        return new Snapshot(cpu, names, processCpuNanos(),
                ticks(ProcessHandle.current().pid()), ticks(childPid), System.nanoTime());
    }

    /**
     * CPU seconds spent between two snapshots by category (sorted by name), plus
     * {@code "wall"} (seconds between the snapshots). Task threads are reported as
     * {@code "task: <first operator>"}.
     */
    Map<String, Double> between(Snapshot a, Snapshot b) {
        Map<String, Double> out = new TreeMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, Long> e : b.threadNanos().entrySet()) {
            long before = a.threadNanos().getOrDefault(e.getKey(), 0L);
            long ns = Math.max(0, e.getValue() - before);
            javaThreads += ns;
            out.merge(category(b.names().get(e.getKey())), ns / 1e9, Double::sum);
        }
        long process = b.processNanos() - a.processNanos();
        out.merge("jvm (gc, jit)", Math.max(0, process - javaThreads) / 1e9, Double::sum);
        // Of all the above, the time in the kernel (system calls: network, files).
        out.put("of which system", (b.processTicks()[1] - a.processTicks()[1])
                / TICKS_PER_SECOND);
        if (childPid > 0) {
            out.put("broker", (b.childTicks()[0] + b.childTicks()[1] - a.childTicks()[0]
                    - a.childTicks()[1]) / TICKS_PER_SECOND);
            out.put("broker system", (b.childTicks()[1] - a.childTicks()[1])
                    / TICKS_PER_SECOND);
        }
        out.put("wall", (b.wallNanos() - a.wallNanos()) / 1e9);
        return out;
    }

    /** Total CPU seconds of this process between two snapshots. */
    static double processSeconds(Snapshot a, Snapshot b) {
        return (b.processNanos() - a.processNanos()) / 1e9;
    }

    static String category(String thread) {
        if (thread.startsWith("vae-trainer-")) {
            return "trainer";
        }
        if (thread.startsWith("bench-e2e") || thread.endsWith("| " + LoadProducer.CLIENT_ID)) {
            return "bench producer/consumer";
        }
        if (thread.startsWith("Source Data Fetcher")
                || thread.startsWith("kafka-producer-network-thread")) {
            return "job kafka clients";
        }
        if (thread.startsWith("OutputFlusher for") || thread.contains("Time Trigger for")) {
            return "flink flushers and timers";
        }
        // Flink task threads: "scorer -> scores-size-guard (1/1)#0"
        int subtask = thread.lastIndexOf(" (");
        if (subtask > 0 && thread.indexOf('/', subtask) > 0 && thread.contains(")#")) {
            String task = thread.substring(0, subtask);
            int chain = task.indexOf(" -> ");
            return "task: " + (chain > 0 ? task.substring(0, chain) + " -> ..." : task);
        }
        return "other java threads";
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    /** User and system clock ticks of a process from /proc; zeros when unknown. */
    private static long[] ticks(long pid) {
        if (pid <= 0) {
            return new long[2];
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) in parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime
        } catch (IOException | RuntimeException e) {
            return new long[2]; // not Linux, or the process is gone
        }
    }
}

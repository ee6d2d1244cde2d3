package io.vaeanomaly.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * When the job's trainer threads (in this JVM: the job runs on a local MiniCluster) were busy:
 * samples their CPU time every {@link #PERIOD_MS} ms and records the wall-clock intervals in
 * which it grew. More precise than a model event's "seconds", which leave out the work around
 * the training proper (normalising the sample, calibrating the threshold).
 */
final class TrainingWatch implements AutoCloseable {
    static final long PERIOD_MS = 25;
    /** Quiet samples that end a window. */
    private static final int QUIET_SAMPLES = 4;
    /**
     * CPU per sample that counts as busy: 0.5 ms, a fiftieth of the period. Low, because on a
     * machine with a load average of 30 on 2 cores a running trainer gets about 2 ms of CPU in
     * 25 ms; an idle trainer thread takes none.
     */
    private static final long BUSY_NANOS = 500_000;

    /** A busy interval, epoch ms. */
    record Window(long startMs, long endMs) {
        boolean contains(long ms) {
            return ms >= startMs && ms <= endMs;
        }

        double seconds() {
            return (endMs - startMs) / 1000.0;
        }
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Thread thread = new Thread(this::run, "bench-e2e-training-watch");
    private final List<Window> windows = new ArrayList<>();
    private volatile boolean stop;

    TrainingWatch() {
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long last = trainerNanos();
        long openedMs = -1;
        long lastBusyMs = -1;
        int quiet = 0;
        while (!stop) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = trainerNanos();
            long ms = System.currentTimeMillis();
            // Less CPU than before: a trainer thread ended, after working since the last sample.
            boolean busy = now - last >= BUSY_NANOS || now < last;
            last = now;
            if (busy) {
                if (openedMs < 0) {
                    openedMs = ms - PERIOD_MS;
                }
                lastBusyMs = ms;
                quiet = 0;
            } else if (openedMs >= 0 && ++quiet >= QUIET_SAMPLES) {
                add(new Window(openedMs, lastBusyMs));
                openedMs = -1;
            }
        }
        if (openedMs >= 0) {
            add(new Window(openedMs, lastBusyMs));
        }
    }

    private synchronized void add(Window w) {
        windows.add(w);
    }

    /** Sum of the CPU time of all threads named {@code vae-trainer-*}. */
    private long trainerNanos() {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("vae-trainer-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** Finished busy windows, oldest first. */
    synchronized List<Window> windows() {
        return List.copyOf(windows);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(1000);
    }
}

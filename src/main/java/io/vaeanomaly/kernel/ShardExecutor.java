package io.vaeanomaly.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs tasks 0..n-1 of one phase on a fixed set of threads (the caller plus {@code threads - 1}
 * workers) and returns when all are done. Which thread runs which task does not matter for the
 * results: each task writes only its own buffers, and the caller combines them in task order.
 *
 * <p>No allocation per phase: the task is a field, and claims are taken from one counter that
 * carries the phase number in its high bits, so a worker that wakes late can never take a task
 * of a later phase with a stale view of it.
 */
final class ShardExecutor implements AutoCloseable {
    private static final int SPINS = 2_000;

    private final Thread[] workers;
    /** High 32 bits: phase number; low 32 bits: next task index. */
    private final AtomicLong next = new AtomicLong();

    private final AtomicInteger done = new AtomicInteger();
    private volatile IntConsumer task;
    private volatile int count;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;
    private int phase;

    ShardExecutor(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be >= 1 but was " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workLoop, name + "-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task.accept(i)} for every i below {@code n}; rethrows the first failure. */
    void run(int n, IntConsumer task) {
        if (workers.length == 0 || n <= 1) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        this.task = task;
        this.count = n;
        this.caller = Thread.currentThread();
        this.failure = null;
        done.set(0);
        phase++;
        long base = (long) phase << 32;
        next.set(base);
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        work(base, task, n);
        int spins = 0;
        while (done.get() < n) {
            if (spins++ < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    /** Claims and runs tasks of the phase {@code base} until none is left. */
    private void work(long base, IntConsumer t, int n) {
        while (true) {
            long v = next.get();
            if ((v & 0xFFFF_FFFF_0000_0000L) != base || (int) v >= n) {
                return;
            }
            if (!next.compareAndSet(v, v + 1)) {
                continue;
            }
            try {
                t.accept((int) v);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (done.incrementAndGet() == n) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void workLoop() {
        long seen = 0;
        int spins = 0;
        while (!closed) {
            long v = next.get();
            long base = v & 0xFFFF_FFFF_0000_0000L;
            if (base == seen || (int) v >= count) {
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
                continue;
            }
            spins = 0;
            // Read the task after the counter: the caller publishes it before the counter.
            IntConsumer t = task;
            int n = count;
            if (t != null) {
                work(base, t, n);
            }
            seen = base;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}

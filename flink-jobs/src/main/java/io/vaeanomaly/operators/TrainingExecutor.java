package io.vaeanomaly.operators;

import io.vaeanomaly.detect.ChallengerTrainer;
import io.vaeanomaly.detect.OnlineDetector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread an operator trains on, so that scoring never waits for training. One daemon thread
 * per operator instance: trainings of different keys queue rather than compete for the task
 * manager's cores with the scoring threads. Results are handed back as futures that the
 * operator polls on its own (mailbox) thread, where the detector may be touched.
 */
final class TrainingExecutor implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final ExecutorService executor;

    TrainingExecutor(String name) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vae-trainer-" + name + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            // Training is background work: scoring latency matters more.
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
    }

    CompletableFuture<ChallengerTrainer.Outcome> submit(OnlineDetector.TrainingTask task) {
        return CompletableFuture.supplyAsync(task::run, executor);
    }

    /** Abandons queued and running trainings: their results are not part of any state. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}

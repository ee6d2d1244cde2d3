package io.vaeanomaly.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT (Ctrl-C) as requests to stop, instead of the JVM's default of running the
 * shutdown hooks at once: a stop with a savepoint needs the cluster, and Flink's own shutdown
 * hooks (blob server, I/O manager) would tear it down concurrently. The first signal requests
 * a graceful stop; a second one asks to stop now. {@link #close()} restores the previous
 * handlers.
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch force = new CountDownLatch(1);
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    private StopSignals() {}

    /** Handles SIGTERM and SIGINT until {@link #close()}; a platform without one skips it. */
    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, s::onSignal);
                s.installed.add(signal);
                s.previous.add(old);
            } catch (IllegalArgumentException unsupported) {
                // This platform or JVM configuration (-Xrs) does not let us handle it.
            }
        }
        return s;
    }

    private void onSignal(Signal signal) {
        if (stop.getCount() == 0) {
            force.countDown();
        } else {
            received = "SIG" + signal.getName();
            stop.countDown();
        }
    }

    /** Waits up to {@code millis} for a stop request; true once one came. */
    boolean awaitStop(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether a second signal asked to stop without waiting. */
    boolean forced() {
        return force.getCount() == 0;
    }

    /** The signal that requested the stop, e.g. {@code SIGTERM}, or null. */
    String received() {
        return received;
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}

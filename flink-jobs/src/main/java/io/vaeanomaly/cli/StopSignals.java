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
            s.handle(name, s::onSignal);
        }
        return s;
    }

    /**
     * While {@code child} runs the command in our place ({@link VectorModuleLauncher}): SIGTERM
     * sent to this process is passed on to the child, and SIGINT is ignored here, because Ctrl-C
     * in a terminal reaches every process of the foreground group, the child included (passed
     * on, it would arrive twice, which {@code run} takes as "stop without a savepoint"). This
     * process keeps waiting for the child, whose exit code becomes its own.
     */
    static StopSignals forwardTo(Process child) {
        StopSignals s = new StopSignals();
        s.handle("TERM", signal -> child.destroy());
        s.handle("INT", SignalHandler.SIG_IGN);
        return s;
    }

    private void handle(String name, SignalHandler handler) {
        try {
            Signal signal = new Signal(name);
            SignalHandler old = Signal.handle(signal, handler);
            installed.add(signal);
            previous.add(old);
        } catch (IllegalArgumentException unsupported) {
            // This platform or JVM configuration (-Xrs) does not let us handle it.
        }
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

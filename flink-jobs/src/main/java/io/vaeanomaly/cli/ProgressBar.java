package io.vaeanomaly.cli;

import java.io.PrintStream;

/**
 * A one-line text progress bar on stderr, so stdout stays clean for results and the final JSON
 * line. Redraws at most every 200 ms; when stderr is not a terminal (CI logs) it prints a plain
 * line every 10%.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private int lastDecile = -1;
    private long current;

    public ProgressBar(String label, long total) {
        this(System.err, label, total, System.console() != null);
    }

    ProgressBar(PrintStream out, String label, long total, boolean interactive) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.interactive = interactive;
    }

    /** Advances by {@code n} units. */
    public void step(long n) {
        set(current + n);
    }

    /** Sets the absolute progress. */
    public void set(long value) {
        current = Math.min(value, total);
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDrawNanos > 200_000_000L || current == total) {
                lastDrawNanos = now;
                draw(now, "\r");
            }
        } else {
            int decile = (int) (10 * current / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                draw(now, "");
                out.println();
            }
        }
    }

    private void draw(long now, String prefix) {
        int filled = (int) (WIDTH * current / total);
        double secs = (now - startNanos) / 1e9;
        double eta = current == 0 ? Double.NaN : secs * (total - current) / current;
        out.printf(
                "%s%s [%s%s] %3d%% %d/%d %.0fs elapsed%s",
                prefix,
                label,
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                100 * current / total,
                current,
                total,
                secs,
                Double.isNaN(eta) ? "" : String.format(" ~%.0fs left", eta));
        out.flush();
    }

    @Override
    public void close() {
        if (interactive) {
            set(total);
            out.println();
        } else if (lastDecile < 10) {
            set(total);
        }
    }
}

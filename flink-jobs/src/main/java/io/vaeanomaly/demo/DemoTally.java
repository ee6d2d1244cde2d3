package io.vaeanomaly.demo;

/**
 * Counts of the demo's scored events against the generator's labels, thread-safe. Only scored
 * events are counted: events that arrive before their model exists are passed through unscored
 * and never reach the scores topic, so they can be neither flagged nor missed.
 */
public final class DemoTally {
    private long scored;
    private long flagged;
    private long truePositives;
    private long labelled;

    /** Records one scored event: whether the job flagged it and whether it was injected. */
    public synchronized void add(boolean flaggedByJob, boolean injected) {
        scored++;
        if (flaggedByJob) {
            flagged++;
        }
        if (injected) {
            labelled++;
        }
        if (flaggedByJob && injected) {
            truePositives++;
        }
    }

    public synchronized long scored() {
        return scored;
    }

    public synchronized long flagged() {
        return flagged;
    }

    public synchronized long truePositives() {
        return truePositives;
    }

    /** Scored events carrying an injected anomaly. */
    public synchronized long labelled() {
        return labelled;
    }

    /** Flagged events that were injected, over flagged events; NaN when nothing was flagged. */
    public synchronized double precision() {
        return flagged == 0 ? Double.NaN : (double) truePositives / flagged;
    }

    /** Injected events that were flagged, over injected events; NaN when none was scored. */
    public synchronized double recall() {
        return labelled == 0 ? Double.NaN : (double) truePositives / labelled;
    }
}

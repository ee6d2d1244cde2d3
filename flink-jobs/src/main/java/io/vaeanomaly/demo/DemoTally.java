package io.vaeanomaly.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts of the demo's scored events against the generator's labels, thread-safe. Events are
 * counted once per source position (input partition and offset): the demo's sinks are
 * at-least-once, so a record may arrive twice after a restart, and a duplicate must neither
 * count as a second event nor as a second hit.
 */
public final class DemoTally {
    private final Map<Integer, Set<Long>> scoredOffsets = new HashMap<>();
    private final Set<String> unscoredPositions = new HashSet<>();
    private long scored;
    private long flagged;
    private long truePositives;
    private long labelled;

    /**
     * Records one scored event: whether the job flagged it and whether it was injected.
     *
     * @return whether the position was new (false for a duplicate, which is ignored)
     */
    public synchronized boolean add(
            int partition, long offset, boolean flaggedByJob, boolean injected) {
        if (!scoredOffsets.computeIfAbsent(partition, p -> new HashSet<>()).add(offset)) {
            return false;
        }
        unscoredPositions.remove(partition + "@" + offset);
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
        return true;
    }

    /**
     * Records an event the job forwarded without a score; it stays counted as unscored unless a
     * score for the same position arrives later.
     */
    public synchronized void addUnscored(int partition, long offset) {
        Set<Long> s = scoredOffsets.get(partition);
        if (s == null || !s.contains(offset)) {
            unscoredPositions.add(partition + "@" + offset);
        }
    }

    /**
     * Whether every offset {@code 0..last} of every partition in {@code lastOffsets} has been
     * scored (the demo's input topic is fresh and written by one non-transactional producer, so
     * its offsets have no gaps).
     */
    public synchronized boolean allScored(Map<Integer, Long> lastOffsets) {
        for (Map.Entry<Integer, Long> e : lastOffsets.entrySet()) {
            Set<Long> s = scoredOffsets.get(e.getKey());
            if ((s == null ? 0 : s.size()) < e.getValue() + 1) {
                return false;
            }
        }
        return true;
    }

    /** Distinct events scored. */
    public synchronized long scored() {
        return scored;
    }

    /** Distinct events forwarded unscored (and not scored later). */
    public synchronized long unscored() {
        return unscoredPositions.size();
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

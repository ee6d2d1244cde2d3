package io.vaeanomaly.threshold;

import java.util.Arrays;

/**
 * Streaming Peaks-Over-Threshold threshold (SPOT; Siffer, Fouque, Termier, Largouet, "Anomaly
 * Detection in Streams with Extreme Value Theory", KDD 2017) on the lower tail of
 * log-probabilities.
 *
 * <p>Internally it works on the loss {@code x = -logProb}, whose upper tail is the one SPOT models:
 * <ol>
 *   <li>Calibration on {@code n_init} values: the initial level {@code t} is the
 *       {@code initialLevel} quantile of x (e.g. 98%); the peaks are the excesses {@code x - t} of
 *       the values above it; a Generalized Pareto distribution is fitted to them by Grimshaw's
 *       method ({@link GeneralizedPareto#fit}).
 *   <li>Threshold {@code z_q = t + (sigma/gamma) * ((q*n/N_t)^(-gamma) - 1)}, or
 *       {@code t - sigma*log(q*n/N_t)} when gamma is 0, where {@code q} is the risk, {@code n} the
 *       number of values learned from and {@code N_t} the number of peaks: the loss exceeded with
 *       probability q. In log-probability terms the threshold is {@code -z_q}.
 *   <li>Streaming ({@link #observe}): a value beyond {@code z_q} is an anomaly and is not learned
 *       (it must not inflate the normal tail); a value between t and {@code z_q} becomes a peak,
 *       {@code n} and {@code N_t} grow, and the GPD is refitted; any other value only grows
 *       {@code n}.
 * </ol>
 *
 * <p>Deliberate deviation from the paper: dropping values beyond {@code z_q} means a streamed
 * peak is only ever seen if its excess is at most {@code z_q - t}, so the retained peaks are a
 * truncated sample. Fitting them as if untruncated (as the paper does) drifts towards lighter
 * tails, which lowers {@code z_q}, which truncates more: measured on 200k Exp(1) losses at
 * q = 1e-3, 872 alarms instead of ~200 with a 1000-peak window (492 with unbounded peaks). Here
 * each streamed peak remembers the {@code z_q - t} in force when it arrived and the GPD maximises
 * the truncated likelihood ({@link GeneralizedPareto#fitTruncated}); calibration peaks are
 * untruncated. Anomalies still never influence the fit.
 *
 * <p>Bounded refit cost: the GPD is fitted to at most {@link Config#maxPeaks()} most recent
 * excesses (a ring buffer), so one fit is O(maxPeaks) times at most ~300 likelihood evaluations
 * (typically a few dozen, warm-started from the previous fit) whatever the stream length. The GPD
 * is refitted once at least 1% of the buffered peaks are new since the last fit (so after every
 * peak while the buffer holds under 100), which keeps the amortised cost per peak at about 100
 * likelihood terms per evaluation, independent of maxPeaks; {@code z_q} itself is recomputed from
 * the current fit and counts at every peak, as in the paper. The exceedance rate {@code N_t/n}
 * still uses all-time counts. Keeping only recent peaks also lets the tail shape follow slow
 * drift.
 *
 * <p>Robustness (never a NaN or infinite threshold):
 * <ul>
 *   <li>fewer than {@link Config#minPeaksForGpd()} peaks: no GPD fit; an exponential tail with
 *       sigma = mean excess (or the score scale when there is no peak at all, e.g. constant data)
 *       and the nominal exceedance rate {@code 1 - initialLevel} instead of {@code N_t/n}, which
 *       would be meaningless with so few peaks;
 *   <li>GPD shape estimates that are non-finite or {@code <= -1}: exponential fit instead;
 *   <li>{@code z_q} is never below {@code t}: a cut below the initial level would flag values that
 *       SPOT itself treats as ordinary (this only binds for degenerate, heavily tied data).
 * </ul>
 *
 * <p>Anomaly score: logistic with {@link #scoreScale()} = robust spread (IQR / 1.349) of the
 * calibration log-probabilities, fixed at calibration, so scores are comparable while the
 * threshold moves. Mutable and not thread-safe.
 */
public final class SpotThreshold implements Threshold {
    /**
     * SPOT settings.
     *
     * @param risk q, the target probability that a normal value is flagged, in
     *     {@code (0, 1 - initialLevel)}
     * @param initialLevel quantile of the calibration losses used as the initial level t, in (0, 1)
     * @param maxPeaks the GPD is fitted to at most this many most recent peaks (bounds refit cost)
     * @param minPeaksForGpd below this many peaks the exponential fallback is used, {@code >= 2}
     */
    public record Config(double risk, double initialLevel, int maxPeaks, int minPeaksForGpd) {
        /** q = 1e-4, t at the 98% quantile, at most 1000 peaks, GPD from 10 peaks on. */
        public static final Config DEFAULT = new Config(1e-4, 0.98, 1000, 10);

        public Config {
            if (!(initialLevel > 0 && initialLevel < 1)) {
                throw new IllegalArgumentException("initialLevel must be in (0, 1), got "
                        + initialLevel);
            }
            if (!(risk > 0 && risk < 1 - initialLevel)) {
                throw new IllegalArgumentException("risk must be in (0, 1 - initialLevel) = (0, "
                        + (1 - initialLevel) + "), got " + risk);
            }
            if (minPeaksForGpd < 2) {
                throw new IllegalArgumentException("minPeaksForGpd must be >= 2, got "
                        + minPeaksForGpd);
            }
            if (maxPeaks < minPeaksForGpd) {
                throw new IllegalArgumentException("maxPeaks must be >= minPeaksForGpd ("
                        + minPeaksForGpd + "), got " + maxPeaks);
            }
        }

        /** The same settings with another risk. */
        public Config withRisk(double newRisk) {
            return new Config(newRisk, initialLevel, maxPeaks, minPeaksForGpd);
        }

        /** The same settings with another initial level. */
        public Config withInitialLevel(double newLevel) {
            return new Config(risk, newLevel, maxPeaks, minPeaksForGpd);
        }
    }

    /** The GPD is refitted once {@code bufferedPeaks / REFIT_DIVISOR} peaks are new. */
    private static final int REFIT_DIVISOR = 100;

    private final Config config;
    /** Initial level t in loss space (-logProb). */
    private final double initialLoss;
    private final double scoreScale;
    /** n: values learned from (calibration values plus non-anomalous streamed values). */
    private long learned;
    /** N_t: all-time number of peaks. */
    private long peakCount;
    /** Ring buffer of the most recent excesses over t. */
    private final double[] peaks;
    /** For each buffered peak, the excess limit {@code z_q - t} when it arrived (or +Infinity). */
    private final double[] truncations;
    private int peakHead;
    private int peakSize;
    /** Peaks added since the GPD was last fitted. */
    private int peaksSinceFit;
    private double shape;
    private double sigma;
    /** z_q in loss space. */
    private double thresholdLoss;

    private SpotThreshold(Config config, double initialLoss, double scoreScale) {
        this.config = config;
        this.initialLoss = initialLoss;
        this.scoreScale = scoreScale;
        this.peaks = new double[config.maxPeaks()];
        this.truncations = new double[config.maxPeaks()];
    }

    /**
     * Calibrates SPOT on an initial batch of log-probabilities of (mostly) normal data.
     *
     * @param initialLogProbs n_init finite values; use enough that
     *     {@code n_init * (1 - initialLevel)} is at least ~50 peaks (e.g. 2500+ at 98%)
     * @throws IllegalArgumentException if the batch is empty or holds a non-finite value
     */
    public static SpotThreshold calibrate(double[] initialLogProbs, Config config) {
        double[] sortedLogProbs = Calibration.sortedFinite(initialLogProbs, "initialLogProbs");
        int n = sortedLogProbs.length;
        double[] sortedLosses = new double[n];
        for (int i = 0; i < n; i++) {
            sortedLosses[i] = -sortedLogProbs[n - 1 - i];
        }
        double t = Calibration.quantile(sortedLosses, config.initialLevel());
        SpotThreshold spot = new SpotThreshold(config, t,
                Calibration.robustScale(sortedLogProbs));
        spot.learned = n;
        for (double logProb : initialLogProbs) {
            double loss = -logProb;
            if (loss > t) {
                spot.addPeak(loss - t, Double.POSITIVE_INFINITY);
            }
        }
        spot.refit(null, true);
        return spot;
    }

    /** {@link #calibrate(double[], Config)} with the default peak settings. */
    public static SpotThreshold calibrate(double[] initialLogProbs, double risk,
            double initialLevel) {
        return calibrate(initialLogProbs, new Config(risk, initialLevel,
                Config.DEFAULT.maxPeaks(), Config.DEFAULT.minPeaksForGpd()));
    }

    @Override
    public Decision decide(double logProb) {
        return Decision.of(logProb, -thresholdLoss, scoreScale);
    }

    @Override
    public double thresholdLogProb() {
        return -thresholdLoss;
    }

    @Override
    public double scoreScale() {
        return scoreScale;
    }

    /** Learns from one value as described in the class comment; NaN is ignored. */
    @Override
    public void observe(double logProb) {
        if (Double.isNaN(logProb)) {
            return;
        }
        double loss = -logProb;
        if (loss > thresholdLoss) {
            return;
        }
        learned++;
        if (loss > initialLoss) {
            boolean wasGpd = peakSize >= config.minPeaksForGpd();
            addPeak(loss - initialLoss, thresholdLoss - initialLoss);
            peaksSinceFit++;
            refit(wasGpd ? new GeneralizedPareto(shape, sigma) : null,
                    !wasGpd || peaksSinceFit >= Math.max(1, peakSize / REFIT_DIVISOR));
        }
    }

    private void addPeak(double excess, double truncation) {
        truncations[peakHead] = truncation;
        peaks[peakHead] = excess;
        peakHead = (peakHead + 1) % peaks.length;
        if (peakSize < peaks.length) {
            peakSize++;
        }
        peakCount++;
    }

    /**
     * Recomputes z_q from the counts, refitting the tail first if {@code fit}; {@code start}
     * warm-starts the GPD search.
     */
    private void refit(GeneralizedPareto start, boolean fit) {
        boolean gpd = peakSize >= config.minPeaksForGpd();
        double meanExcess = peakSize > 0 ? mean(ordered(peaks)) : scoreScale;
        if (fit) {
            GeneralizedPareto tail = gpd
                    ? GeneralizedPareto.fitTruncated(ordered(peaks), ordered(truncations),
                            peakSize, start)
                    : new GeneralizedPareto(0.0, meanExcess);
            shape = tail.shape();
            sigma = tail.scale();
            peaksSinceFit = 0;
        }
        double tailRate = gpd ? (double) peakCount / learned : 1 - config.initialLevel();
        double tailProbability = config.risk() / tailRate;
        double z = initialLoss + new GeneralizedPareto(shape, sigma)
                .excessQuantile(tailProbability);
        if (!Double.isFinite(z)) {
            // An extreme shape can overflow the quantile; the exponential tail cannot.
            shape = 0.0;
            sigma = meanExcess;
            z = initialLoss + new GeneralizedPareto(shape, sigma).excessQuantile(tailProbability);
        }
        if (!Double.isFinite(z)) {
            z = initialLoss + scoreScale * Math.log((1 - config.initialLevel()) / config.risk());
        }
        thresholdLoss = Math.max(z, initialLoss);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The buffered entries of a peak ring, oldest first. */
    private double[] ordered(double[] ring) {
        double[] out = new double[peakSize];
        int oldest = peakSize == ring.length ? peakHead : 0;
        for (int k = 0; k < peakSize; k++) {
            out[k] = ring[(oldest + k) % ring.length];
        }
        return out;
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** The initial level t as a log-probability ({@code -t}); peaks are values below it. */
    public double initialLevelLogProb() {
        return -initialLoss;
    }

    /** Current GPD shape gamma (0 when the exponential tail is in use). */
    public double gpdShape() {
        return shape;
    }

    /** Current GPD scale sigma, in log-probability units. */
    public double gpdScale() {
        return sigma;
    }

    /** n: values learned from so far (calibration plus non-anomalous observed values). */
    public long learnedCount() {
        return learned;
    }

    /** N_t: all-time number of peaks. */
    public long peakCount() {
        return peakCount;
    }

    /** Peaks currently held for the GPD fit (at most {@code config().maxPeaks()}). */
    public int bufferedPeakCount() {
        return peakSize;
    }

    @Override
    public SpotThreshold copy() {
        SpotThreshold c = new SpotThreshold(config, initialLoss, scoreScale);
        c.learned = learned;
        c.peakCount = peakCount;
        System.arraycopy(peaks, 0, c.peaks, 0, peaks.length);
        System.arraycopy(truncations, 0, c.truncations, 0, truncations.length);
        c.peakHead = peakHead;
        c.peakSize = peakSize;
        c.peaksSinceFit = peaksSinceFit;
        c.shape = shape;
        c.sigma = sigma;
        c.thresholdLoss = thresholdLoss;
        return c;
    }

    /**
     * The full state, for persistence: everything {@link #fromState} needs to rebuild an equal
     * threshold. Buffered peaks and their truncations are oldest first.
     *
     * @param config settings
     * @param initialLoss initial level t in loss space
     * @param scoreScale logistic scale of the anomaly score
     * @param learned n, values learned from
     * @param peakCount N_t, all-time peaks
     * @param peaksSinceFit peaks added since the last GPD fit
     * @param shape GPD shape
     * @param sigma GPD scale
     * @param thresholdLoss z_q in loss space
     * @param peaks buffered excesses, oldest first
     * @param truncations the excess limit of each buffered peak when it arrived
     */
    public record State(Config config, double initialLoss, double scoreScale, long learned,
            long peakCount, int peaksSinceFit, double shape, double sigma, double thresholdLoss,
            double[] peaks, double[] truncations) {}

    /** This threshold's state. */
    public State state() {
        return new State(config, initialLoss, scoreScale, learned, peakCount, peaksSinceFit,
                shape, sigma, thresholdLoss, ordered(peaks), ordered(truncations));
    }

    /**
     * Rebuilds a threshold from {@link #state()}.
     *
     * @throws IllegalArgumentException if the state is inconsistent (counts, sizes, non-finite
     *     levels), naming what
     */
    public static SpotThreshold fromState(State st) {
        if (!Double.isFinite(st.initialLoss())) {
            throw new IllegalArgumentException("initial level " + st.initialLoss());
        }
        Calibration.checkScale(st.scoreScale());
        int size = st.peaks().length;
        if (size > st.config().maxPeaks() || st.truncations().length != size
                || st.peakCount() < size || st.learned() < st.peakCount()
                || st.peaksSinceFit() < 0 || !Double.isFinite(st.thresholdLoss())) {
            throw new IllegalArgumentException(size + " buffered peaks (" + st.truncations()
                    .length + " truncations), " + st.peakCount() + " peaks, " + st.learned()
                    + " learned, threshold " + st.thresholdLoss());
        }
        SpotThreshold s = new SpotThreshold(st.config(), st.initialLoss(), st.scoreScale());
        s.learned = st.learned();
        s.peakCount = st.peakCount();
        s.peaksSinceFit = st.peaksSinceFit();
        s.shape = st.shape();
        s.sigma = st.sigma();
        s.thresholdLoss = st.thresholdLoss();
        System.arraycopy(st.peaks(), 0, s.peaks, 0, size);
        System.arraycopy(st.truncations(), 0, s.truncations, 0, size);
        s.peakSize = size;
        s.peakHead = size % st.config().maxPeaks();
        return s;
    }

    /** Equal when settings, counts, fit and buffered peaks (oldest first) are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SpotThreshold other
                && config.equals(other.config)
                && Double.compare(initialLoss, other.initialLoss) == 0
                && Double.compare(scoreScale, other.scoreScale) == 0
                && learned == other.learned
                && peakCount == other.peakCount
                && peaksSinceFit == other.peaksSinceFit
                && Double.compare(shape, other.shape) == 0
                && Double.compare(sigma, other.sigma) == 0
                && Double.compare(thresholdLoss, other.thresholdLoss) == 0
                && Arrays.equals(ordered(peaks), other.ordered(other.peaks))
                && Arrays.equals(ordered(truncations), other.ordered(other.truncations));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {initialLoss, scoreScale, learned, peakCount, shape,
            sigma, thresholdLoss}) * 31 + Arrays.hashCode(ordered(peaks));
    }

    @Override
    public String toString() {
        return "SpotThreshold[thresholdLogProb=" + thresholdLogProb() + ", initialLevelLogProb="
                + initialLevelLogProb() + ", shape=" + shape + ", sigma=" + sigma + ", n="
                + learned + ", Nt=" + peakCount + ", config=" + config + "]";
    }
}

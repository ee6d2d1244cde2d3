package io.vaeanomaly.eval.telemanom;

import io.vaeanomaly.eval.baseline.AnomalyScorer;
import io.vaeanomaly.eval.metrics.DetectionMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The telemanom protocol: for every channel, fit each scorer on the channel's train rows, score its
 * test rows and compare with the test labels. Channels are independent; results are reported per
 * channel and as the unweighted mean over channels (each channel counts once, as in the
 * literature).
 */
public final class TelemanomEvaluation {
    private final List<AnomalyScorer> scorers;

    /** @param scorers at least one, with distinct {@link AnomalyScorer#name()}s */
    public TelemanomEvaluation(List<AnomalyScorer> scorers) {
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException("scorers must not be empty");
        }
        Set<String> names = new HashSet<>();
        for (AnomalyScorer s : scorers) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("scorers: duplicate name '" + s.name() + "'");
            }
        }
        this.scorers = List.copyOf(scorers);
    }

    /** Metrics of every scorer on one channel, keyed by scorer name in scorer order. */
    public record ChannelResult(String channel, Map<String, DetectionMetrics> metrics) {}

    /**
     * All channel results plus means.
     *
     * @param dataset data set name
     * @param channels per-channel results in data set order
     * @param mean per scorer, the mean over channels of each metric (NaN entries, such as AUC-PR of
     *     a channel without labelled anomalies, are left out of that metric's mean);
     *     {@code bestF1Threshold} is not comparable across channels and is reported as NaN
     */
    public record Result(
            String dataset, List<ChannelResult> channels, Map<String, DetectionMetrics> mean) {}

    /** Runs all scorers over all channels. */
    public Result run(TelemanomDataset dataset) {
        return run(dataset, r -> {});
    }

    /** Runs all scorers over all channels, calling {@code onChannel} after each one. */
    public Result run(TelemanomDataset dataset, Consumer<ChannelResult> onChannel) {
        List<ChannelResult> results = new ArrayList<>();
        for (TelemanomChannel ch : dataset.channels()) {
            Map<String, DetectionMetrics> m = new LinkedHashMap<>();
            for (AnomalyScorer s : scorers) {
                s.fit(ch.train());
                double[] scores = s.score(ch.test());
                m.put(s.name(), DetectionMetrics.of(scores, ch.testLabels()));
            }
            ChannelResult r = new ChannelResult(ch.name(), Collections.unmodifiableMap(m));
            results.add(r);
            onChannel.accept(r);
        }
        Map<String, DetectionMetrics> mean = new LinkedHashMap<>();
        for (AnomalyScorer s : scorers) {
            mean.put(
                    s.name(),
                    new DetectionMetrics(
                            mean(results, s.name(), DetectionMetrics::aucPr),
                            mean(results, s.name(), DetectionMetrics::bestF1),
                            Double.NaN,
                            mean(results, s.name(), DetectionMetrics::bestF1PointAdjusted)));
        }
        return new Result(
                dataset.name(), List.copyOf(results), Collections.unmodifiableMap(mean));
    }

    private static double mean(
            List<ChannelResult> results,
            String scorer,
            ToDoubleFunction<DetectionMetrics> metric) {
        double sum = 0;
        int n = 0;
        for (ChannelResult r : results) {
            double v = metric.applyAsDouble(r.metrics().get(scorer));
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}

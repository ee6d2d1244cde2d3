package io.vaeanomaly.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsGeneratorTest {
    private static final int N = 40_000;
    /** A higher rate than the default so that every kind has dozens of episodes in N events. */
    private static final GeneratorConfig CONFIG =
            GeneratorConfig.builder().seed(7).anomalyRate(0.02).build();
    /** Metrics that are linear in the shared load latent (no clipping in the normal range). */
    private static final List<String> LINEAR_LOAD = List.of("cpu_user_pct", "cpu_system_pct",
            "load_1m", "requests_per_s", "net_out_mbps", "tcp_connections", "net_in_mbps",
            "context_switches_k", "threads", "power_watts");
    private static final List<String> LINEAR_DISK =
            List.of("disk_util_pct", "disk_write_iops", "disk_read_iops");

    private static List<MetricEvent> events;
    /** Same seed without anomalies: what each event would have been. */
    private static List<MetricEvent> counterfactual;
    private static Map<String, Map<String, double[]>> normalStats;

    @BeforeAll
    static void generate() {
        events = new MetricsGenerator(CONFIG).take(N);
        counterfactual = new MetricsGenerator(CONFIG.toBuilder().anomalyRate(0).build()).take(N);
        normalStats = new HashMap<>();
        Map<String, Map<String, List<Double>>> values = new HashMap<>();
        for (MetricEvent e : events) {
            if (!e.isAnomaly()) {
                e.metrics().forEach((k, v) -> values.computeIfAbsent(e.host(), h -> new HashMap<>())
                        .computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
        }
        values.forEach((host, byFeature) -> byFeature.forEach((f, vs) -> {
            double mean = vs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double var = vs.stream().mapToDouble(v -> (v - mean) * (v - mean)).average()
                    .orElseThrow();
            normalStats.computeIfAbsent(host, h -> new HashMap<>())
                    .put(f, new double[] {mean, Math.sqrt(var)});
        }));
    }

    @Test
    void sameConfigGivesSameStreamAndOtherSeedDiffers() {
        List<String> a = new MetricsGenerator(CONFIG).stream().limit(3000)
                .map(MetricEvent::toJson).collect(Collectors.toList());
        List<String> b = events.subList(0, 3000).stream().map(MetricEvent::toJson)
                .collect(Collectors.toList());
        List<String> c = new MetricsGenerator(CONFIG.toBuilder().seed(8).build()).stream()
                .limit(3000).map(MetricEvent::toJson).collect(Collectors.toList());
        assertThat(a).isEqualTo(b);
        assertThat(c.get(0)).isNotEqualTo(a.get(0));
    }

    @Test
    void eventsComeRoundRobinWithTicksOfOneDayOverTicksPerDay() {
        MetricsGenerator g = new MetricsGenerator(CONFIG);
        assertThat(g.hostNames()).containsExactly("web-01", "api-01", "db-01", "cache-01");
        assertThat(g.featureNames()).hasSize(24).startsWith("cpu_user_pct", "cpu_system_pct");
        long tick = GeneratorConfig.DAY_MILLIS / CONFIG.ticksPerDay();
        for (int i = 0; i < 40; i++) {
            MetricEvent e = events.get(i);
            assertThat(e.host()).isEqualTo(g.hostNames().get(i % 4));
            assertThat(e.timestampMs()).isEqualTo(CONFIG.startMillis() + (i / 4) * tick);
            assertThat(e.metrics().keySet()).containsExactlyElementsOf(g.featureNames());
        }
    }

    @Test
    void jsonHasTheDocumentedShapeAndRoundTrips() {
        MetricEvent normal = events.get(0);
        MetricEvent anomaly = events.stream().filter(MetricEvent::isAnomaly).findFirst()
                .orElseThrow();
        assertThat(normal.toJson()).startsWith("{\"host\":\"web-01\",\"ts\":" + CONFIG.startMillis()
                + ",\"metrics\":{\"cpu_user_pct\":").endsWith(",\"injected_anomaly\":null}");
        assertThat(anomaly.toJson())
                .endsWith(",\"injected_anomaly\":\"" + anomaly.injectedAnomaly().label() + "\"}");
        for (MetricEvent e : List.of(normal, anomaly)) {
            MetricEvent back = MetricEvent.fromJson(e.toJson());
            assertThat(back.host()).isEqualTo(e.host());
            assertThat(back.timestampMs()).isEqualTo(e.timestampMs());
            assertThat(back.metrics()).containsExactlyEntriesOf(e.metrics());
            assertThat(back.injectedAnomaly()).isEqualTo(e.injectedAnomaly());
        }
        assertThatThrownBy(() -> MetricEvent.fromJson("{\"host\":\"h\",\"metrics\":{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ts'");
    }

    @Test
    void anomalyRateIsAsConfiguredWithNoneDuringWarmUpAndAllKindsPresent() {
        long warmup = CONFIG.warmupEvents();
        assertThat(warmup).isEqualTo(4 * 720);
        assertThat(events.subList(0, (int) warmup)).noneMatch(MetricEvent::isAnomaly);
        List<MetricEvent> after = events.subList((int) warmup, N);
        double rate = after.stream().filter(MetricEvent::isAnomaly).count()
                / (double) after.size();
        // Episodes are 1..30 ticks long, so the labelled fraction varies; ~120 episodes here.
        assertThat(rate).isBetween(0.014, 0.026);
        assertThat(after.stream().map(MetricEvent::injectedAnomaly).filter(k -> k != null))
                .contains(AnomalyKind.values());
        assertThat(events).filteredOn(MetricEvent::isAnomaly)
                .allMatch(e -> !e.anomalousFeatures().isEmpty());
    }

    @Test
    void normalValuesDoNotDependOnInjection() {
        for (int i = 0; i < N; i++) {
            if (!events.get(i).isAnomaly()) {
                assertThat(events.get(i).metrics()).isEqualTo(counterfactual.get(i).metrics());
            }
        }
        assertThat(counterfactual).noneMatch(MetricEvent::isAnomaly);
    }

    @Test
    void spikesLieFarAboveTheHostsNormalRange() {
        List<Double> z = zScores(AnomalyKind.SPIKE, false);
        assertThat(z).hasSizeGreaterThan(30);
        // Injected at +6..9 sd from the would-be value, which itself is rarely below -1.5 sd.
        assertThat(z).allMatch(v -> v >= 4.0, "every spike >= 4 sd above the host's mean");
        assertThat(median(z)).isGreaterThan(6.0);
    }

    @Test
    void levelShiftsMoveTheMetricSeveralSigmaForTheWholeEpisode() {
        List<Double> z = zScores(AnomalyKind.LEVEL_SHIFT, true);
        assertThat(z).hasSizeGreaterThan(200);
        assertThat(z).allMatch(v -> Math.abs(v) >= 3.0, "every shifted value >= 3 sd away");
        assertThat(median(z.stream().map(Math::abs).collect(Collectors.toList())))
                .isGreaterThan(4.5);
    }

    @Test
    void stuckMetricsReadExactlyZeroFarBelowTheirNormalRange() {
        List<MetricEvent> stuck = byKind(AnomalyKind.STUCK);
        assertThat(stuck).hasSizeGreaterThan(100);
        for (MetricEvent e : stuck) {
            for (String f : e.anomalousFeatures()) {
                double[] ms = normalStats.get(e.host()).get(f);
                assertThat(e.metrics().get(f)).isEqualTo(0.0);
                assertThat(ms[0] / ms[1]).as("%s of %s mean/sd", f, e.host()).isGreaterThan(6);
            }
        }
    }

    @Test
    void brokenCorrelationDecouplesOneMetricFromItsGroup() {
        List<MetricEvent> broken = byKind(AnomalyKind.BROKEN_CORRELATION);
        assertThat(broken).hasSizeGreaterThan(100);
        int checked = 0;
        Map<String, double[]> fits = new HashMap<>();
        for (MetricEvent e : broken) {
            String f = e.anomalousFeatures().get(0);
            List<String> group = LINEAR_LOAD.contains(f) ? LINEAR_LOAD : LINEAR_DISK;
            assertThat(group).contains(f);
            double[] fit = fits.computeIfAbsent(e.host() + "/" + f,
                    k -> fitOnSiblings(e.host(), f, group));
            double residual = e.metrics().get(f) - (fit[0] + fit[1] * siblingIndex(e, f, group));
            // Normal residuals have sd fit[2]; the decoupled metric is far off the group's line
            // even though its value alone is within the usual daily range.
            assertThat(Math.abs(residual) / fit[2]).as("%s at %d", f, e.timestampMs())
                    .isGreaterThan(5.0);
            checked++;
        }
        assertThat(checked).isEqualTo(broken.size());
    }

    @Test
    void metricsShowADailyCycleAndCorrelatedGroups() {
        List<MetricEvent> web = events.stream()
                .filter(e -> e.host().equals("web-01") && !e.isAnomaly())
                .collect(Collectors.toList());
        double night = meanAtHours(web, 1, 4);
        double afternoon = meanAtHours(web, 12, 15);
        assertThat(afternoon - night).isGreaterThan(20); // cpu_user_pct, percentage points
        double[] cpu = web.stream().mapToDouble(e -> e.metrics().get("cpu_user_pct")).toArray();
        double[] req = web.stream().mapToDouble(e -> e.metrics().get("requests_per_s")).toArray();
        double[] mem = web.stream().mapToDouble(e -> e.metrics().get("mem_used_pct")).toArray();
        assertThat(correlation(cpu, req)).isGreaterThan(0.95);
        assertThat(correlation(cpu, mem)).isBetween(0.2, 0.95);
        // A metric outside every group (a clock offset) does not follow the load.
        List<MetricEvent> all40 = new MetricsGenerator(CONFIG.toBuilder().features(40)
                .anomalyRate(0).build()).take(8000);
        double[] cpu40 = all40.stream().mapToDouble(e -> e.metrics().get("cpu_user_pct"))
                .toArray();
        double[] ntp = all40.stream().mapToDouble(e -> e.metrics().get("ntp_offset_ms"))
                .toArray();
        assertThat(Math.abs(correlation(cpu40, ntp))).isLessThan(0.3);
    }

    @Test
    void configIsValidatedWithTheFieldName() {
        assertThatThrownBy(() -> GeneratorConfig.builder().features(7).build())
                .hasMessageContaining("features");
        assertThatThrownBy(() -> GeneratorConfig.builder().features(41).build())
                .hasMessageContaining("features");
        assertThatThrownBy(() -> GeneratorConfig.builder().hosts(0).build())
                .hasMessageContaining("hosts");
        assertThatThrownBy(() -> GeneratorConfig.builder().ticksPerDay(5).build())
                .hasMessageContaining("ticksPerDay");
        assertThatThrownBy(() -> GeneratorConfig.builder().anomalyRate(Double.NaN).build())
                .hasMessageContaining("anomalyRate");
        assertThat(new MetricsGenerator(GeneratorConfig.builder().hosts(1).features(8)
                .ticksPerDay(20).warmupEvents(0).anomalyRate(0.2).build()).take(2000))
                .hasSize(2000).anyMatch(MetricEvent::isAnomaly);
    }

    // ---------------------------------------------------------------- helpers

    private static List<MetricEvent> byKind(AnomalyKind kind) {
        return events.stream().filter(e -> e.injectedAnomaly() == kind)
                .collect(Collectors.toList());
    }

    /**
     * Standard scores of the changed metrics of every event of {@code kind}: relative to the
     * would-be value ({@code relativeToCounterfactual}) or to the host's normal mean.
     */
    private static List<Double> zScores(AnomalyKind kind, boolean relativeToCounterfactual) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            MetricEvent e = events.get(i);
            if (e.injectedAnomaly() != kind) {
                continue;
            }
            for (String f : e.anomalousFeatures()) {
                double[] ms = normalStats.get(e.host()).get(f);
                double ref = relativeToCounterfactual
                        ? counterfactual.get(i).metrics().get(f) : ms[0];
                out.add((e.metrics().get(f) - ref) / ms[1]);
            }
        }
        return out;
    }

    /** Mean standard score of the other group members: an estimate of the shared latent. */
    private static double siblingIndex(MetricEvent e, String f, List<String> group) {
        double sum = 0;
        int n = 0;
        for (String g : group) {
            if (!g.equals(f) && e.metrics().containsKey(g)) {
                double[] ms = normalStats.get(e.host()).get(g);
                sum += (e.metrics().get(g) - ms[0]) / ms[1];
                n++;
            }
        }
        return sum / n;
    }

    /** Least squares f = a + b * siblingIndex on normal events of the host: {a, b, sd(resid)}. */
    private static double[] fitOnSiblings(String host, String f, List<String> group) {
        List<double[]> xy = new ArrayList<>();
        for (MetricEvent e : events) {
            if (e.host().equals(host) && !e.isAnomaly()) {
                xy.add(new double[] {siblingIndex(e, f, group), e.metrics().get(f)});
            }
        }
        double mx = xy.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = xy.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = xy.stream().mapToDouble(p -> (p[0] - mx) * (p[1] - my)).sum();
        double sxx = xy.stream().mapToDouble(p -> (p[0] - mx) * (p[0] - mx)).sum();
        double b = sxy / sxx;
        double a = my - b * mx;
        double sd = Math.sqrt(xy.stream().mapToDouble(p -> Math.pow(p[1] - a - b * p[0], 2))
                .average().orElseThrow());
        return new double[] {a, b, sd};
    }

    private static double meanAtHours(List<MetricEvent> es, int fromHour, int toHour) {
        return es.stream().filter(e -> {
            long hour = ((e.timestampMs() - CONFIG.startMillis()) % GeneratorConfig.DAY_MILLIS)
                    / 3_600_000L;
            return hour >= fromHour && hour < toHour;
        }).mapToDouble(e -> e.metrics().get("cpu_user_pct")).average().orElseThrow();
    }

    private static double correlation(double[] x, double[] y) {
        int n = Math.min(x.length, y.length);
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().collect(Collectors.toList());
        return s.get(s.size() / 2);
    }
}

package io.vaeanomaly.demo;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The host metrics the generator can emit, in emission order: a config with {@code F} features
 * uses the first {@code F}. The order mixes groups so that even 8 features contain several
 * members of the load group.
 *
 * <p>Each metric is {@code gain * mean(latents) + noise}, clipped to its bounds. The latents are
 * a few slow processes per host (load, memory pressure, disk activity, temperature), so metrics
 * of one group are strongly correlated, as on a real machine.
 */
final class FeatureCatalog {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** Which latent a metric follows; broken-correlation anomalies decouple within a group. */
    enum Group { LOAD, MEMORY, DISK, THERMAL, OTHER }

    /** Slow hidden state of a host at one tick. */
    record Latents(double load, double mem, double disk, double heat, double dayFraction,
                   double steal, double dns, double ntp) {
        Latents withLoad(double v) {
            return new Latents(v, mem, disk, heat, dayFraction, steal, dns, ntp);
        }

        Latents withDisk(double v) {
            return new Latents(load, mem, v, heat, dayFraction, steal, dns, ntp);
        }
    }

    /**
     * One metric.
     *
     * @param spikeable an upward spike is plausible (no upper bound that would clip it)
     * @param decouplable may be the decoupled member in a broken-correlation anomaly
     */
    record Spec(String name, Group group, ToDoubleFunction<Latents> mean, double noiseSd,
                double lower, double upper, boolean spikeable, boolean decouplable) {
        double clip(double v) {
            return Math.max(lower, Math.min(upper, v));
        }
    }

    private static final List<Spec> SPECS = List.of(
            spec("cpu_user_pct", Group.LOAD, l -> 5 + 60 * l.load(), 1.5, 0, 100, false, true),
            spec("cpu_system_pct", Group.LOAD, l -> 2 + 18 * l.load(), 0.8, 0, 100, false, true),
            spec("load_1m", Group.LOAD, l -> 0.2 + 7 * l.load(), 0.15, 0, INF, true, true),
            spec("latency_p99_ms", Group.LOAD, l -> 40 + 220 * sq(l.load()), 8, 0, INF, true, false),
            spec("mem_used_pct", Group.MEMORY, l -> 45 + 30 * l.mem(), 0.5, 0, 100, false, false),
            spec("disk_util_pct", Group.DISK, l -> 5 + 70 * l.disk(), 2, 0, 100, false, true),
            spec("requests_per_s", Group.LOAD, l -> 50 + 1400 * l.load(), 40, 0, INF, true, true),
            spec("net_out_mbps", Group.LOAD, l -> 10 + 420 * l.load(), 12, 0, INF, true, true),
            spec("gc_pause_ms", Group.MEMORY, l -> 2 + 25 * sq(l.mem()), 0.8, 0, INF, true, false),
            spec("disk_write_iops", Group.DISK, l -> 150 + 3000 * l.disk(), 80, 0, INF, true, true),
            spec("cpu_temp_c", Group.THERMAL, l -> 42 + 30 * l.heat(), 0.6, 0, 110, false, false),
            spec("latency_p50_ms", Group.LOAD, l -> 8 + 25 * sq(l.load()), 0.8, 0, INF, true, false),
            spec("tcp_connections", Group.LOAD, l -> 80 + 1600 * l.load(), 40, 0, INF, true, true),
            spec("heap_used_pct", Group.MEMORY, l -> 30 + 45 * l.mem(), 1.5, 0, 100, false, false),
            spec("net_in_mbps", Group.LOAD, l -> 5 + 180 * l.load(), 6, 0, INF, true, true),
            spec("disk_read_iops", Group.DISK, l -> 100 + 2200 * l.disk(), 45, 0, INF, true, true),
            spec("cpu_iowait_pct", Group.DISK, l -> 0.5 + 8 * l.disk(), 0.4, 0, 100, true, false),
            spec("fan_rpm", Group.THERMAL, l -> 1800 + 2400 * l.heat(), 50, 0, INF, false, false),
            spec("error_rate_per_s", Group.LOAD, l -> 0.2 + 2 * l.load(), 0.15, 0, INF, true, false),
            spec("context_switches_k", Group.LOAD, l -> 8 + 90 * l.load(), 2.5, 0, INF, true, true),
            spec("threads", Group.LOAD, l -> 300 + 150 * l.load(), 4, 0, INF, true, true),
            spec("page_cache_gb", Group.MEMORY, l -> 20 - 10 * l.mem(), 0.2, 0, INF, false, false),
            spec("disk_queue_len", Group.DISK, l -> 0.1 + 6 * sq(l.disk()), 0.15, 0, INF, true,
                    false),
            spec("power_watts", Group.LOAD, l -> 120 + 180 * l.load(), 5, 0, INF, true, true),
            spec("swap_used_pct", Group.MEMORY, l -> 1 + 4 * l.mem() * sq(l.mem()), 0.2, 0, 100,
                    false, false),
            spec("cpu_steal_pct", Group.OTHER, l -> 0.8 + 0.6 * l.steal(), 0.1, 0, 100, true, false),
            spec("dns_latency_ms", Group.OTHER, l -> 3 + 1.5 * l.dns(), 0.3, 0, INF, true, false),
            spec("udp_packets_per_s", Group.LOAD, l -> 200 + 3000 * l.load(), 90, 0, INF, true,
                    true),
            spec("cache_hit_pct", Group.LOAD, l -> 97 - 8 * l.load(), 0.5, 0, 100, false, false),
            spec("queue_depth", Group.LOAD, l -> 2 + 40 * l.load() * sq(l.load()), 1, 0, INF, true,
                    false),
            spec("db_connections", Group.LOAD, l -> 20 + 120 * l.load(), 3, 0, INF, true, true),
            spec("open_files", Group.MEMORY, l -> 2000 + 800 * l.mem(), 25, 0, INF, true, false),
            spec("disk_used_pct", Group.OTHER, l -> 55 + 5 * l.dayFraction(), 0.05, 0, 100, false,
                    false),
            spec("ntp_offset_ms", Group.OTHER, l -> 2 * l.ntp(), 0.1, -INF, INF, false, false),
            spec("processes", Group.LOAD, l -> 180 + 40 * l.load(), 3, 0, INF, true, true),
            spec("interrupts_k", Group.LOAD, l -> 5 + 60 * l.load(), 2, 0, INF, true, true),
            spec("disk_read_mbps", Group.DISK, l -> 10 + 300 * l.disk(), 8, 0, INF, true, true),
            spec("disk_write_mbps", Group.DISK, l -> 20 + 400 * l.disk(), 10, 0, INF, true, true),
            spec("mem_available_gb", Group.MEMORY, l -> 64 - 0.64 * (45 + 30 * l.mem()), 0.3, 0,
                    INF, false, false),
            spec("psu_voltage_v", Group.THERMAL, l -> 12.1 - 0.15 * l.heat(), 0.02, 0, INF, false,
                    false));

    private FeatureCatalog() {}

    /** Number of metrics available. */
    static int size() {
        return SPECS.size();
    }

    /** The first {@code n} metrics. */
    static List<Spec> first(int n) {
        return SPECS.subList(0, n);
    }

    private static double sq(double v) {
        return v * v;
    }

    private static Spec spec(String name, Group g, ToDoubleFunction<Latents> mean, double noise,
                             double lower, double upper, boolean spikeable, boolean decouplable) {
        return new Spec(name, g, mean, noise, lower, upper, spikeable, decouplable);
    }
}

package io.vaeanomaly.testutils;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** The job's {@code vae_anomaly} counters as an {@link InMemoryReporter} retains them. */
public final class JobCounters {
    private JobCounters() {}

    /** Sum over all subtasks of the counter {@code name} in the job's vae_anomaly groups. */
    public static long sum(InMemoryReporter reporter, String jobId, String name) {
        long total = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> g
                : reporter.getMetricsByGroup().entrySet()) {
            if (jobId.equals(g.getKey().getAllVariables().get("<job_id>"))
                    && g.getKey().getMetricIdentifier(name).endsWith("vae_anomaly." + name)
                    && g.getValue().get(name) instanceof Counter counter) {
                total += counter.getCount();
            }
        }
        return total;
    }
}

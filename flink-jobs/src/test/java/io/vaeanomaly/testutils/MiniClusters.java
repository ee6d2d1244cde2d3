package io.vaeanomaly.testutils;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The integration tests' Flink MiniCluster and what they ask it. */
public final class MiniClusters {
    private MiniClusters() {}

    /**
     * One TaskManager with two slots (a job at parallelism 2, or the global job's trainer and
     * scorer side by side); register as a static field with {@code @RegisterExtension}.
     */
    public static MiniClusterExtension twoSlots() {
        return twoSlots(new Configuration());
    }

    /** As {@link #twoSlots()}, with the job's metrics retained by {@code metrics}. */
    public static MiniClusterExtension twoSlots(InMemoryReporter metrics) {
        return twoSlots(metrics.addToConfiguration(new Configuration()));
    }

    private static MiniClusterExtension twoSlots(Configuration conf) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** The highest execution attempt number of any task: how often the job restarted. */
    public static int restarts(MiniCluster mini, JobID job) throws Exception {
        AccessExecutionGraph graph = mini.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
        int max = 0;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }
}

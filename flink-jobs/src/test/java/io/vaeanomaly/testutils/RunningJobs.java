package io.vaeanomaly.testutils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Cancels the jobs a test started, after the test; register on an instance field:
 * {@code @RegisterExtension final RunningJobs jobs = new RunningJobs();}.
 */
public final class RunningJobs implements AfterEachCallback {
    private final List<JobClient> jobs = new ArrayList<>();

    /** Remembers {@code job} for cancellation; returns it. */
    public JobClient add(JobClient job) {
        jobs.add(job);
        return job;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (JobClient c : jobs) {
            try {
                c.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception alreadyDone) {
                // finished, stopped with a savepoint, or failed: nothing to cancel
            }
        }
        jobs.clear();
    }
}

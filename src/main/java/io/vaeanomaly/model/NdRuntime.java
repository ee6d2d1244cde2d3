package io.vaeanomaly.model;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * One-time ND4J settings. The arrays here are small (batches of a few hundred rows, layers of
 * tens of units), where OpenMP's thread start-up and spin-waiting cost more than they save, and
 * badly so when other work shares the cores. Parallelism comes from running several scorers
 * (Flink subtasks) instead. Override with {@code -Dvae.nd4j.threads=N}.
 */
public final class NdRuntime {
    private static volatile boolean configured;

    private NdRuntime() {}

    /**
     * Sets ND4J's thread count now (the benchmark restores ND4J's default for the DL4J baseline so
     * that it gets every core, as it would on its own).
     */
    public static void setThreads(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        // libnd4j's OpenMP pool and OpenBLAS's own pool are separate settings.
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** Applies the settings once per JVM. */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (NdRuntime.class) {
            if (configured) {
                return;
            }
            setThreads(Integer.getInteger("vae.nd4j.threads", 1));
            configured = true;
        }
    }
}

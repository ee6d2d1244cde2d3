package io.vaeanomaly.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel's results depend only on parameters, rows and noise: bit-identical for the scalar
 * and the vector implementation and for any thread count; and a step allocates nothing.
 */
class TrainingKernelDeterminismTest {
    private static final int BATCH = 100;
    private static final int STEPS = 6;

    private static VaeConfig config(DecoderVariance v, Activation a) {
        return TrainingKernelReferenceTest.config(v, a, Precision.FLOAT);
    }

    /** Parameters and statistics after a few steps with the given implementation and threads. */
    private static float[] train(VaeConfig config, KernelOps ops, int threads, List<Double> stats) {
        SplittableRandom rnd = new SplittableRandom(21);
        try (TrainingKernel k = new TrainingKernel(config, BATCH, threads, ops)) {
            k.load(VaeParameters.initialise(config, 8));
            for (int step = 0; step < STEPS; step++) {
                double[][] x = TrainingKernelReferenceTest.randn(rnd, BATCH, config.inputDim());
                double[][] eps = TrainingKernelReferenceTest.randn(rnd, BATCH, config.latentDim());
                // Batches of varying size, with a partial last shard.
                int rows = BATCH - 7 * step;
                for (int i = 0; i < rows; i++) {
                    k.setRow(i, x[i]);
                }
                k.setNoise(TrainingKernelReferenceTest.flatFloat(eps), rows);
                TrainingKernel.StepStats s = k.step(rows, 0.5 + 0.1 * step, 0.2, 3e-3, 5.0);
                stats.add(s.reconstruction());
                stats.add(s.kl());
                stats.add(s.gradientNorm());
            }
            float[] p = k.newSnapshot();
            k.snapshot(p);
            return p;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "HETEROSCEDASTIC, TANH",
        "PER_FEATURE, SOFTPLUS",
        "FIXED, RELU",
    })
    void stepsAreBitIdenticalForScalarVectorAndAnyThreadCount(
            DecoderVariance variance, Activation activation) {
        VaeConfig config = config(variance, activation);
        List<Double> refStats = new ArrayList<>();
        float[] ref = train(config, KernelOps.scalar(), 1, refStats);
        List<KernelOps> all = TrainingKernelReferenceTest.allOps();
        for (KernelOps ops : all) {
            for (int threads : new int[] {1, 2, 3}) {
                List<Double> stats = new ArrayList<>();
                float[] p = train(config, ops, threads, stats);
                assertThat(p).as("%s on %d threads", ops, threads).containsExactly(ref);
                assertThat(stats).as("%s on %d threads", ops, threads).isEqualTo(refStats);
            }
        }
    }

    @Test
    void theVectorImplementationIsAvailableInTheTestJvm() {
        // The build runs tests with --add-modules jdk.incubator.vector; without it the
        // bit-identity test above would compare the scalar path with itself only.
        assertThat(KernelOps.vector()).isPresent();
        assertThat(KernelOps.get().vectorised()).isTrue();
    }

    @Test
    void aStepAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        VaeConfig config = config(DecoderVariance.HETEROSCEDASTIC, Activation.TANH);
        SplittableRandom rnd = new SplittableRandom(2);
        double[][] x = TrainingKernelReferenceTest.randn(rnd, BATCH, config.inputDim());
        float[] eps =
                TrainingKernelReferenceTest.flatFloat(
                        TrainingKernelReferenceTest.randn(rnd, BATCH, config.latentDim()));
        for (int threads : new int[] {1, 2}) {
            try (TrainingKernel k = new TrainingKernel(config, BATCH, threads)) {
                k.load(VaeParameters.initialise(config, 1));
                Runnable step =
                        () -> {
                            for (int i = 0; i < BATCH; i++) {
                                k.setRow(i, x[i]);
                            }
                            k.setNoise(eps, BATCH);
                            k.step(BATCH, 1.0, 0.1, 1e-4, 10.0);
                        };
                // Warm up until the JIT has compiled the step (escape analysis included). How
                // long that takes depends on the machine's load (measured: not done after 3,000
                // steps at load average 20), so windows of 200 steps are measured until one
                // allocates nothing, within a bounded number: a step that allocates even one
                // small object allocates in every window, compiled or not.
                for (int i = 0; i < 1000; i++) {
                    step.run();
                }
                long[] ids = kernelThreadIds();
                List<Long> windows = new ArrayList<>();
                long deadline = System.nanoTime() + 60_000_000_000L;
                long bytes;
                do {
                    long before = allocated(mx, ids);
                    for (int i = 0; i < 200; i++) {
                        step.run();
                    }
                    bytes = allocated(mx, ids) - before;
                    windows.add(bytes);
                } while (bytes >= 1024 && windows.size() < 50 && System.nanoTime() < deadline);
                assertThat(bytes)
                        .as("bytes allocated by 200 steps on %d threads, per window: %s",
                                threads, windows)
                        .isLessThan(1024);
            }
        }
    }

    private static long[] kernelThreadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().getId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vae-kernel")) {
                ids.add(t.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }
}

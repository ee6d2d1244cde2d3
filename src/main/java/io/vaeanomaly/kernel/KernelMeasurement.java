package io.vaeanomaly.kernel;

import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.NdRuntime;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.train.AdamOptimizer;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures what justifies the Java training kernel: the fixed cost of one ND4J call, a 256x64x64
 * product on ND4J and on the kernel, and a whole training step (d=38, [64,64], latent 8,
 * heteroscedastic, batch 256) on ND4J and on the kernel, scalar and vector, on 1 and on all
 * cores. Not a test: run it on a quiet machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp flink-jobs/target/vae-anomaly.jar \
 *     io.vaeanomaly.kernel.KernelMeasurement [seconds per figure] [--json]
 * </pre>
 *
 * <p>Each figure runs for the given seconds after a warm-up of the same length (three times that
 * for the first kernel step, which pays for the JIT compiling the Vector API code). With {@code
 * --json} the last line is one JSON object.
 */
public final class KernelMeasurement {
    private static final int BATCH = 256;
    private static final int D = 38;
    private static final int LATENT = 8;

    private KernelMeasurement() {}

    public static void main(String[] args) {
        double seconds = 2;
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else {
                seconds = Double.parseDouble(a);
            }
        }
        NdRuntime.configure();
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("load_average_before", loadAverage());

        INDArray small = Nd4j.rand(DataType.FLOAT, 1, 64);
        double callUs = microsPer(seconds, () -> small.addi(1e-7f));
        INDArray a = Nd4j.rand(DataType.FLOAT, BATCH, 64);
        INDArray w = Nd4j.rand(DataType.FLOAT, 64, 64);
        INDArray c = Nd4j.create(DataType.FLOAT, BATCH, 64);
        double nd4jMmulUs = microsPer(seconds, () -> a.mmuli(w, c));
        float[] af = a.dup().data().asFloat();
        float[] wf = w.dup().data().asFloat();
        float[] cf = new float[BATCH * 64];
        KernelOps ops = KernelOps.get();
        double kernelMmulUs =
                microsPer(
                        seconds,
                        () -> ops.gemm(af, 0, 64, 1, BATCH, 64, wf, 0, 64, cf, 0, 64, 64, null, 0, 0));
        out.put("nd4j_call_us", round(callUs));
        out.put("nd4j_mmul_256x64x64_us", round(nd4jMmulUs));
        out.put("kernel_mmul_256x64x64_us", round(kernelMmulUs));
        out.put("kernel_ops", ops.vectorised() ? "vector" : "scalar");

        VaeConfig cfg =
                VaeConfig.builder(D)
                        .hidden(64, 64)
                        .latentDim(LATENT)
                        .decoderVariance(DecoderVariance.HETEROSCEDASTIC)
                        .build();
        double[][] rows = new double[BATCH * 8][D];
        GaussianNoise g = new GaussianNoise(1);
        for (double[] r : rows) {
            g.fill(r);
        }
        out.put("nd4j_step_examples_per_s", Math.round(nd4jSteps(cfg, rows, seconds)));
        // Warm the JIT up on the kernel before the first kernel figure.
        kernelSteps(cfg, rows, 1, ops, seconds);
        double[] one = new double[2];
        out.put("kernel_step_examples_per_s_1_thread", Math.round(kernelSteps(cfg, rows, 1, ops, seconds, one)));
        out.put("kernel_step_examples_per_cpu_s_1_thread", Math.round(one[1]));
        out.put("kernel_step_examples_per_s_" + cores + "_threads",
                Math.round(kernelSteps(cfg, rows, cores, ops, seconds)));
        if (ops.vectorised()) {
            KernelOps scalar = KernelOps.scalar();
            kernelSteps(cfg, rows, 1, scalar, seconds);
            out.put("kernel_scalar_step_examples_per_s_1_thread",
                    Math.round(kernelSteps(cfg, rows, 1, scalar, seconds)));
        }
        out.put("cores", cores);
        out.put("load_average_after", loadAverage());
        out.forEach((k, v) -> System.out.println(k + ": " + v));
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            out.forEach(
                    (k, v) -> {
                        if (sb.length() > 1) {
                            sb.append(',');
                        }
                        sb.append('"').append(k).append("\":");
                        sb.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
                    });
            System.out.println(sb.append('}'));
        }
    }

    private static double nd4jSteps(VaeConfig cfg, double[][] rows, double seconds) {
        Vae vae = new Vae(cfg, VaeParameters.initialise(cfg, 42));
        VaeParameters params = vae.parameters();
        AdamOptimizer adam = new AdamOptimizer(params);
        VaeParameters grad = params.zerosLike();
        GaussianNoise noise = new GaussianNoise(3);
        int nb = rows.length / BATCH;
        INDArray[] xs = new INDArray[nb];
        for (int b = 0; b < nb; b++) {
            xs[b] =
                    Nd4j.create(java.util.Arrays.copyOfRange(rows, b * BATCH, (b + 1) * BATCH))
                            .castTo(DataType.FLOAT);
        }
        double[] eps = new double[BATCH * LATENT];
        int[] i = {0};
        double us =
                microsPer(
                        seconds,
                        () -> {
                            noise.fill(eps);
                            INDArray e = Nd4j.create(eps, new long[] {BATCH, LATENT}, DataType.FLOAT);
                            Vae.StepResult r = vae.lossAndGradients(xs[i[0]++ % nb], e, 1.0, 0.1);
                            grad.assign(r.gradients());
                            INDArray gf = grad.flat();
                            double norm = gf.norm2Number().doubleValue();
                            if (norm > 10) {
                                gf.muli(10 / norm);
                            }
                            adam.step(params, gf, 1e-3);
                        });
        return BATCH / (us / 1e6);
    }

    private static double kernelSteps(
            VaeConfig cfg, double[][] rows, int threads, KernelOps ops, double seconds) {
        return kernelSteps(cfg, rows, threads, ops, seconds, new double[2]);
    }

    /** Examples per second; {@code cpu[1]} gets examples per CPU-second of the caller thread. */
    private static double kernelSteps(
            VaeConfig cfg,
            double[][] rows,
            int threads,
            KernelOps ops,
            double seconds,
            double[] cpu) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (TrainingKernel k = new TrainingKernel(cfg, BATCH, threads, ops)) {
            k.load(VaeParameters.initialise(cfg, 42));
            GaussianNoise noise = new GaussianNoise(3);
            float[] eps = new float[BATCH * LATENT];
            int nb = rows.length / BATCH;
            int[] i = {0, 0};
            long[] cpuNanos = new long[1];
            double us =
                    microsPer(
                            seconds,
                            () -> {
                                long c0 = mx.getCurrentThreadCpuTime();
                                int b = i[0]++ % nb;
                                for (int r = 0; r < BATCH; r++) {
                                    k.setRow(r, rows[b * BATCH + r]);
                                }
                                for (int j = 0; j < eps.length; j++) {
                                    eps[j] = (float) noise.next();
                                }
                                k.setNoise(eps, BATCH);
                                k.step(BATCH, 1.0, 0.1, 1e-3, 10.0);
                                cpuNanos[0] += mx.getCurrentThreadCpuTime() - c0;
                                i[1]++;
                            });
            // microsPer runs the work for a warm-up and a measured period; count CPU over both.
            cpu[1] = (double) BATCH * i[1] / (cpuNanos[0] / 1e9);
            return BATCH / (us / 1e6);
        }
    }

    /** Mean microseconds per run of {@code work} over {@code seconds}, after an equal warm-up. */
    static double microsPer(double seconds, Runnable work) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmEnd) {
            work.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long n = 0;
        while (System.nanoTime() < end) {
            work.run();
            n++;
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String loadAverage() {
        try {
            String s = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")));
            String[] p = s.trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (java.io.IOException e) {
            return String.format(
                    Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}

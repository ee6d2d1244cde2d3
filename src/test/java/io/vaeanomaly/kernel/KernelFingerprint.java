package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.Score;
import io.vaeanomaly.score.ScoreMode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Digests of everything the default {@link KernelOps} computes on a fixed workload: every
 * primitive on widths and lengths that leave 8 lanes over a 16-lane vector (and single rows,
 * partial row blocks), training steps in each decoder-variance mode with a partial shard, and
 * scores. {@link VectorWidthTest} compares the digests of JVMs running different vector widths;
 * {@link #main} prints them for a child JVM ({@code lanes=N}, then {@code section=digest} lines).
 */
final class KernelFingerprint {
    private KernelFingerprint() {}

    public static void main(String[] args) {
        System.out.println("lanes=" + KernelOps.get().vectorLanes());
        sections().forEach((k, v) -> System.out.println(k + "=" + v));
    }

    static Map<String, String> sections() {
        KernelOps ops = KernelOps.get();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("gemm", gemm(ops));
        out.put("elementwise", elementWise(ops));
        out.put("columns", columns(ops));
        for (DecoderVariance v : DecoderVariance.values()) {
            Activation a =
                    switch (v) {
                        case HETEROSCEDASTIC -> Activation.TANH;
                        case PER_FEATURE -> Activation.SOFTPLUS;
                        case FIXED -> Activation.RELU;
                    };
            out.put("training-" + v, training(config(v, a)));
        }
        out.put("scores", scores());
        return out;
    }

    /** Widths 24 and 8 (a 16-lane vector leaves 8 over), 3 latent dimensions. */
    static VaeConfig config(DecoderVariance variance, Activation activation) {
        return VaeConfig.builder(20)
                .encoderHidden(24, 9)
                .decoderHidden(24)
                .latentDim(3)
                .activation(activation)
                .decoderVariance(variance)
                .fixedSigma(0.8)
                .sigmaMin(0.05)
                .build();
    }

    private static float[] randn(SplittableRandom r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * TrainingKernelReferenceTest.gaussian(r));
        }
        return v;
    }

    private static float[] positive(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.05 + 3 * r.nextDouble());
        }
        return v;
    }

    private static String gemm(KernelOps ops) {
        Digest dg = new Digest();
        SplittableRandom r = new SplittableRandom(1);
        int[] widths = {8, 24, 40, 64, 72, 88};
        for (int rows : new int[] {1, 3, 4, 9, 13}) {
            for (int width : widths) {
                int depth = 7 + rows;
                float[] a = randn(r, rows * depth, 1f);
                float[] b = randn(r, depth * width, 1f);
                float[] init = randn(r, rows * width, 1f);
                float[] c = new float[rows * width];
                ops.gemm(a, 0, depth, 1, rows, depth, b, 0, width, c, 0, width, width, null, 0, 0);
                dg.add(c);
                // Transposed a, a shared bias row, and in place.
                ops.gemm(a, 0, 1, rows, rows, depth, b, 0, width, c, 0, width, width, init, 0, 0);
                dg.add(c);
                ops.gemm(a, 0, depth, 1, rows, depth, b, 0, width, init, 0, width, width, init, 0,
                        width);
                dg.add(init);
            }
        }
        return dg.hex();
    }

    private static String elementWise(KernelOps ops) {
        Digest dg = new Digest();
        SplittableRandom r = new SplittableRandom(2);
        for (int n : new int[] {8, 24, 40, 1000}) {
            float[] x = randn(r, n, 4f);
            float[] pos = positive(r, n);
            float[] out = new float[n];
            float[] aux = new float[n];
            for (Activation act : Activation.values()) {
                ops.activate(act, x, out, aux, 0, n);
                dg.add(out).add(aux);
                float[] g = randn(r, n, 1f);
                ops.activationGradient(act, aux, out, 0, g, 0, n);
                dg.add(g);
            }
            ops.exp(x, 0, n, out, 0);
            dg.add(out);
            ops.log(pos, 0, n, out, 0);
            dg.add(out);
            ops.softplusSigmoid(x, out, aux, 0, n, 0.05f);
            dg.add(out).add(aux);
            ops.sampleLatent(x, pos, aux, 0, out, 0, n);
            dg.add(out);
            float[] p = randn(r, n, 1f);
            float[] m = randn(r, n, 0.1f);
            float[] v = positive(r, n);
            ops.adam(p, m, v, x, 0, n, 0.5f, 0.9f, 0.1f, 0.999f, 0.001f, 0.3f, 1e-8f, 1e-3f);
            dg.add(p).add(m).add(v);
            ops.add(x, 0, p, 0, n);
            dg.add(p);
        }
        return dg.hex();
    }

    private static String columns(KernelOps ops) {
        Digest dg = new Digest();
        SplittableRandom r = new SplittableRandom(3);
        for (int width : new int[] {8, 24, 40}) {
            int rows = 5;
            int n = rows * width;
            float[] x = randn(r, n, 1f);
            float[] mu = randn(r, n, 1f);
            float[] sigma = positive(r, n);
            float[] logSigma = new float[n];
            ops.log(sigma, 0, n, logSigma, 0);
            float[] gate = positive(r, n);
            float[] row = positive(r, width);
            float[] mask = new float[width];
            java.util.Arrays.fill(mask, 0, width - 3, 1f);
            float[] d1 = new float[n];
            float[] d2 = new float[n];
            float[] s1 = new float[width];
            float[] s2 = new float[width];
            ops.columnSums(x, 0, width, rows, width, s1, 0);
            dg.add(s1);
            ops.columnSumsAndSquares(x, 0, width, rows, width, s1, s2, 0);
            dg.add(s1).add(s2);
            ops.klColumnSums(mu, sigma, logSigma, 0, rows, width, s1, 0);
            dg.add(s1);
            ops.gaussianOutputShared(x, mu, 0, rows, width, row, -0.2f, 0.2f, d1, 0, s1, s2, 0);
            dg.add(d1).add(s1).add(s2);
            ops.gaussianOutputShared(x, mu, 0, rows, width, row, -0.2f, 0.2f, d1, 0, s1, null, 0);
            dg.add(d1).add(s1);
            ops.gaussianOutputPerRow(x, mu, sigma, gate, 0, rows, width, mask, -0.2f, 0.2f, d1,
                    d2, 0, s1, 0);
            dg.add(d1).add(d2).add(s1);
            ops.latentGradient(mu, sigma, gate, x, 0, mu, 0, row, rows, width, d1, d2);
            dg.add(d1).add(d2);
            ops.residualSquares(x, mu, sigma, null, 0, rows, width, d1, 0);
            dg.add(d1);
            ops.residualSquares(x, mu, null, row, 0, rows, width, d1, 0);
            dg.add(d1);
            ops.gaussianLogDensity(x, mu, sigma, logSigma, 0.9f, rows, width, d1);
            dg.add(d1);
            ops.gaussianLogDensityShared(x, mu, row, sigma, rows, width, d1);
            dg.add(d1);
        }
        return dg.hex();
    }

    /** Steps of 37, 32 and 50 rows (partial shards and row blocks), in one kernel thread. */
    private static String training(VaeConfig config) {
        Digest dg = new Digest();
        SplittableRandom r = new SplittableRandom(4);
        try (TrainingKernel k = new TrainingKernel(config, 50, 1)) {
            k.load(VaeParameters.initialise(config, 5));
            for (int rows : new int[] {37, 32, 50}) {
                double[][] x = TrainingKernelReferenceTest.randn(r, rows, config.inputDim());
                for (int i = 0; i < rows; i++) {
                    k.setRow(i, x[i]);
                }
                k.setNoise(randn(r, rows * config.latentDim(), 1f), rows);
                TrainingKernel.StepStats s = k.step(rows, 0.7, 0.2, 3e-3, 5.0);
                dg.add(s.reconstruction()).add(s.kl()).add(s.gradientNorm());
            }
            float[] p = k.newSnapshot();
            k.snapshot(p);
            dg.add(p);
        }
        return dg.hex();
    }

    private static String scores() {
        Digest dg = new Digest();
        SplittableRandom r = new SplittableRandom(6);
        for (DecoderVariance v : DecoderVariance.values()) {
            VaeConfig cfg = config(v, Activation.TANH);
            Vae vae = new Vae(cfg, VaeParameters.initialise(cfg, 7));
            double[][] rows = TrainingKernelReferenceTest.randn(r, 5, cfg.inputDim());
            for (ScoreMode mode : ScoreMode.values()) {
                for (Score s : new ReconstructionScorer(vae, 16, mode, 3, 8).score(rows)) {
                    dg.add(s.logProb());
                    for (double c : s.contributions()) {
                        dg.add(c);
                    }
                }
            }
        }
        return dg.hex();
    }

    /** SHA-256 over the exact bits of everything added, in order. */
    private static final class Digest {
        private final MessageDigest md;

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Digest add(float[] v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length);
            for (float f : v) {
                b.putInt(Float.floatToRawIntBits(f));
            }
            md.update(b.array());
            return this;
        }

        Digest add(double v) {
            md.update(ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits(v)).array());
            return this;
        }

        String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }
}

package io.vaeanomaly.score;

/**
 * Chooses the scoring kernels once per JVM: {@link VectorTileKernels} when the {@code
 * jdk.incubator.vector} module is in the boot layer (the launcher passes {@code --add-modules
 * jdk.incubator.vector}), else {@link ScalarTileKernels}. Both give bit-identical results, so the
 * choice changes speed only. {@code -Dvae.kernel.scalar=true} forces the scalar path (tests use it
 * to compare the two).
 */
final class TileKernels {
    /** Whether the vector path is in use. */
    static final boolean VECTOR =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !Boolean.getBoolean("vae.kernel.scalar");

    /**
     * Layer widths are padded to a multiple of this (zero weights and biases in the padding), so
     * that every vector load is whole: 16 floats covers 256- and 512-bit vectors.
     */
    static final int PAD = VECTOR ? Math.max(16, VectorLanes.floats()) : 16;

    private TileKernels() {}

    static int padded(int width) {
        return (width + PAD - 1) / PAD * PAD;
    }

    static void dense(
            float[] in, int inStride, int rows, int n, float[] w, float[] b, int m, float[] out) {
        if (VECTOR) {
            VectorTileKernels.dense(in, inStride, rows, n, w, b, m, out);
        } else {
            ScalarTileKernels.dense(in, inStride, rows, n, w, b, m, out);
        }
    }

    static void tanh(float[] v, int len) {
        if (VECTOR) {
            VectorTileKernels.tanh(v, len);
        } else {
            ScalarTileKernels.tanh(v, len);
        }
    }

    static void relu(float[] v, int len) {
        if (VECTOR) {
            VectorTileKernels.relu(v, len);
        } else {
            ScalarTileKernels.relu(v, len);
        }
    }

    static void softplus(float[] v, int len) {
        if (VECTOR) {
            VectorTileKernels.softplus(v, len);
        } else {
            ScalarTileKernels.softplus(v, len);
        }
    }

    static void sigmaHead(
            float[] head,
            int rows,
            int headStride,
            int off,
            int width,
            float sigmaMin,
            float[] sigma,
            float[] logSigma,
            float[] invSigma) {
        if (VECTOR) {
            VectorTileKernels.sigmaHead(
                    head, rows, headStride, off, width, sigmaMin, sigma, logSigma, invSigma);
        } else {
            ScalarTileKernels.sigmaHead(
                    head, rows, headStride, off, width, sigmaMin, sigma, logSigma, invSigma);
        }
    }

    /** Isolates the species lookup so that this class loads without the vector module. */
    private static final class VectorLanes {
        static int floats() {
            return VectorTileKernels.S.length();
        }
    }
}

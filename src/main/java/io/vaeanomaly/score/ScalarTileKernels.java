package io.vaeanomaly.score;

/**
 * The scoring kernels in plain Java: the reference the vector path must match bit for bit, and the
 * path taken when {@code jdk.incubator.vector} is not available. The loops are shaped so that
 * HotSpot's auto-vectoriser turns them into SIMD fused multiply-adds anyway.
 *
 * <p>Every output element of {@link #dense} is {@code b[j]} followed by {@code acc = fma(in[k],
 * W[k][j], acc)} for k = 0, 1, ..., n-1, whatever the number of rows or the row's position: the
 * order that {@link VectorTileKernels} uses lane by lane.
 */
final class ScalarTileKernels {
    private ScalarTileKernels() {}

    /**
     * {@code out[r][0..m) = b + in[r][0..n) W} for {@code rows} rows.
     *
     * @param in row r's inputs start at {@code r * inStride}
     * @param w {@code n x m}, row-major
     * @param b length {@code m}
     * @param m output width (padded), also the row stride of {@code out}
     */
    static void dense(
            float[] in, int inStride, int rows, int n, float[] w, float[] b, int m, float[] out) {
        for (int r = 0; r < rows; r++) {
            int i = r * inStride;
            int o = r * m;
            System.arraycopy(b, 0, out, o, m);
            int k = 0;
            // Four inputs per pass over the row: each output is loaded and stored once per four
            // fused multiply-adds, which are still applied in k order.
            for (; k + 3 < n; k += 4) {
                float a0 = in[i + k];
                float a1 = in[i + k + 1];
                float a2 = in[i + k + 2];
                float a3 = in[i + k + 3];
                int w0 = k * m;
                int w1 = w0 + m;
                int w2 = w1 + m;
                int w3 = w2 + m;
                for (int j = 0; j < m; j++) {
                    out[o + j] =
                            Math.fma(
                                    a3,
                                    w[w3 + j],
                                    Math.fma(
                                            a2,
                                            w[w2 + j],
                                            Math.fma(
                                                    a1,
                                                    w[w1 + j],
                                                    Math.fma(a0, w[w0 + j], out[o + j]))));
                }
            }
            for (; k < n; k++) {
                float a = in[i + k];
                int w0 = k * m;
                for (int j = 0; j < m; j++) {
                    out[o + j] = Math.fma(a, w[w0 + j], out[o + j]);
                }
            }
        }
    }

    static void tanh(float[] v, int len) {
        for (int i = 0; i < len; i++) {
            v[i] = FloatApprox.tanh(v[i]);
        }
    }

    static void relu(float[] v, int len) {
        for (int i = 0; i < len; i++) {
            v[i] = Math.max(v[i], 0f);
        }
    }

    static void softplus(float[] v, int len) {
        for (int i = 0; i < len; i++) {
            v[i] = FloatApprox.softplus(v[i]);
        }
    }

    /**
     * The heteroscedastic decoder's sigma head: for each row, {@code sigma = softplus(pre) +
     * sigmaMin} from {@code head[r * headStride + off + j]}, and its log and reciprocal, into
     * {@code rows x width} arrays.
     */
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
        for (int r = 0; r < rows; r++) {
            int h = r * headStride + off;
            int o = r * width;
            for (int j = 0; j < width; j++) {
                float s = FloatApprox.softplus(head[h + j]) + sigmaMin;
                sigma[o + j] = s;
                logSigma[o + j] = FloatApprox.log(s);
                invSigma[o + j] = 1f / s;
            }
        }
    }
}

package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;

/**
 * {@link KernelOps} in plain Java. This is the specification the vector implementation follows
 * operation by operation: every element sees the same sequence of correctly rounded operations
 * ({@link Math#fma} where the vector code uses a fused multiply-add), so both give bit-identical
 * results. {@link VectorOps} also calls it for the columns or elements beyond its last whole
 * vector (the {@code ...From} methods take the first column to compute).
 */
final class ScalarOps extends KernelOps {
    static final ScalarOps INSTANCE = new ScalarOps();

    private ScalarOps() {}

    @Override
    public boolean vectorised() {
        return false;
    }

    @Override
    public void gemm(
            float[] a,
            int aOff,
            int aRowStride,
            int aColStride,
            int rows,
            int depth,
            float[] b,
            int bOff,
            int bStride,
            float[] c,
            int cOff,
            int cStride,
            int width,
            float[] init,
            int initOff,
            int initRowStride) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * cStride;
            int ii = initOff + i * initRowStride;
            int ai = aOff + i * aRowStride;
            // Four columns at a time in registers; each column's sum runs over p in order.
            for (int j = 0; j < width; j += 4) {
                float x0 = 0f;
                float x1 = 0f;
                float x2 = 0f;
                float x3 = 0f;
                if (init != null) {
                    x0 = init[ii + j];
                    x1 = init[ii + j + 1];
                    x2 = init[ii + j + 2];
                    x3 = init[ii + j + 3];
                }
                int bp = bOff + j;
                int ap = ai;
                for (int p = 0; p < depth; p++, bp += bStride, ap += aColStride) {
                    float av = a[ap];
                    x0 = Math.fma(av, b[bp], x0);
                    x1 = Math.fma(av, b[bp + 1], x1);
                    x2 = Math.fma(av, b[bp + 2], x2);
                    x3 = Math.fma(av, b[bp + 3], x3);
                }
                c[ci + j] = x0;
                c[ci + j + 1] = x1;
                c[ci + j + 2] = x2;
                c[ci + j + 3] = x3;
            }
        }
    }

    @Override
    public void columnSums(
            float[] src, int off, int stride, int rows, int width, float[] dst, int dstOff) {
        for (int j = 0; j < width; j++) {
            float s = 0f;
            for (int r = 0, o = off + j; r < rows; r++, o += stride) {
                s = s + src[o];
            }
            dst[dstOff + j] = s;
        }
    }

    @Override
    public void columnSumsAndSquares(
            float[] src,
            int off,
            int stride,
            int rows,
            int width,
            float[] sums,
            float[] squares,
            int dstOff) {
        for (int j = 0; j < width; j++) {
            float s = 0f;
            float q = 0f;
            for (int r = 0, o = off + j; r < rows; r++, o += stride) {
                float v = src[o];
                s = s + v;
                q = Math.fma(v, v, q);
            }
            sums[dstOff + j] = s;
            squares[dstOff + j] = q;
        }
    }

    @Override
    public void activate(
            Activation act, float[] pre, float[] out, float[] deriv, int off, int n) {
        switch (act) {
            case TANH -> {
                for (int i = off; i < off + n; i++) {
                    out[i] = FloatMath.tanh(pre[i]);
                }
            }
            case RELU -> {
                for (int i = off; i < off + n; i++) {
                    out[i] = Math.max(pre[i], 0f);
                }
            }
            case SOFTPLUS -> softplusSigmoid(pre, out, deriv, off, n, 0f);
        }
    }

    @Override
    public void activationGradient(
            Activation act, float[] deriv, float[] out, int off, float[] d, int dOff, int n) {
        switch (act) {
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = d[dOff + i] * FloatMath.tanhDerivative(out[off + i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = out[off + i] > 0f ? d[dOff + i] : 0f;
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = d[dOff + i] * deriv[off + i];
                }
            }
        }
    }

    @Override
    public void softplusSigmoid(float[] x, float[] sp, float[] sg, int off, int n, float add) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            float e = FloatMath.exp(-Math.abs(v));
            float u = 1f + e;
            float log1p = FloatMath.log(u) + (e - (u - 1f)) / u;
            sp[i] = (Math.max(v, 0f) + log1p) + add;
            sg[i] = (v >= 0f ? 1f : e) / u;
        }
    }

    @Override
    public void sampleLatent(
            float[] mu, float[] sigma, float[] eps, int epsOff, float[] z, int off, int n) {
        for (int i = 0; i < n; i++) {
            z[off + i] = Math.fma(sigma[off + i], eps[epsOff + i], mu[off + i]);
        }
    }

    @Override
    public void klColumnSums(
            float[] mu,
            float[] sigma,
            float[] logSigma,
            int off,
            int rows,
            int width,
            float[] dst,
            int dstOff) {
        klColumnSumsFrom(0, mu, sigma, logSigma, off, rows, width, dst, dstOff);
    }

    /** {@link #klColumnSums} for columns {@code j0 .. width-1} only. */
    void klColumnSumsFrom(
            int j0,
            float[] mu,
            float[] sigma,
            float[] logSigma,
            int off,
            int rows,
            int width,
            float[] dst,
            int dstOff) {
        for (int j = j0; j < width; j++) {
            dst[dstOff + j] = 0f;
        }
        for (int r = 0; r < rows; r++) {
            int o = off + r * width;
            for (int j = j0; j < width; j++) {
                float m = mu[o + j];
                float s = sigma[o + j];
                float t = Math.fma(m, m, Math.fma(s, s, -1f));
                dst[dstOff + j] = dst[dstOff + j] + Math.fma(0.5f, t, -logSigma[o + j]);
            }
        }
    }

    @Override
    public void gaussianOutputShared(
            float[] x,
            float[] mu,
            int off,
            int rows,
            int width,
            float[] invSigma,
            float negInvB,
            float invB,
            float[] dMu,
            int dOff,
            float[] r2Sums,
            float[] dSigmaSums,
            int sumOff) {
        gaussianOutputSharedFrom(0, x, mu, off, rows, width, invSigma, negInvB, invB, dMu, dOff,
                r2Sums, dSigmaSums, sumOff);
    }

    /** {@link #gaussianOutputShared} for columns {@code j0 .. width-1} only. */
    void gaussianOutputSharedFrom(
            int j0,
            float[] x,
            float[] mu,
            int off,
            int rows,
            int width,
            float[] invSigma,
            float negInvB,
            float invB,
            float[] dMu,
            int dOff,
            float[] r2Sums,
            float[] dSigmaSums,
            int sumOff) {
        for (int j = j0; j < width; j++) {
            r2Sums[sumOff + j] = 0f;
            if (dSigmaSums != null) {
                dSigmaSums[sumOff + j] = 0f;
            }
        }
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int od = dOff + row * width;
            for (int j = j0; j < width; j++) {
                float inv = invSigma[j];
                float r = (x[o + j] - mu[o + j]) * inv;
                dMu[od + j] = (r * inv) * negInvB;
                r2Sums[sumOff + j] = Math.fma(r, r, r2Sums[sumOff + j]);
                if (dSigmaSums != null) {
                    float ds = (Math.fma(-r, r, 1f) * inv) * invB;
                    dSigmaSums[sumOff + j] = dSigmaSums[sumOff + j] + ds;
                }
            }
        }
    }

    @Override
    public void gaussianOutputPerRow(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] gate,
            int off,
            int rows,
            int width,
            float[] mask,
            float negInvB,
            float invB,
            float[] dMu,
            float[] dSigmaPre,
            int dOff,
            float[] r2Sums,
            int sumOff) {
        gaussianOutputPerRowFrom(0, x, mu, sigma, gate, off, rows, width, mask, negInvB, invB,
                dMu, dSigmaPre, dOff, r2Sums, sumOff);
    }

    /** {@link #gaussianOutputPerRow} for columns {@code j0 .. width-1} only. */
    void gaussianOutputPerRowFrom(
            int j0,
            float[] x,
            float[] mu,
            float[] sigma,
            float[] gate,
            int off,
            int rows,
            int width,
            float[] mask,
            float negInvB,
            float invB,
            float[] dMu,
            float[] dSigmaPre,
            int dOff,
            float[] r2Sums,
            int sumOff) {
        for (int j = j0; j < width; j++) {
            r2Sums[sumOff + j] = 0f;
        }
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int od = dOff + row * width;
            for (int j = j0; j < width; j++) {
                float s = sigma[o + j];
                float inv = 1f / s;
                float r = (x[o + j] - mu[o + j]) * inv;
                dMu[od + j] = (r * inv) * negInvB;
                float ds = (Math.fma(-r, r, 1f) * inv) * invB;
                dSigmaPre[od + j] = (ds * gate[o + j]) * mask[j];
                r2Sums[sumOff + j] = Math.fma(r, r, r2Sums[sumOff + j]);
            }
        }
    }

    @Override
    public void latentGradient(
            float[] mu,
            float[] sigma,
            float[] gate,
            float[] eps,
            int off,
            float[] dZ,
            int dOff,
            float[] klScale,
            int rows,
            int width,
            float[] dMu,
            float[] dSigmaPre) {
        latentGradientFrom(0, mu, sigma, gate, eps, off, dZ, dOff, klScale, rows, width, dMu,
                dSigmaPre);
    }

    /** {@link #latentGradient} for columns {@code j0 .. width-1} only. */
    void latentGradientFrom(
            int j0,
            float[] mu,
            float[] sigma,
            float[] gate,
            float[] eps,
            int off,
            float[] dZ,
            int dOff,
            float[] klScale,
            int rows,
            int width,
            float[] dMu,
            float[] dSigmaPre) {
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int od = dOff + row * width;
            for (int j = j0; j < width; j++) {
                float scale = klScale[j];
                float dz = dZ[od + j];
                float s = sigma[o + j];
                dMu[od + j] = Math.fma(mu[o + j], scale, dz);
                float ds = Math.fma(s - 1f / s, scale, dz * eps[o + j]);
                dSigmaPre[od + j] = ds * gate[o + j];
            }
        }
    }

    @Override
    public void residualSquares(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] invSigma,
            int off,
            int rows,
            int width,
            float[] out,
            int outOff) {
        residualSquaresFrom(0, x, mu, sigma, invSigma, off, rows, width, out, outOff);
    }

    /** {@link #residualSquares} for columns {@code j0 .. width-1} only. */
    void residualSquaresFrom(
            int j0,
            float[] x,
            float[] mu,
            float[] sigma,
            float[] invSigma,
            int off,
            int rows,
            int width,
            float[] out,
            int outOff) {
        for (int row = 0; row < rows; row++) {
            int o = off + row * width;
            int oo = outOff + row * width;
            for (int j = j0; j < width; j++) {
                float inv = sigma != null ? 1f / sigma[o + j] : invSigma[j];
                float r = (x[o + j] - mu[o + j]) * inv;
                out[oo + j] = r * r;
            }
        }
    }

    @Override
    public void gaussianLogDensity(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] logSigma,
            float c,
            int rows,
            int width,
            float[] out) {
        gaussianLogDensityFrom(0, x, mu, sigma, logSigma, c, rows, width, out);
    }

    /** {@link #gaussianLogDensity} for columns {@code j0 .. width-1} only. */
    void gaussianLogDensityFrom(
            int j0,
            float[] x,
            float[] mu,
            float[] sigma,
            float[] logSigma,
            float c,
            int rows,
            int width,
            float[] out) {
        for (int row = 0; row < rows; row++) {
            int o = row * width;
            for (int j = j0; j < width; j++) {
                float inv = 1f / sigma[o + j];
                float r = (x[j] - mu[o + j]) * inv;
                out[o + j] = -0.5f * (r * r) - (logSigma[o + j] + c);
            }
        }
    }

    @Override
    public void gaussianLogDensityShared(
            float[] x,
            float[] mu,
            float[] invSigma,
            float[] logNorm,
            int rows,
            int width,
            float[] out) {
        gaussianLogDensitySharedFrom(0, x, mu, invSigma, logNorm, rows, width, out);
    }

    /** {@link #gaussianLogDensityShared} for columns {@code j0 .. width-1} only. */
    void gaussianLogDensitySharedFrom(
            int j0,
            float[] x,
            float[] mu,
            float[] invSigma,
            float[] logNorm,
            int rows,
            int width,
            float[] out) {
        for (int row = 0; row < rows; row++) {
            int o = row * width;
            for (int j = j0; j < width; j++) {
                float r = (x[j] - mu[o + j]) * invSigma[j];
                out[o + j] = -0.5f * (r * r) - logNorm[j];
            }
        }
    }

    @Override
    public void exp(float[] v, int off, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = FloatMath.exp(v[off + i]);
        }
    }

    @Override
    public void log(float[] v, int off, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = FloatMath.log(v[off + i]);
        }
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = dst[dstOff + i] + src[srcOff + i];
        }
    }

    @Override
    public void adam(
            float[] p,
            float[] m,
            float[] v,
            float[] g,
            int off,
            int n,
            float scale,
            float b1,
            float ob1,
            float b2,
            float ob2,
            float c2,
            float eps,
            float lrc1) {
        for (int i = off; i < off + n; i++) {
            float gs = g[i] * scale;
            float mi = m[i] * b1 + gs * ob1;
            float vi = v[i] * b2 + (gs * gs) * ob2;
            m[i] = mi;
            v[i] = vi;
            float den = (float) Math.sqrt(vi / c2) + eps;
            p[i] = p[i] - (mi / den) * lrc1;
        }
    }
}

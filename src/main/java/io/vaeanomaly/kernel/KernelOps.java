package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;
import java.util.Optional;

/**
 * Deterministic float32 primitives of the training kernel: the three products of a dense layer,
 * column sums, activations and the fused element-wise steps of the VAE's loss.
 *
 * <p><b>Summation order.</b> Every output element is accumulated in an order that depends only on
 * the shapes passed in: a product computes {@code c = fma(a(i, p), b[p, j], c)} for p = 0, 1, ...
 * in turn, which is how one output row grows by "scalar times weight row". Register blocking
 * (several rows and columns at once) changes which elements are computed together, never the
 * order of any element's own additions. Nothing reduces across vector lanes, so the scalar and
 * the vector implementations give bit-identical results, and a row's result does not depend on
 * the batch it came in, its position, or the thread that computed it.
 *
 * <p><b>Padding.</b> Row widths are multiples of {@link #LANES}; callers keep padded columns at
 * exactly zero where they feed a sum (see {@link TrainingKernel}).
 *
 * <p>Two implementations: {@link ScalarOps} (plain Java, always available) and {@code
 * VectorOps} (jdk.incubator.vector), used when the JVM runs with {@code --add-modules
 * jdk.incubator.vector} unless {@code -Dvae.kernel.vector=false}. The vector width does not
 * change any result ({@link #VECTOR_BITS_PROPERTY}).
 */
public abstract class KernelOps {
    /**
     * Row widths are padded to a multiple of this (one 256-bit vector of floats), whatever the
     * vector width: layouts, and so the order of every sum, do not depend on the CPU.
     */
    public static final int LANES = 8;

    /** System property that turns the vector path off ({@code -Dvae.kernel.vector=false}). */
    public static final String VECTOR_PROPERTY = "vae.kernel.vector";

    /**
     * System property choosing the vector width in bits: 128, 256 (the default) or 512, never
     * more than the CPU's preferred width. Results are bit-identical for every width (tested).
     */
    public static final String VECTOR_BITS_PROPERTY = "vae.kernel.vector.bits";

    /** {@code n} rounded up to a multiple of {@link #LANES}. */
    public static int padded(int n) {
        return (n + LANES - 1) / LANES * LANES;
    }

    /** The implementation used by default: vector when available and not turned off. */
    public static KernelOps get() {
        return Default.OPS;
    }

    /** The plain-Java implementation. */
    public static KernelOps scalar() {
        return ScalarOps.INSTANCE;
    }

    /**
     * The Vector API implementation, or empty when the JVM was started without {@code
     * --add-modules jdk.incubator.vector} (or the module cannot be used).
     */
    public static Optional<KernelOps> vector() {
        return Optional.ofNullable(VectorHolder.OPS);
    }

    /** Whether this implementation uses the Vector API. */
    public abstract boolean vectorised();

    /** Floats per vector (1 for the scalar implementation). */
    public int vectorLanes() {
        return 1;
    }

    /**
     * {@code c[i, j] = init(i, j)}, then {@code c[i, j] = fma(a(i, p), b[p, j], c[i, j])} for p =
     * 0 .. depth-1 in order; for i below rows and j below width (a multiple of {@link #LANES}).
     *
     * @param a {@code a(i, p) = a[aOff + i * aRowStride + p * aColStride]}: a row-major input
     *     (aColStride 1) or the transpose of one (aRowStride 1)
     * @param b row p of b starts at {@code bOff + p * bStride}
     * @param init null for zeros; else row i of the initial values starts at {@code initOff + i *
     *     initRowStride} (stride 0 repeats one row, such as a bias; init may be c itself)
     */
    public abstract void gemm(
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
            int initRowStride);

    /** {@code dst[j] = src[0, j] + src[1, j] + ...} over {@code rows} rows, in row order. */
    public abstract void columnSums(
            float[] src, int off, int stride, int rows, int width, float[] dst, int dstOff);

    /** Column sums of {@code src} and of its squares (the squares accumulated by fma). */
    public abstract void columnSumsAndSquares(
            float[] src,
            int off,
            int stride,
            int rows,
            int width,
            float[] sums,
            float[] squares,
            int dstOff);

    /**
     * {@code out = act(pre)} over {@code n} elements; for softplus also {@code deriv =
     * sigmoid(pre)}, the derivative {@link #activationGradient} needs ({@code deriv} is unused,
     * and may be null, for the other activations). The three arrays must be distinct.
     */
    public abstract void activate(
            Activation act, float[] pre, float[] out, float[] deriv, int off, int n);

    /**
     * {@code d *= act'(pre)} over {@code n} elements, from the {@code out} and {@code deriv}
     * buffers {@link #activate} filled.
     */
    public abstract void activationGradient(
            Activation act, float[] deriv, float[] out, int off, float[] d, int dOff, int n);

    /**
     * {@code sp = softplus(x) + add} and {@code sg = sigmoid(x)} over {@code n} elements; {@code x}
     * must be distinct from both outputs.
     */
    public abstract void softplusSigmoid(
            float[] x, float[] sp, float[] sg, int off, int n, float add);

    /** The reparameterisation {@code z = fma(sigma, eps, mu)} over {@code n} elements. */
    public abstract void sampleLatent(
            float[] mu, float[] sigma, float[] eps, int epsOff, float[] z, int off, int n);

    /**
     * Column sums of the KL of N(mu, sigma^2) from N(0, 1) per element: {@code 0.5 (mu^2 + sigma^2
     * - 1) - log sigma}, given {@code logSigma} (from {@link #log}).
     */
    public abstract void klColumnSums(
            float[] mu,
            float[] sigma,
            float[] logSigma,
            int off,
            int rows,
            int width,
            float[] dst,
            int dstOff);

    /**
     * Gaussian output with a sigma shared by every row. With {@code r = (x - mu) * invSigma}:
     * {@code dMu = r * invSigma * negInvB}, {@code r2Sums[j] = sum_rows r^2}, and when {@code
     * dSigmaSums} is not null {@code dSigmaSums[j] = sum_rows (1 - r^2) * invSigma * invB}.
     * {@code invSigma} must be zero in padded columns.
     */
    public abstract void gaussianOutputShared(
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
            int sumOff);

    /**
     * Gaussian output with a sigma per element (heteroscedastic). With {@code inv = 1 / sigma} and
     * {@code r = (x - mu) * inv}: {@code dMu = r * inv * negInvB}, {@code dSigmaPre = (1 - r^2) *
     * inv * invB * gate * mask} (gate = sigmoid of sigma's pre-activation, mask 1 in real columns
     * and 0 in padded ones), {@code r2Sums[j] = sum r^2}.
     */
    public abstract void gaussianOutputPerRow(
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
            int sumOff);

    /**
     * The gradient at the encoder's heads from the decoder's {@code dZ} and the KL term: {@code
     * dMu = fma(mu, klScale, dZ)} and {@code dSigmaPre = fma(sigma - 1/sigma, klScale, dZ * eps) *
     * gate}; klScale is a row (beta / B per dimension, 0 where free bits hold, 0 in padding).
     */
    public abstract void latentGradient(
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
            float[] dSigmaPre);

    /**
     * {@code out = r^2} per element with {@code r = (x - mu) * inv}: {@code inv = 1 / sigma} per
     * element when {@code sigma} is not null, else the shared row {@code invSigma[j]} (the same
     * residual as the Gaussian output steps).
     */
    public abstract void residualSquares(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] invSigma,
            int off,
            int rows,
            int width,
            float[] out,
            int outOff);

    /**
     * Gaussian log-densities of one row {@code x} (its first {@code width} entries) under each of
     * {@code rows} rows of means and sigmas (rows of stride {@code width}): with {@code r = (x[j] -
     * mu[i, j]) * (1 / sigma[i, j])}, {@code out[i, j] = -0.5 * (r * r) - (logSigma[i, j] + c)}.
     */
    public abstract void gaussianLogDensity(
            float[] x,
            float[] mu,
            float[] sigma,
            float[] logSigma,
            float c,
            int rows,
            int width,
            float[] out);

    /**
     * As {@link #gaussianLogDensity} with one sigma per column: {@code r = (x[j] - mu[i, j]) *
     * invSigma[j]} and {@code out[i, j] = -0.5 * (r * r) - logNorm[j]}.
     */
    public abstract void gaussianLogDensityShared(
            float[] x,
            float[] mu,
            float[] invSigma,
            float[] logNorm,
            int rows,
            int width,
            float[] out);

    /** {@code out = log(v)} over {@code n} elements (positive normal values); may be in place. */
    public abstract void log(float[] v, int off, int n, float[] out, int outOff);

    /** {@code out = exp(v)} over {@code n} elements ({@link FloatMath#exp}); may be in place. */
    public abstract void exp(float[] v, int off, int n, float[] out, int outOff);

    /** {@code dst += src} over {@code n} elements. */
    public abstract void add(float[] src, int srcOff, float[] dst, int dstOff, int n);

    /**
     * One Adam step over {@code n} elements, with the same operations as {@link
     * io.vaeanomaly.train.AdamOptimizer}: {@code g *= scale; m = m * b1 + g * ob1; v = v * b2 +
     * (g * g) * ob2; p -= (m / (sqrt(v / c2) + eps)) * lrc1}.
     */
    public abstract void adam(
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
            float lrc1);

    private static final class VectorHolder {
        static final KernelOps OPS = loadVector();

        private static KernelOps loadVector() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return null;
            }
            try {
                return (KernelOps)
                        Class.forName("io.vaeanomaly.kernel.VectorOps")
                                .getDeclaredConstructor()
                                .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }
    }

    private static final class Default {
        static final KernelOps OPS =
                Boolean.parseBoolean(System.getProperty(VECTOR_PROPERTY, "true"))
                        ? vector().orElse(ScalarOps.INSTANCE)
                        : ScalarOps.INSTANCE;
    }
}

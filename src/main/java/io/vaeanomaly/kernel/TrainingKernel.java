package io.vaeanomaly.kernel;

import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fused float32 training step of a {@link io.vaeanomaly.model.Vae}: forward pass, backward pass
 * of exactly the loss {@link io.vaeanomaly.model.Vae#lossAndGradients} differentiates (negative
 * ELBO with KL weight beta and free bits on the batch-mean KL per latent dimension), gradient L2
 * norm, clipping and the Adam update of {@link io.vaeanomaly.train.AdamOptimizer}, plus a cheap
 * held-out evaluation. {@link io.vaeanomaly.model.Vae} on ND4J stays the double-precision
 * reference this kernel is tested against, and {@link VaeParameters} the parameter store: {@link
 * #load} at the start, {@link #writeTo} at the end.
 *
 * <p><b>Why.</b> At these layer widths an ND4J call costs about as much as the arithmetic of a
 * whole 256x64x64 product, and a step took about 120 calls. Here a step is a few dozen loops
 * over preallocated arrays.
 *
 * <p><b>Determinism.</b> A minibatch is cut into shards of {@link #SHARD_ROWS} rows; each shard
 * computes its gradient into its own buffer, and the buffers are summed in shard order. Every
 * per-element sum runs in a fixed order ({@link KernelOps}), so the same parameters, rows and
 * noise give bit-identical results with 1 or N threads and with the scalar or the vector
 * implementation.
 *
 * <p><b>Allocation.</b> Every buffer is sized once for {@code maxRows}; {@link #step} allocates
 * nothing.
 *
 * <p>Not thread-safe: one caller at a time (it uses its own worker threads inside).
 */
public final class TrainingKernel implements AutoCloseable {
    /** Rows per shard: the unit of work and of the fixed-order gradient reduction. */
    public static final int SHARD_ROWS = 32;

    private static final int REDUCE_CHUNK = 4096;
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final float ENCODER_SIGMA_MIN = (float) VaeConfig.ENCODER_SIGMA_MIN;
    private static final double ADAM_BETA1 = 0.9;
    private static final double ADAM_BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;

    private final VaeLayout layout;
    private final KernelOps ops;
    private final ShardExecutor executor;
    private final Activation act;
    private final DecoderVariance variance;
    private final float sigmaMin;
    private final int maxRows;

    private final float[] params;
    private final float[] adamM;
    private final float[] adamV;
    private final float[] grad;
    private final float[] transposed;
    private final float[] flatScratch;
    private long adamSteps;
    private boolean dirty = true;

    private final float[] rhoRow;
    private final float[] sigmaRow;
    private final float[] gateRow;
    private final float[] invSigmaRow;
    private final float[] mask;
    private double logSigmaRowSum;

    private final float[] x;
    private final float[] eps;
    private final float[][] encPre;
    private final float[][] encAct;
    /** sigmoid(pre) of softplus layers, else null. */
    private final float[][] encDeriv;

    private final float[][] decPre;
    private final float[][] decAct;
    private final float[][] decDeriv;
    private final float[] muZ;
    private final float[] sigPre;
    private final float[] sigmaZ;
    private final float[] logSigmaZ;
    private final float[] gateZ;
    private final float[] z;
    private final float[] muX;
    private final float[] sxPre;
    private final float[] sigmaX;
    private final float[] gateX;

    private final Shard[] shards;
    private final float[] klScale;
    private final double[] chunkNorms;
    private final int chunks;
    private final StepStats stats;
    private final EvalStats evalStats;

    // Arguments of the running phase (written by the caller before the phase starts).
    private int phaseRows;
    private float invB;
    private float negInvB;
    private boolean evalMode;
    private float[] evalNoise;
    private double[] evalLogW;
    private double[] evalLogSigmaZ;
    private int evalSample;
    private int evalSamples;
    private float adamScale;
    private float adamC2;
    private float adamLrc1;
    private final float floorLimit;
    private int activeShards;

    private final IntConsumer encodeTask = this::encodeShard;
    private final IntConsumer backwardTask = this::backwardShard;
    private final IntConsumer reduceTask = this::reduceChunk;
    private final IntConsumer adamTask = this::adamChunk;
    private final IntConsumer evalDecodeTask = this::evalDecodeShard;

    /** Per-shard gradient and scratch buffers. */
    private static final class Shard {
        final float[] grad;
        final float[] bufA;
        final float[] bufB;
        final float[] dMuX;
        final float[] dSx;
        final float[] dMuZ;
        final float[] dSigPre;
        final float[] klSums;
        final float[] muSums;
        final float[] muSquares;
        final float[] r2Sums;
        final float[] logSums;
        final float[] dSigSums;
        int floorCount;

        Shard(VaeLayout l) {
            grad = new float[l.paddedSize];
            bufA = new float[SHARD_ROWS * l.maxWidth];
            bufB = new float[SHARD_ROWS * l.maxWidth];
            dMuX = new float[SHARD_ROWS * l.dP];
            dSx = new float[SHARD_ROWS * l.dP];
            dMuZ = new float[SHARD_ROWS * l.kP];
            dSigPre = new float[SHARD_ROWS * l.kP];
            klSums = new float[l.kP];
            muSums = new float[l.kP];
            muSquares = new float[l.kP];
            r2Sums = new float[l.dP];
            logSums = new float[l.dP];
            dSigSums = new float[l.dP];
        }
    }

    /** What one {@link #step} measured. Reused: read it before the next step. */
    public static final class StepStats {
        double reconstruction;
        double kl;
        final double[] klPerDimension;
        double gradientNorm;
        boolean clipped;
        boolean finite;

        StepStats(int k) {
            klPerDimension = new double[k];
        }

        /** Mean log p(x|z) per row of the batch. */
        public double reconstruction() {
            return reconstruction;
        }

        /** Mean KL per row (sum over latent dimensions). */
        public double kl() {
            return kl;
        }

        /** Batch-mean KL per latent dimension (the free-bits test uses these). */
        public double[] klPerDimension() {
            return klPerDimension;
        }

        /** L2 norm of the gradient before clipping. */
        public double gradientNorm() {
            return gradientNorm;
        }

        /** Whether the gradient was clipped. */
        public boolean clipped() {
            return clipped;
        }

        /**
         * Whether loss and gradient were finite; when not, the parameters were left unchanged.
         */
        public boolean finite() {
            return finite;
        }
    }

    /** Figures of {@link #evaluate}. Reused: read it before the next evaluation. */
    public static final class EvalStats {
        double reconstruction;
        final double[] klPerDimension;
        final double[] latentVariance;
        double sigmaAtFloorShare;
        int rows;
        double[][] posteriorMeans;
        double[][] posteriorSigmas;

        EvalStats(int k) {
            klPerDimension = new double[k];
            latentVariance = new double[k];
        }

        /** Mean over rows and samples of log p(x|z). */
        public double reconstruction() {
            return reconstruction;
        }

        /** Mean KL per latent dimension. */
        public double[] klPerDimension() {
            return klPerDimension;
        }

        /** Total mean KL. */
        public double kl() {
            double s = 0;
            for (double v : klPerDimension) {
                s += v;
            }
            return s;
        }

        /** Sample variance over rows of the posterior mean, per latent dimension. */
        public double[] latentVariance() {
            return latentVariance;
        }

        /** Share of decoder sigmas within 1% of the floor. */
        public double sigmaAtFloorShare() {
            return sigmaAtFloorShare;
        }

        /** Rows evaluated. */
        public int rows() {
            return rows;
        }

        /** Posterior means of the first rows (as many as asked for). */
        public double[][] posteriorMeans() {
            return posteriorMeans;
        }

        /** Posterior standard deviations of the first rows (as many as asked for). */
        public double[][] posteriorSigmas() {
            return posteriorSigmas;
        }
    }

    /**
     * A kernel for {@code config} taking batches of up to {@code maxRows} rows, running on {@code
     * threads} threads (the caller and {@code threads - 1} workers), with the default {@link
     * KernelOps}.
     */
    public TrainingKernel(VaeConfig config, int maxRows, int threads) {
        this(config, maxRows, threads, KernelOps.get());
    }

    /** As above with an explicit implementation of the primitives. */
    public TrainingKernel(VaeConfig config, int maxRows, int threads, KernelOps ops) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows: must be >= 1 but was " + maxRows);
        }
        this.layout = new VaeLayout(config);
        this.ops = ops;
        this.act = config.activation();
        this.variance = config.decoderVariance();
        this.sigmaMin = (float) config.sigmaMin();
        this.maxRows = maxRows;
        VaeLayout l = layout;
        params = new float[l.paddedSize];
        adamM = new float[l.paddedSize];
        adamV = new float[l.paddedSize];
        grad = new float[l.paddedSize];
        transposed = new float[l.transposedSize];
        flatScratch = new float[l.flatSize];
        rhoRow = new float[l.dP];
        sigmaRow = new float[l.dP];
        gateRow = new float[l.dP];
        invSigmaRow = new float[l.dP];
        mask = new float[l.dP];
        Arrays.fill(mask, 0, l.d, 1f);
        x = new float[maxRows * l.dP];
        eps = new float[maxRows * l.kP];
        boolean softplus = act == Activation.SOFTPLUS;
        encPre = new float[l.enc.length][];
        encAct = new float[l.enc.length][];
        encDeriv = new float[l.enc.length][];
        for (int i = 0; i < l.enc.length; i++) {
            encPre[i] = new float[maxRows * l.enc[i].outP];
            encAct[i] = new float[maxRows * l.enc[i].outP];
            encDeriv[i] = softplus ? new float[maxRows * l.enc[i].outP] : null;
        }
        decPre = new float[l.dec.length][];
        decAct = new float[l.dec.length][];
        decDeriv = new float[l.dec.length][];
        for (int i = 0; i < l.dec.length; i++) {
            decPre[i] = new float[maxRows * l.dec[i].outP];
            decAct[i] = new float[maxRows * l.dec[i].outP];
            decDeriv[i] = softplus ? new float[maxRows * l.dec[i].outP] : null;
        }
        muZ = new float[maxRows * l.kP];
        sigPre = new float[maxRows * l.kP];
        sigmaZ = new float[maxRows * l.kP];
        logSigmaZ = new float[maxRows * l.kP];
        gateZ = new float[maxRows * l.kP];
        z = new float[maxRows * l.kP];
        muX = new float[maxRows * l.dP];
        boolean hetero = variance == DecoderVariance.HETEROSCEDASTIC;
        sxPre = hetero ? new float[maxRows * l.dP] : null;
        sigmaX = hetero ? new float[maxRows * l.dP] : null;
        gateX = hetero ? new float[maxRows * l.dP] : null;
        shards = new Shard[(maxRows + SHARD_ROWS - 1) / SHARD_ROWS];
        for (int s = 0; s < shards.length; s++) {
            shards[s] = new Shard(l);
        }
        klScale = new float[l.kP];
        chunks = (l.paddedSize + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
        chunkNorms = new double[chunks];
        stats = new StepStats(l.k);
        evalStats = new EvalStats(l.k);
        floorLimit = (float) (config.sigmaMin() * 1.01);
        executor = new ShardExecutor(Math.max(1, Math.min(threads, shards.length)), "vae-kernel");
    }

    /** The largest batch this kernel takes. */
    public int maxRows() {
        return maxRows;
    }

    /** Threads that run a step. */
    public int threads() {
        return executor.threads();
    }

    /** Latent dimensions of the model. */
    public int latentDim() {
        return layout.k;
    }

    /** The primitives in use. */
    public KernelOps ops() {
        return ops;
    }

    // ------------------------------------------------------------------ parameters

    /** Loads parameters from the store and resets the optimizer state. */
    public void load(VaeParameters p) {
        float[] flat = p.flat().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
        layout.toPadded(flat, params);
        Arrays.fill(adamM, 0f);
        Arrays.fill(adamV, 0f);
        adamSteps = 0;
        dirty = true;
    }

    /** Writes the current parameters into the store (same layout). */
    public void writeTo(VaeParameters p) {
        layout.toFlat(params, flatScratch);
        INDArray values = Nd4j.createFromArray(flatScratch).castTo(p.flat().dataType());
        p.flat().assign(values);
    }

    /** A buffer for {@link #snapshot}. */
    public float[] newSnapshot() {
        return new float[params.length];
    }

    /** Copies the parameters into {@code dst} (from {@link #newSnapshot}). */
    public void snapshot(float[] dst) {
        System.arraycopy(params, 0, dst, 0, params.length);
    }

    /** Restores parameters saved by {@link #snapshot} (the optimizer state is kept). */
    public void restore(float[] src) {
        System.arraycopy(src, 0, params, 0, params.length);
        dirty = true;
    }

    /** True when no parameter is NaN or infinite. */
    public boolean parametersFinite() {
        float s = 0f;
        for (float v : params) {
            s += v * 0f;
        }
        // v * 0 is 0 for finite v and NaN for NaN or Inf; one NaN makes the sum NaN.
        return s == 0f;
    }

    /** Parameter {@code i} of the flat layout (for tests). */
    float parameter(int i) {
        return params[layout.paddedIndex(i)];
    }

    /** Sets parameter {@code i} of the flat layout (for tests). */
    void setParameter(int i, float v) {
        params[layout.paddedIndex(i)] = v;
        dirty = true;
    }

    // ------------------------------------------------------------------ inputs

    /** Sets row {@code i} of the next batch. */
    public void setRow(int i, double[] row) {
        int o = i * layout.dP;
        for (int j = 0; j < layout.d; j++) {
            x[o + j] = (float) row[j];
        }
    }

    /** Sets the reparameterisation noise of the next batch: {@code rows x k}, row-major. */
    public void setNoise(float[] noise, int rows) {
        int k = layout.k;
        for (int i = 0; i < rows; i++) {
            System.arraycopy(noise, i * k, eps, i * layout.kP, k);
        }
    }

    // ------------------------------------------------------------------ training step

    /**
     * One optimizer step on the first {@code rows} rows set by {@link #setRow} and {@link
     * #setNoise}: gradient of the loss at KL weight {@code beta} with {@code freeBits}, clipped to
     * norm {@code clipNorm}, and an Adam update with learning rate {@code lr}. A non-finite loss
     * or gradient leaves the parameters unchanged ({@link StepStats#finite()} false).
     */
    public StepStats step(int rows, double beta, double freeBits, double lr, double clipNorm) {
        lossAndGradient(rows, beta, freeBits);
        double norm = 0;
        for (double c : chunkNorms) {
            norm += c;
        }
        norm = Math.sqrt(norm);
        stats.gradientNorm = norm;
        stats.finite =
                Double.isFinite(stats.reconstruction)
                        && Double.isFinite(stats.kl)
                        && Double.isFinite(norm);
        stats.clipped = false;
        if (!stats.finite) {
            return stats;
        }
        adamScale = 1f;
        if (norm > clipNorm) {
            adamScale = (float) (clipNorm / norm);
            stats.clipped = true;
        }
        adamSteps++;
        double c1 = 1 - Math.pow(ADAM_BETA1, adamSteps);
        adamC2 = (float) (1 - Math.pow(ADAM_BETA2, adamSteps));
        adamLrc1 = (float) (lr / c1);
        executor.run(chunks, adamTask);
        dirty = true;
        return stats;
    }

    /**
     * The loss and its gradient on the first {@code rows} rows without updating anything: the
     * flat-layout gradient goes to {@code flatGradient}; returns {@code -recon + beta * sum_d
     * max(freeBits, KL_d)}.
     */
    public double lossAndGradient(int rows, double beta, double freeBits, float[] flatGradient) {
        lossAndGradient(rows, beta, freeBits);
        layout.toFlat(grad, flatGradient);
        double kl = 0;
        for (double v : stats.klPerDimension) {
            kl += Math.max(freeBits, v);
        }
        return -stats.reconstruction + beta * kl;
    }

    /** The statistics of the last step or gradient. */
    public StepStats lastStats() {
        return stats;
    }

    private void lossAndGradient(int rows, double beta, double freeBits) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows: must be in [1, " + maxRows + "]: " + rows);
        }
        prepare();
        int n = shardCount(rows);
        phaseRows = rows;
        invB = (float) (1.0 / rows);
        negInvB = -invB;
        evalMode = false;
        executor.run(n, encodeTask);
        int k = layout.k;
        double klTotal = 0;
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int sh = 0; sh < n; sh++) {
                s += shards[sh].klSums[j];
            }
            stats.klPerDimension[j] = s / rows;
            klTotal += stats.klPerDimension[j];
        }
        stats.kl = klTotal;
        float scale = (float) (beta / rows);
        for (int j = 0; j < k; j++) {
            // Free bits: a dimension whose batch KL is under the floor gets no KL gradient.
            klScale[j] = stats.klPerDimension[j] >= freeBits ? scale : 0f;
        }
        executor.run(n, backwardTask);
        double r2 = 0;
        double logSigma = 0;
        int d = layout.d;
        for (int sh = 0; sh < n; sh++) {
            Shard s = shards[sh];
            for (int j = 0; j < d; j++) {
                r2 += s.r2Sums[j];
                if (sxPre != null) {
                    logSigma += s.logSums[j];
                }
            }
        }
        if (sxPre == null) {
            logSigma = logSigmaRowSum * rows;
        }
        stats.reconstruction = (-0.5 * r2 - logSigma) / rows - HALF_LOG_2PI * d;
        activeShards = n;
        executor.run(chunks, reduceTask);
    }

    private static int shardCount(int rows) {
        return (rows + SHARD_ROWS - 1) / SHARD_ROWS;
    }

    /** Transposed weights and the shared decoder sigma, after a parameter change. */
    private void prepare() {
        if (!dirty) {
            return;
        }
        layout.transpose(params, transposed);
        int d = layout.d;
        switch (variance) {
            case PER_FEATURE -> {
                System.arraycopy(params, layout.rho, rhoRow, 0, layout.dP);
                ops.softplusSigmoid(rhoRow, sigmaRow, gateRow, 0, layout.dP, sigmaMin);
            }
            case FIXED -> Arrays.fill(sigmaRow, (float) layout.config.fixedSigma());
            case HETEROSCEDASTIC -> {}
        }
        if (variance != DecoderVariance.HETEROSCEDASTIC) {
            double logs = 0;
            for (int j = 0; j < layout.dP; j++) {
                invSigmaRow[j] = j < d ? 1f / sigmaRow[j] : 0f;
                if (j < d) {
                    logs += FloatMath.log(sigmaRow[j]);
                }
            }
            logSigmaRowSum = logs;
        }
        dirty = false;
    }

    // ------------------------------------------------------------------ shard tasks

    private void encodeShard(int s) {
        int r0 = s * SHARD_ROWS;
        int n = Math.min(SHARD_ROWS, phaseRows - r0);
        int kP = layout.kP;
        encoderForward(r0, n);
        Shard sh = shards[s];
        if (evalMode) {
            ops.columnSumsAndSquares(muZ, r0 * kP, kP, n, kP, sh.muSums, sh.muSquares, 0);
        } else {
            ops.sampleLatent(muZ, sigmaZ, eps, r0 * kP, z, r0 * kP, n * kP);
        }
        ops.log(sigmaZ, r0 * kP, n * kP, logSigmaZ, r0 * kP);
        ops.klColumnSums(muZ, sigmaZ, logSigmaZ, r0 * kP, n, kP, sh.klSums, 0);
    }

    private void encoderForward(int r0, int n) {
        VaeLayout l = layout;
        float[] in = x;
        int inP = l.dP;
        for (int i = 0; i < l.enc.length; i++) {
            VaeLayout.Dense e = l.enc[i];
            dense(in, r0, inP, n, e, encPre[i]);
            ops.activate(act, encPre[i], encAct[i], encDeriv[i], r0 * e.outP, n * e.outP);
            in = encAct[i];
            inP = e.outP;
        }
        dense(in, r0, inP, n, l.encMu, muZ);
        dense(in, r0, inP, n, l.encSigma, sigPre);
        int kP = l.kP;
        ops.softplusSigmoid(sigPre, sigmaZ, gateZ, r0 * kP, n * kP, ENCODER_SIGMA_MIN);
    }

    /** Rows {@code r0 .. r0+n} of {@code out = in W + b} for one layer. */
    private void dense(float[] in, int r0, int inP, int n, VaeLayout.Dense l, float[] out) {
        ops.gemm(in, r0 * inP, inP, 1, n, l.in, params, l.w, l.outP, out, r0 * l.outP, l.outP,
                l.outP, params, l.b, 0);
    }

    private void decoderForward(int r0, int n) {
        VaeLayout l = layout;
        float[] in = z;
        int inP = l.kP;
        for (int i = 0; i < l.dec.length; i++) {
            VaeLayout.Dense e = l.dec[i];
            dense(in, r0, inP, n, e, decPre[i]);
            ops.activate(act, decPre[i], decAct[i], decDeriv[i], r0 * e.outP, n * e.outP);
            in = decAct[i];
            inP = e.outP;
        }
        dense(in, r0, inP, n, l.decMu, muX);
        if (sxPre != null) {
            dense(in, r0, inP, n, l.decSigma, sxPre);
            ops.softplusSigmoid(sxPre, sigmaX, gateX, r0 * l.dP, n * l.dP, sigmaMin);
        }
    }

    /** Gaussian output, its loss sums and the gradients at mu_x and sigma_x. */
    private void output(int r0, int n, Shard sh) {
        int dP = layout.dP;
        if (sxPre != null) {
            ops.gaussianOutputPerRow(
                    x, muX, sigmaX, gateX, r0 * dP, n, dP, mask, negInvB, invB, sh.dMuX, sh.dSx,
                    0, sh.r2Sums, 0);
            // log sigma into the shard's scratch (the IWAE log-weights reuse it).
            ops.log(sigmaX, r0 * dP, n * dP, sh.bufB, 0);
            ops.columnSums(sh.bufB, 0, dP, n, dP, sh.logSums, 0);
        } else {
            ops.gaussianOutputShared(
                    x, muX, r0 * dP, n, dP, invSigmaRow, negInvB, invB, sh.dMuX, 0, sh.r2Sums,
                    variance == DecoderVariance.PER_FEATURE ? sh.dSigSums : null, 0);
        }
    }

    private void backwardShard(int s) {
        VaeLayout l = layout;
        int r0 = s * SHARD_ROWS;
        int n = Math.min(SHARD_ROWS, phaseRows - r0);
        Shard sh = shards[s];
        decoderForward(r0, n);
        output(r0, n, sh);
        int dP = l.dP;
        int kP = l.kP;
        // Decoder heads.
        float[] hIn = l.dec.length == 0 ? z : decAct[l.dec.length - 1];
        int hP = l.decMu.inP;
        weightGradient(hIn, r0, hP, n, l.decMu, sh.dMuX, sh.grad);
        float[] cur = sh.bufA;
        float[] other = sh.bufB;
        ops.gemm(sh.dMuX, 0, dP, 1, n, l.d, transposed, l.decMu.t, hP, cur, 0, hP, hP, null, 0, 0);
        if (sxPre != null) {
            weightGradient(hIn, r0, hP, n, l.decSigma, sh.dSx, sh.grad);
            ops.gemm(sh.dSx, 0, dP, 1, n, l.d, transposed, l.decSigma.t, hP, cur, 0, hP, hP, cur,
                    0, hP);
        } else if (variance == DecoderVariance.PER_FEATURE) {
            for (int j = 0; j < dP; j++) {
                sh.grad[l.rho + j] = sh.dSigSums[j] * gateRow[j];
            }
        }
        // Decoder hidden layers, last to first; the last dIn is dL/dz.
        for (int i = l.dec.length - 1; i >= 0; i--) {
            VaeLayout.Dense e = l.dec[i];
            ops.activationGradient(act, decDeriv[i], decAct[i], r0 * e.outP, cur, 0, n * e.outP);
            float[] in = i == 0 ? z : decAct[i - 1];
            weightGradient(in, r0, e.inP, n, e, cur, sh.grad);
            ops.gemm(cur, 0, e.outP, 1, n, e.out, transposed, e.t, e.inP, other, 0, e.inP, e.inP,
                    null, 0, 0);
            float[] t = cur;
            cur = other;
            other = t;
        }
        float[] dZ = cur;
        ops.latentGradient(muZ, sigmaZ, gateZ, eps, r0 * kP, dZ, 0, klScale, n, kP, sh.dMuZ,
                sh.dSigPre);
        // Encoder heads.
        float[] eIn = l.enc.length == 0 ? x : encAct[l.enc.length - 1];
        int eP = l.encMu.inP;
        weightGradient(eIn, r0, eP, n, l.encMu, sh.dMuZ, sh.grad);
        weightGradient(eIn, r0, eP, n, l.encSigma, sh.dSigPre, sh.grad);
        if (l.enc.length == 0) {
            return;
        }
        cur = other;
        other = dZ;
        ops.gemm(sh.dMuZ, 0, kP, 1, n, l.k, transposed, l.encMu.t, eP, cur, 0, eP, eP, null, 0, 0);
        ops.gemm(sh.dSigPre, 0, kP, 1, n, l.k, transposed, l.encSigma.t, eP, cur, 0, eP, eP, cur,
                0, eP);
        for (int i = l.enc.length - 1; i >= 0; i--) {
            VaeLayout.Dense e = l.enc[i];
            ops.activationGradient(act, encDeriv[i], encAct[i], r0 * e.outP, cur, 0, n * e.outP);
            float[] in = i == 0 ? x : encAct[i - 1];
            weightGradient(in, r0, e.inP, n, e, cur, sh.grad);
            if (i > 0) {
                ops.gemm(cur, 0, e.outP, 1, n, e.out, transposed, e.t, e.inP, other, 0, e.inP,
                        e.inP, null, 0, 0);
                float[] t = cur;
                cur = other;
                other = t;
            }
        }
    }

    /**
     * A shard's {@code dW = in^T dOut} and {@code db = column sums of dOut}, written (not added)
     * into its gradient buffer.
     */
    private void weightGradient(
            float[] in, int r0, int inP, int n, VaeLayout.Dense l, float[] dOut, float[] g) {
        ops.gemm(in, r0 * inP, 1, inP, l.in, n, dOut, 0, l.outP, g, l.w, l.outP, l.outP, null, 0,
                0);
        ops.columnSums(dOut, 0, l.outP, n, l.outP, g, l.b);
    }

    /** Sums the shards' gradients in shard order and the chunk's squared norm. */
    private void reduceChunk(int c) {
        int from = c * REDUCE_CHUNK;
        int len = Math.min(REDUCE_CHUNK, grad.length - from);
        System.arraycopy(shards[0].grad, from, grad, from, len);
        for (int s = 1; s < activeShards; s++) {
            ops.add(shards[s].grad, from, grad, from, len);
        }
        chunkNorms[c] = squaredNorm(grad, from, len);
    }

    /** Sum of squares in double, four interleaved partial sums, in a fixed order. */
    static double squaredNorm(float[] v, int from, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        int end = from + len;
        for (; i + 3 < end; i += 4) {
            double a = v[i];
            double b = v[i + 1];
            double c = v[i + 2];
            double d = v[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < end; i++) {
            double a = v[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private void adamChunk(int c) {
        int from = c * REDUCE_CHUNK;
        int len = Math.min(REDUCE_CHUNK, grad.length - from);
        ops.adam(
                params,
                adamM,
                adamV,
                grad,
                from,
                len,
                adamScale,
                (float) ADAM_BETA1,
                (float) (1 - ADAM_BETA1),
                (float) ADAM_BETA2,
                (float) (1 - ADAM_BETA2),
                adamC2,
                (float) ADAM_EPSILON,
                adamLrc1);
    }

    // ------------------------------------------------------------------ evaluation

    /** Supplies evaluation noise. */
    @FunctionalInterface
    public interface NoiseSource {
        /**
         * Fills {@code buf} with the noise of rows {@code first .. first+rows}: {@code rows x
         * samples x k} standard normal values, row-major.
         */
        void fill(float[] buf, int first, int rows);
    }

    /** Receives the importance log-weights of each chunk of rows. */
    @FunctionalInterface
    public interface LogWeights {
        /**
         * {@code logw[i * samples + s] = log p(x_i | z_is) + log p(z_is) - log q(z_is | x_i)} for
         * the {@code rows} rows of the chunk.
         */
        void accept(double[] logw, int rows, int samples);
    }

    /**
     * The cheap per-epoch figures: {@link #evaluate(double[][], int, NoiseSource, LogWeights,
     * int)} with fixed noise ({@code rows.length x samples x k}, row-major; pass the same noise
     * every time to compare epochs on equal terms), without importance weights.
     */
    public EvalStats evaluate(double[][] rows, float[] noise, int samples) {
        int per = samples * layout.k;
        return evaluate(
                rows,
                samples,
                (buf, first, n) -> System.arraycopy(noise, first * per, buf, 0, n * per),
                null,
                0);
    }

    /**
     * Held-out figures of the current parameters on {@code rows}, in chunks of {@link #maxRows}:
     * the reconstruction term averaged over {@code samples} draws per row, the KL per dimension,
     * the variance of the posterior means and the share of decoder sigmas at the floor. With
     * {@code logWeights} non-null, each chunk's importance log-weights go to it (for the IWAE
     * bound); the posterior means and sigmas of the first {@code posteriorRows} rows are kept in
     * the result (for the mutual information).
     */
    public EvalStats evaluate(
            double[][] rows,
            int samples,
            NoiseSource noise,
            LogWeights logWeights,
            int posteriorRows) {
        prepare();
        int k = layout.k;
        int d = layout.d;
        int kP = layout.kP;
        double[] klSum = new double[k];
        double[] muSum = new double[k];
        double[] muSq = new double[k];
        int keep = Math.min(posteriorRows, rows.length);
        evalStats.posteriorMeans = new double[keep][k];
        evalStats.posteriorSigmas = new double[keep][k];
        double r2 = 0;
        double logSigma = 0;
        long floorHits = 0;
        evalMode = true;
        evalNoise = new float[maxRows * samples * k];
        evalSamples = samples;
        evalLogW = logWeights == null ? null : new double[maxRows * samples];
        evalLogSigmaZ = logWeights == null ? null : new double[maxRows];
        invB = 1f;
        negInvB = -1f;
        try {
            for (int start = 0; start < rows.length; start += maxRows) {
                int n = Math.min(maxRows, rows.length - start);
                for (int i = 0; i < n; i++) {
                    setRow(i, rows[start + i]);
                }
                noise.fill(evalNoise, start, n);
                phaseRows = n;
                int ns = shardCount(n);
                executor.run(ns, encodeTask);
                for (int s = 0; s < ns; s++) {
                    Shard sh = shards[s];
                    for (int j = 0; j < k; j++) {
                        klSum[j] += sh.klSums[j];
                        muSum[j] += sh.muSums[j];
                        muSq[j] += sh.muSquares[j];
                    }
                }
                for (int i = 0; i < n; i++) {
                    int o = i * kP;
                    if (start + i < keep) {
                        for (int j = 0; j < k; j++) {
                            evalStats.posteriorMeans[start + i][j] = muZ[o + j];
                            evalStats.posteriorSigmas[start + i][j] = sigmaZ[o + j];
                        }
                    }
                    if (evalLogW != null) {
                        double ls = 0;
                        for (int j = 0; j < k; j++) {
                            ls += logSigmaZ[o + j];
                        }
                        evalLogSigmaZ[i] = ls;
                    }
                }
                for (int sample = 0; sample < samples; sample++) {
                    evalSample = sample;
                    executor.run(ns, evalDecodeTask);
                    for (int s = 0; s < ns; s++) {
                        Shard sh = shards[s];
                        for (int j = 0; j < d; j++) {
                            r2 += sh.r2Sums[j];
                            if (sxPre != null) {
                                logSigma += sh.logSums[j];
                            }
                        }
                        floorHits += sh.floorCount;
                    }
                }
                if (logWeights != null) {
                    logWeights.accept(evalLogW, n, samples);
                }
            }
        } finally {
            evalMode = false;
            evalNoise = null;
            evalLogW = null;
            evalLogSigmaZ = null;
        }
        int total = rows.length;
        long draws = (long) total * samples;
        if (sxPre == null) {
            logSigma = logSigmaRowSum * draws;
            int hits = 0;
            for (int j = 0; j < d; j++) {
                if (sigmaRow[j] <= floorLimit) {
                    hits++;
                }
            }
            evalStats.sigmaAtFloorShare = (double) hits / d;
        } else {
            evalStats.sigmaAtFloorShare = (double) floorHits / ((double) draws * d);
        }
        evalStats.reconstruction = (-0.5 * r2 - logSigma) / draws - HALF_LOG_2PI * d;
        for (int j = 0; j < k; j++) {
            evalStats.klPerDimension[j] = klSum[j] / total;
            double mean = muSum[j] / total;
            evalStats.latentVariance[j] =
                    total > 1 ? Math.max(0, (muSq[j] - total * mean * mean) / (total - 1)) : 0;
        }
        evalStats.rows = total;
        return evalStats;
    }

    private void evalDecodeShard(int s) {
        int r0 = s * SHARD_ROWS;
        int n = Math.min(SHARD_ROWS, phaseRows - r0);
        int k = layout.k;
        int kP = layout.kP;
        int d = layout.d;
        int dP = layout.dP;
        for (int i = 0; i < n; i++) {
            int src = ((r0 + i) * evalSamples + evalSample) * k;
            System.arraycopy(evalNoise, src, eps, (r0 + i) * kP, k);
        }
        ops.sampleLatent(muZ, sigmaZ, eps, r0 * kP, z, r0 * kP, n * kP);
        decoderForward(r0, n);
        Shard sh = shards[s];
        output(r0, n, sh);
        int hits = 0;
        if (sxPre != null) {
            for (int i = 0; i < n; i++) {
                int o = (r0 + i) * dP;
                for (int j = 0; j < d; j++) {
                    if (sigmaX[o + j] <= floorLimit) {
                        hits++;
                    }
                }
            }
        }
        sh.floorCount = hits;
        if (evalLogW == null) {
            return;
        }
        // Importance log-weights: log p(x|z) + log p(z) - log q(z|x), summed per row in a fixed
        // order (the 2 pi terms of p(z) and q(z|x) cancel).
        float[] rr = sh.bufA;
        float[] ls = sh.bufB; // log sigma, from output()
        ops.residualSquares(x, muX, sigmaX, invSigmaRow, r0 * dP, n, dP, rr, 0);
        for (int i = 0; i < n; i++) {
            int o = i * dP;
            double lp = 0;
            for (int j = 0; j < d; j++) {
                lp += -0.5 * rr[o + j] - (sxPre != null ? ls[o + j] : 0);
            }
            if (sxPre == null) {
                lp -= logSigmaRowSum;
            }
            lp -= HALF_LOG_2PI * d;
            int oz = (r0 + i) * kP;
            double lpz = 0;
            double lqz = -evalLogSigmaZ[r0 + i];
            for (int j = 0; j < k; j++) {
                double zz = z[oz + j];
                double e = eps[oz + j];
                lpz += -0.5 * zz * zz;
                lqz += -0.5 * e * e;
            }
            evalLogW[(r0 + i) * evalSamples + evalSample] = lp + lpz - lqz;
        }
    }

    @Override
    public void close() {
        executor.close();
    }
}

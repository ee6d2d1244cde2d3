package io.vaeanomaly.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Gaussian VAE on ND4J: batched forward pass and hand-written backward pass of the negative
 * ELBO. The model holds no training state; {@link io.vaeanomaly.train.Trainer} owns the optimizer.
 *
 * <p>Every call works on a whole batch: ND4J pays tens of microseconds per op, so per-row calls
 * would cost more than the arithmetic.
 */
public final class Vae {
    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final VaeConfig config;
    private final VaeParameters params;

    public Vae(VaeConfig config, VaeParameters params) {
        NdRuntime.configure();
        this.config = config;
        this.params = params;
    }

    public VaeConfig config() {
        return config;
    }

    public VaeParameters parameters() {
        return params;
    }

    /** A model with a deep copy of the parameters. */
    public Vae copy() {
        return new Vae(config, params.copy());
    }

    /** Intermediate values of one encoder pass, kept for the backward pass. */
    public static final class EncoderPass {
        final List<INDArray> pre = new ArrayList<>();
        final List<INDArray> act = new ArrayList<>();
        INDArray sigmaPre;
        /** Posterior means {@code [B, k]}. */
        public INDArray muZ;
        /** Posterior standard deviations {@code [B, k]}. */
        public INDArray sigmaZ;
    }

    /** Intermediate values of one decoder pass. */
    public static final class DecoderPass {
        final List<INDArray> pre = new ArrayList<>();
        final List<INDArray> act = new ArrayList<>();
        INDArray sigmaPre;
        /** Decoder means {@code [B, d]}. */
        public INDArray muX;
        /**
         * Decoder standard deviations: {@code [B, d]} when heteroscedastic, else {@code [1, d]}
         * (shared by every row).
         */
        public INDArray sigmaX;
    }

    /** Runs the encoder on {@code x [B, d]}. */
    public EncoderPass encode(INDArray x) {
        EncoderPass p = new EncoderPass();
        INDArray h = x;
        int[] enc = config.encoderHidden();
        for (int i = 0; i < enc.length; i++) {
            INDArray pre = dense(h, "enc." + i);
            h = config.activation().apply(pre);
            p.pre.add(pre);
            p.act.add(h);
        }
        p.act.add(0, x);
        p.muZ = dense(h, "enc.mu");
        p.sigmaPre = dense(h, "enc.sigma");
        p.sigmaZ = Transforms.softPlus(p.sigmaPre, true).addi(VaeConfig.ENCODER_SIGMA_MIN);
        return p;
    }

    /** Runs the decoder on {@code z [N, k]}. */
    public DecoderPass decode(INDArray z) {
        DecoderPass p = new DecoderPass();
        INDArray h = z;
        p.act.add(z);
        int[] dec = config.decoderHidden();
        for (int i = 0; i < dec.length; i++) {
            INDArray pre = dense(h, "dec." + i);
            h = config.activation().apply(pre);
            p.pre.add(pre);
            p.act.add(h);
        }
        p.muX = dense(h, "dec.mu");
        switch (config.decoderVariance()) {
            case PER_FEATURE -> {
                p.sigmaPre = params.get("dec.sigma.rho");
                p.sigmaX = Transforms.softPlus(p.sigmaPre, true).addi(config.sigmaMin());
            }
            case HETEROSCEDASTIC -> {
                p.sigmaPre = dense(h, "dec.sigma");
                p.sigmaX = Transforms.softPlus(p.sigmaPre, true).addi(config.sigmaMin());
            }
            case FIXED ->
                    p.sigmaX =
                            Nd4j.valueArrayOf(
                                    new long[] {1, config.inputDim()},
                                    config.fixedSigma(),
                                    config.precision().dataType());
        }
        return p;
    }

    private INDArray dense(INDArray in, String layer) {
        return in.mmul(params.get(layer + ".W")).addiRowVector(params.get(layer + ".b"));
    }

    /** Decoder sigma per feature, as doubles, when it does not depend on the input. */
    public double[] sharedDecoderSigma() {
        if (config.decoderVariance() == DecoderVariance.HETEROSCEDASTIC) {
            throw new IllegalStateException("heteroscedastic decoder: sigma depends on the input");
        }
        return decode(Nd4j.zeros(config.precision().dataType(), 1, config.latentDim()))
                .sigmaX
                .dup()
                .data()
                .asDouble();
    }

    /**
     * Log-density {@code log N(x; mu, sigma^2)} per element, {@code [B, d]}. Finite because
     * sigma is floored.
     */
    public static INDArray gaussianLogDensity(INDArray x, INDArray mu, INDArray sigma) {
        INDArray r = x.sub(mu);
        INDArray logSigma;
        if (sigma.rows() == 1 && x.rows() != 1) {
            r.diviRowVector(sigma);
            logSigma = Transforms.log(sigma, true);
            INDArray out = r.muli(r).muli(-0.5).subi(HALF_LOG_2PI);
            return out.subiRowVector(logSigma);
        }
        r.divi(sigma);
        logSigma = Transforms.log(sigma, true);
        return r.muli(r).muli(-0.5).subi(HALF_LOG_2PI).subi(logSigma);
    }

    /** KL(q(z|x) || N(0, I)) per row and latent dimension, {@code [B, k]}. */
    public static INDArray klPerDimension(INDArray mu, INDArray sigma) {
        INDArray s2 = sigma.mul(sigma);
        return mu.mul(mu).addi(s2).subi(1.0).muli(0.5).subi(Transforms.log(sigma, true));
    }

    /** Result of one training step's forward and backward pass. */
    public record StepResult(
            LinkedHashMap<String, INDArray> gradients,
            double reconstruction,
            double kl,
            double[] klPerDimension) {}

    /**
     * Forward and backward pass of the loss {@code -mean_b log p(x_b|z_b) + beta * sum_d
     * max(lambda, KL_d)} where {@code KL_d} is the batch-mean KL of latent dimension d and {@code
     * lambda} the free-bits floor: a dimension whose batch KL is under the floor receives no KL
     * gradient, so the optimizer has no reason to push it all the way to the prior.
     *
     * @param x batch {@code [B, d]}
     * @param eps standard normal noise {@code [B, k]} for the reparameterisation {@code z = mu +
     *     sigma * eps}
     * @return gradients of the loss (mean over the batch), the mean reconstruction log-likelihood,
     *     the mean KL, and the batch-mean KL per dimension
     */
    public StepResult lossAndGradients(INDArray x, INDArray eps, double beta, double freeBits) {
        final double invB = 1.0 / x.rows();
        EncoderPass enc = encode(x);
        INDArray z = enc.sigmaZ.mul(eps).addi(enc.muZ);
        DecoderPass dec = decode(z);

        // Reconstruction term and its gradient w.r.t. mu_x and sigma_x.
        INDArray sigmaX = dec.sigmaX;
        boolean shared = sigmaX.rows() == 1 && x.rows() != 1;
        INDArray r = x.sub(dec.muX);
        INDArray invSigma = sigmaX.rdiv(1.0);
        if (shared) {
            r.muliRowVector(invSigma);
        } else {
            r.muli(invSigma);
        }
        // log p = -0.5 r^2 - log sigma - 0.5 log 2 pi
        INDArray r2 = r.mul(r);
        double logSigmaSum =
                shared
                        ? Transforms.log(sigmaX, true).sumNumber().doubleValue() * x.rows()
                        : Transforms.log(sigmaX, true).sumNumber().doubleValue();
        double recon =
                (-0.5 * r2.sumNumber().doubleValue()
                                - logSigmaSum
                                - HALF_LOG_2PI * x.rows() * x.columns())
                        * invB;

        // d(-mean log p)/d mu_x = -(x - mu)/sigma^2 / B
        INDArray dMuX = shared ? r.mulRowVector(invSigma) : r.mul(invSigma);
        dMuX.muli(-invB);
        // d(-mean log p)/d sigma_x = (1 - r^2) / sigma / B
        INDArray dSigmaX = r2.rsubi(1.0);
        if (shared) {
            dSigmaX.muliRowVector(invSigma);
        } else {
            dSigmaX.muli(invSigma);
        }
        dSigmaX.muli(invB);

        LinkedHashMap<String, INDArray> g = new LinkedHashMap<>();
        INDArray hLast = dec.act.get(dec.act.size() - 1);
        g.put("dec.mu.W", hLast.transpose().mmul(dMuX));
        g.put("dec.mu.b", dMuX.sum(true, 0));
        INDArray dH = dMuX.mmul(params.get("dec.mu.W").transpose());
        switch (config.decoderVariance()) {
            case PER_FEATURE -> {
                INDArray dRho =
                        dSigmaX.sum(true, 0).muli(Transforms.sigmoid(dec.sigmaPre, true));
                g.put("dec.sigma.rho", dRho);
            }
            case HETEROSCEDASTIC -> {
                INDArray dPre = dSigmaX.muli(Transforms.sigmoid(dec.sigmaPre, true));
                g.put("dec.sigma.W", hLast.transpose().mmul(dPre));
                g.put("dec.sigma.b", dPre.sum(true, 0));
                dH.addi(dPre.mmul(params.get("dec.sigma.W").transpose()));
            }
            case FIXED -> {}
        }
        int[] decHidden = config.decoderHidden();
        LinkedHashMap<String, INDArray> decGrads = new LinkedHashMap<>();
        for (int i = decHidden.length - 1; i >= 0; i--) {
            INDArray dPre =
                    dH.muli(config.activation().derivative(dec.pre.get(i), dec.act.get(i + 1)));
            decGrads.put("dec." + i + ".W", dec.act.get(i).transpose().mmul(dPre));
            decGrads.put("dec." + i + ".b", dPre.sum(true, 0));
            dH = dPre.mmul(params.get("dec." + i + ".W").transpose());
        }
        INDArray dZ = dH;

        // KL term with free bits, on the batch-mean KL per dimension.
        INDArray klMat = klPerDimension(enc.muZ, enc.sigmaZ);
        double[] klDim = klMat.mean(0).data().asDouble();
        double klTotal = 0;
        double[] mask = new double[klDim.length];
        for (int d = 0; d < klDim.length; d++) {
            klTotal += klDim[d];
            mask[d] = (klDim[d] >= freeBits) ? beta * invB : 0.0;
        }
        INDArray klScale = Nd4j.create(mask, new long[] {1, klDim.length}, x.dataType());
        // dKL/dmu = mu ; dKL/dsigma = sigma - 1/sigma
        INDArray dMuZ = enc.muZ.mulRowVector(klScale).addi(dZ);
        INDArray dSigmaZ =
                enc.sigmaZ.sub(enc.sigmaZ.rdiv(1.0)).muliRowVector(klScale).addi(dZ.mul(eps));
        INDArray dSigmaPre = dSigmaZ.muli(Transforms.sigmoid(enc.sigmaPre, true));

        INDArray hEnc = enc.act.get(enc.act.size() - 1);
        LinkedHashMap<String, INDArray> encGrads = new LinkedHashMap<>();
        encGrads.put("enc.mu.W", hEnc.transpose().mmul(dMuZ));
        encGrads.put("enc.mu.b", dMuZ.sum(true, 0));
        encGrads.put("enc.sigma.W", hEnc.transpose().mmul(dSigmaPre));
        encGrads.put("enc.sigma.b", dSigmaPre.sum(true, 0));
        int[] encHidden = config.encoderHidden();
        if (encHidden.length > 0) {
            INDArray dA =
                    dMuZ.mmul(params.get("enc.mu.W").transpose())
                            .addi(dSigmaPre.mmul(params.get("enc.sigma.W").transpose()));
            for (int i = encHidden.length - 1; i >= 0; i--) {
                INDArray dPre =
                        dA.muli(config.activation().derivative(enc.pre.get(i), enc.act.get(i + 1)));
                encGrads.put("enc." + i + ".W", enc.act.get(i).transpose().mmul(dPre));
                encGrads.put("enc." + i + ".b", dPre.sum(true, 0));
                if (i > 0) {
                    dA = dPre.mmul(params.get("enc." + i + ".W").transpose());
                }
            }
        }

        // Return gradients in parameter order.
        LinkedHashMap<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : params.names()) {
            INDArray v = g.get(name);
            if (v == null) {
                v = decGrads.get(name);
            }
            if (v == null) {
                v = encGrads.get(name);
            }
            if (v == null) {
                throw new IllegalStateException("no gradient computed for " + name);
            }
            ordered.put(name, v);
        }
        return new StepResult(ordered, recon, klTotal, klDim);
    }

    /**
     * The scalar loss that {@link #lossAndGradients} differentiates, for gradient checks: {@code
     * -recon + beta * sum_d max(lambda, KL_d)}.
     */
    public double loss(INDArray x, INDArray eps, double beta, double freeBits) {
        EncoderPass enc = encode(x);
        INDArray z = enc.sigmaZ.mul(eps).addi(enc.muZ);
        DecoderPass dec = decode(z);
        double recon =
                gaussianLogDensity(x, dec.muX, dec.sigmaX).sumNumber().doubleValue() / x.rows();
        double[] klDim = klPerDimension(enc.muZ, enc.sigmaZ).mean(0).data().asDouble();
        double kl = 0;
        for (double k : klDim) {
            kl += Math.max(freeBits, k);
        }
        return -recon + beta * kl;
    }
}

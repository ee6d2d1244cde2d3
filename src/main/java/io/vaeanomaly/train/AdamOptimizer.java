package io.vaeanomaly.train;

import io.vaeanomaly.model.VaeParameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba 2015) over the flat parameter buffer: a few ND4J calls per step whatever the
 * number of layers.
 */
public final class AdamOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final INDArray m;
    private final INDArray v;
    private long t;

    public AdamOptimizer(VaeParameters params) {
        this(params, 0.9, 0.999, 1e-8);
    }

    public AdamOptimizer(VaeParameters params, double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = params.flat().like();
        this.v = params.flat().like();
    }

    /** Applies one update {@code params -= lr * mhat / (sqrt(vhat) + eps)} in place. */
    public void step(VaeParameters params, INDArray flatGradient, double learningRate) {
        t++;
        m.muli(beta1).addi(flatGradient.mul(1 - beta1));
        v.muli(beta2).addi(flatGradient.mul(flatGradient).muli(1 - beta2));
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        // lr * (m / c1) / (sqrt(v / c2) + eps)
        INDArray denom = Transforms.sqrt(v.div(c2), false).addi(epsilon);
        params.flat().subi(m.div(denom).muli(learningRate / c1));
    }
}

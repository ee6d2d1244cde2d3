package io.vaeanomaly.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hidden-layer activations, each with the derivative the backward pass needs. */
public enum Activation {
    TANH {
        @Override
        public INDArray apply(INDArray pre) {
            return Transforms.tanh(pre, true);
        }

        @Override
        public INDArray derivative(INDArray pre, INDArray out) {
            // 1 - tanh^2, from the stored output so tanh is not evaluated twice.
            return out.mul(out).rsubi(1.0);
        }
    },
    RELU {
        @Override
        public INDArray apply(INDArray pre) {
            return Transforms.relu(pre, true);
        }

        @Override
        public INDArray derivative(INDArray pre, INDArray out) {
            return pre.gt(0.0).castTo(pre.dataType());
        }
    },
    SOFTPLUS {
        @Override
        public INDArray apply(INDArray pre) {
            return Transforms.softPlus(pre, true);
        }

        @Override
        public INDArray derivative(INDArray pre, INDArray out) {
            return Transforms.sigmoid(pre, true);
        }
    };

    /** Applies the activation to a copy of {@code pre}. */
    public abstract INDArray apply(INDArray pre);

    /** Elementwise derivative at {@code pre}, given {@code out = apply(pre)}. */
    public abstract INDArray derivative(INDArray pre, INDArray out);

    /** Parses a config name such as {@code tanh}. */
    public static Activation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "activation: unknown value '" + name + "', expected tanh, relu or softplus");
        }
    }
}

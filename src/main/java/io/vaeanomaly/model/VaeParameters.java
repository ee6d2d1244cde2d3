package io.vaeanomaly.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The named weight tensors of a {@link Vae}, in a fixed order. Names follow the layer structure:
 * {@code enc.<i>.W/b}, {@code enc.mu.W/b}, {@code enc.sigma.W/b}, {@code dec.<i>.W/b}, {@code
 * dec.mu.W/b}, and {@code dec.sigma.rho} (per-feature) or {@code dec.sigma.W/b}
 * (heteroscedastic). Weight matrices are {@code [in, out]}, biases {@code [1, out]}.
 */
public final class VaeParameters {
    private final LinkedHashMap<String, INDArray> tensors;
    /**
     * All tensors are views into this one row vector, so the optimizer updates every parameter
     * with a handful of ND4J calls instead of a handful per tensor.
     */
    private final INDArray flat;

    private VaeParameters(LinkedHashMap<String, long[]> shapes, INDArray flat) {
        this.flat = flat;
        this.tensors = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = e.getValue()[0] * e.getValue()[1];
            INDArray view =
                    flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue());
            tensors.put(e.getKey(), view);
            offset += n;
        }
        if (offset != flat.length()) {
            throw new IllegalStateException("flat buffer length " + flat.length() + " != " + offset);
        }
    }

    private static VaeParameters of(
            LinkedHashMap<String, long[]> shapes, double[] values, DataType type) {
        return new VaeParameters(shapes, Nd4j.create(values, new long[] {values.length}, type));
    }

    /** The parameter names and shapes that {@code config} requires, in order. */
    public static LinkedHashMap<String, long[]> shapes(VaeConfig config) {
        LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
        int in = config.inputDim();
        int[] enc = config.encoderHidden();
        for (int i = 0; i < enc.length; i++) {
            addDense(s, "enc." + i, in, enc[i]);
            in = enc[i];
        }
        addDense(s, "enc.mu", in, config.latentDim());
        addDense(s, "enc.sigma", in, config.latentDim());
        in = config.latentDim();
        int[] dec = config.decoderHidden();
        for (int i = 0; i < dec.length; i++) {
            addDense(s, "dec." + i, in, dec[i]);
            in = dec[i];
        }
        addDense(s, "dec.mu", in, config.inputDim());
        switch (config.decoderVariance()) {
            case PER_FEATURE -> s.put("dec.sigma.rho", new long[] {1, config.inputDim()});
            case HETEROSCEDASTIC -> addDense(s, "dec.sigma", in, config.inputDim());
            case FIXED -> {}
        }
        return s;
    }

    private static void addDense(Map<String, long[]> s, String name, int in, int out) {
        s.put(name + ".W", new long[] {in, out});
        s.put(name + ".b", new long[] {1, out});
    }

    /**
     * Glorot-uniform weights, zero biases, from a seeded generator in plain Java so that the same
     * seed gives bit-identical parameters whatever ND4J's own random state is.
     */
    public static VaeParameters initialise(VaeConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LinkedHashMap<String, long[]> shapes = shapes(config);
        double[] all = new double[(int) totalSize(shapes)];
        int offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = (int) (shape[0] * shape[1]);
            double[] v = new double[n];
            if (name.endsWith(".W")) {
                double limit = Math.sqrt(6.0 / (shape[0] + shape[1]));
                for (int i = 0; i < n; i++) {
                    v[i] = (2 * rnd.nextDouble() - 1) * limit;
                }
            } else if (name.equals("enc.sigma.b")) {
                // Start with a posterior narrower than the prior (sigma 0.5): a posterior equal to
                // the prior at step 0 is exactly the collapsed state we want to stay away from.
                java.util.Arrays.fill(v, inverseSoftplus(0.5));
            } else if (name.equals("dec.sigma.rho") || name.equals("dec.sigma.b")) {
                // Data is normalised, so sigma_x = 1 is the neutral start.
                java.util.Arrays.fill(v, inverseSoftplus(Math.max(1e-3, 1.0 - config.sigmaMin())));
            }
            System.arraycopy(v, 0, all, offset, n);
            offset += n;
        }
        return of(shapes, all, config.precision().dataType());
    }

    private static long totalSize(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            n += s[0] * s[1];
        }
        return n;
    }

    /** Builds parameters from plain arrays (persistence); checks names and shapes. */
    public static VaeParameters fromArrays(VaeConfig config, Map<String, double[]> values) {
        LinkedHashMap<String, long[]> shapes = shapes(config);
        double[] all = new double[(int) totalSize(shapes)];
        int offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            double[] v = values.get(e.getKey());
            long[] shape = e.getValue();
            if (v == null) {
                throw new IllegalArgumentException("missing parameter tensor '" + e.getKey() + "'");
            }
            if (v.length != shape[0] * shape[1]) {
                throw new IllegalArgumentException(
                        "parameter '"
                                + e.getKey()
                                + "' has "
                                + v.length
                                + " values, expected "
                                + shape[0] * shape[1]);
            }
            System.arraycopy(v, 0, all, offset, v.length);
            offset += v.length;
        }
        if (values.size() != shapes.size()) {
            List<String> extra = new ArrayList<>(values.keySet());
            extra.removeAll(shapes.keySet());
            throw new IllegalArgumentException("unexpected parameter tensors " + extra);
        }
        return of(shapes, all, config.precision().dataType());
    }

    /** Row-major values of every tensor as doubles, in order. */
    public LinkedHashMap<String, double[]> toArrays() {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.dup('c').data().asDouble()));
        return out;
    }

    public INDArray get(String name) {
        INDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public Map<String, INDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** A deep copy. */
    public VaeParameters copy() {
        return new VaeParameters(shapesOf(), flat.dup());
    }

    /** Zero tensors of the same shapes (optimizer moments, gradient accumulators). */
    public VaeParameters zerosLike() {
        return new VaeParameters(shapesOf(), Nd4j.zeros(flat.dataType(), flat.length()));
    }

    /** Overwrites these values with {@code other}'s (same layout). */
    public void assign(VaeParameters other) {
        flat.assign(other.flat);
    }

    /** Copies named tensors (same names and shapes) into this buffer. */
    public void assign(Map<String, INDArray> named) {
        named.forEach((k, v) -> get(k).assign(v));
    }

    /**
     * The single row vector that backs every tensor. Writing to it writes the parameters; used by
     * the optimizer.
     */
    public INDArray flat() {
        return flat;
    }

    private LinkedHashMap<String, long[]> shapesOf() {
        LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
        tensors.forEach((k, v) -> s.put(k, v.shape()));
        return s;
    }

    /** True when no tensor holds NaN or Inf. */
    public boolean isFinite() {
        // NaN and Inf propagate through a sum; one reduction checks everything.
        return Double.isFinite(flat.sumNumber().doubleValue());
    }

    /** Total number of scalar parameters. */
    public long count() {
        return flat.length();
    }

    static double inverseSoftplus(double y) {
        return y > 30 ? y : Math.log(Math.expm1(y));
    }
}

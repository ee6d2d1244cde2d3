package io.vaeanomaly.threshold;

import io.vaeanomaly.persist.ThresholdMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/** Seeded generators and serialisation helpers for the threshold tests. */
final class TestData {
    private TestData() {
    }

    /** Log-probs whose negation (the loss) is Exp(1): P(loss > z) = exp(-z). */
    static double[] exponentialLossLogProbs(Random rnd, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.log1p(-rnd.nextDouble());
        }
        return out;
    }

    static double[] gaussian(Random rnd, int n, double mean, double std) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = mean + std * rnd.nextGaussian();
        }
        return out;
    }

    static Threshold roundTrip(Threshold t) throws IOException {
        return ThresholdMapper.read(new DataInputStream(new ByteArrayInputStream(bytes(t))));
    }

    static byte[] bytes(Threshold t) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ThresholdMapper.write(t, new DataOutputStream(bos));
        return bos.toByteArray();
    }
}

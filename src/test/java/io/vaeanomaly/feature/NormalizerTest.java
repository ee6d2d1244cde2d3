package io.vaeanomaly.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vaeanomaly.persist.FeatureStateMapper;
import io.vaeanomaly.persist.StateFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizerTest {
    private static double[][] randomData(long seed, int n, double[] offset, double[] spread) {
        Random rnd = new Random(seed);
        double[][] rows = new double[n][offset.length];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = offset[j] + spread[j] * rnd.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void matchesTwoPassMeanAndStd() {
        double[] offset = {0, -3, 1000, 1e6, 0.001};
        double[] spread = {1, 0.01, 50, 2, 1e-3};
        double[][] rows = randomData(7, 5000, offset, spread);
        Normalizer norm = new Normalizer(offset.length);
        norm.updateAll(rows);

        for (int j = 0; j < offset.length; j++) {
            double mean = 0;
            for (double[] row : rows) {
                mean += row[j];
            }
            mean /= rows.length;
            double ss = 0;
            for (double[] row : rows) {
                ss += (row[j] - mean) * (row[j] - mean);
            }
            double std = Math.sqrt(ss / rows.length);
            assertThat(norm.mean()[j]).as("mean %d", j).isCloseTo(mean, within(1e-9));
            assertThat(norm.std()[j]).as("std %d", j).isCloseTo(std, within(1e-9));
        }
        assertThat(norm.count()).isEqualTo(5000);
    }

    @Test
    void mergeEqualsSequentialUpdates() {
        double[][] rows = randomData(11, 3001, new double[] {5, -2}, new double[] {3, 0.5});
        Normalizer all = new Normalizer(2);
        Normalizer a = new Normalizer(2);
        Normalizer b = new Normalizer(2);
        for (int i = 0; i < rows.length; i++) {
            all.update(rows[i]);
            (i < 1000 ? a : b).update(rows[i]);
        }
        a.merge(b);
        assertThat(a.count()).isEqualTo(all.count());
        for (int j = 0; j < 2; j++) {
            assertThat(a.mean()[j]).isCloseTo(all.mean()[j], within(1e-12));
            assertThat(a.std()[j]).isCloseTo(all.std()[j], within(1e-12));
        }
        Normalizer empty = new Normalizer(2);
        empty.merge(all);
        assertThat(empty.mean()).containsExactly(all.mean());
    }

    @Test
    void constantFeaturesGetScaleOneAndFiniteOutputs() {
        Normalizer norm = new Normalizer(3);
        Random rnd = new Random(3);
        for (int i = 0; i < 1000; i++) {
            // feature 1 accumulates rounding noise around a large mean; feature 2 is exactly 0
            norm.update(new double[] {rnd.nextGaussian(), 1e6 + 0.1, 0.0});
        }
        FrozenNormalizer frozen = norm.freeze();
        assertThat(frozen.scale()[1]).isEqualTo(1.0);
        assertThat(frozen.scale()[2]).isEqualTo(1.0);
        assertThat(frozen.scale()[0]).isCloseTo(1.0, within(0.1)).isNotEqualTo(1.0);
        double[] z = frozen.normalize(new double[] {0.5, 1e6 + 3.1, -2});
        assertThat(java.util.Arrays.stream(z).allMatch(Double::isFinite)).isTrue();
        assertThat(z[1]).isCloseTo(3.0, within(1e-6));
        assertThat(z[2]).isEqualTo(-2.0);
        assertThat(frozen.logDetJacobian()).isFinite();
    }

    @Test
    void freezeWithFewerThanTwoObservationsIsFinite() {
        FrozenNormalizer none = new Normalizer(2).freeze();
        assertThat(none.mean()).containsExactly(0, 0);
        assertThat(none.scale()).containsExactly(1, 1);
        assertThat(none.logDetJacobian()).isEqualTo(0.0);

        Normalizer one = new Normalizer(2);
        one.update(new double[] {4, -1});
        FrozenNormalizer f = one.freeze();
        assertThat(f.mean()).containsExactly(4, -1);
        assertThat(f.scale()).containsExactly(1, 1);
        assertThat(f.normalize(new double[] {5, -1})).containsExactly(1, 0);
    }

    @Test
    void rejectsNonFiniteAndWrongLengthWithoutChangingState() {
        Normalizer norm = new Normalizer(2);
        norm.update(new double[] {1, 2});
        Normalizer before = norm.copy();
        assertThatThrownBy(() -> norm.update(new double[] {3, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x[1]");
        assertThatThrownBy(() -> norm.update(new double[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2");
        assertThat(norm).isEqualTo(before);
        assertThatThrownBy(() -> new Normalizer(0)).hasMessageContaining("dimension");
    }

    @Test
    void normalizeAndDenormalizeAreInverse() {
        FrozenNormalizer f = FrozenNormalizer.of(new double[] {10, -1}, new double[] {2, 0.5});
        double[][] rows = {{12, -1}, {10, 0}, {0, 3}};
        double[][] z = f.normalize(rows);
        assertThat(z[0]).containsExactly(1, 0);
        assertThat(z[1]).containsExactly(0, 2);
        double[][] back = f.denormalize(z);
        for (int i = 0; i < rows.length; i++) {
            assertThat(back[i]).containsExactly(rows[i]);
        }
        double[] inPlace = {12, -1};
        f.normalize(inPlace, inPlace);
        assertThat(inPlace).containsExactly(1, 0);
        assertThatThrownBy(() -> f.normalize(new double[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrozenNormalizer.of(new double[] {0}, new double[] {0}))
                .hasMessageContaining("scale[0]");
    }

    @Test
    void logDetJacobianConvertsDensitiesBetweenSpaces() {
        double mean = 3;
        double std = 0.25;
        FrozenNormalizer f = FrozenNormalizer.of(new double[] {mean}, new double[] {std});
        double x = 3.4;
        double z = f.normalize(new double[] {x})[0];
        double logStdNormal = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
        double logRaw = -0.5 * Math.pow((x - mean) / std, 2) - Math.log(std)
                - 0.5 * Math.log(2 * Math.PI);
        assertThat(logStdNormal + f.logDetJacobian()).isCloseTo(logRaw, within(1e-12));
    }

    @Test
    void bothNormalizersRoundTripExactly() throws IOException {
        Normalizer norm = new Normalizer(4);
        norm.updateAll(randomData(5, 200, new double[] {1, 2, 3, 4}, new double[] {1, 0, 2, 1e-3}));
        Normalizer back = FeatureStateMapper.readNormalizer(
                input(bytes(out -> FeatureStateMapper.write(norm, out))));
        assertThat(back).isEqualTo(norm).hasSameHashCodeAs(norm);
        assertThat(back.std()).containsExactly(norm.std());

        FrozenNormalizer frozen = norm.freeze();
        FrozenNormalizer frozenBack = FeatureStateMapper.readFrozenNormalizer(
                input(bytes(out -> FeatureStateMapper.write(frozen, out))));
        assertThat(frozenBack).isEqualTo(frozen).hasSameHashCodeAs(frozen);
        assertThat(frozenBack.logDetJacobian()).isEqualTo(frozen.logDetJacobian());

        // The state keeps learning identically after a restore.
        double[] x = {0.3, 2, 7, 4.001};
        norm.update(x);
        back.update(x);
        assertThat(back).isEqualTo(norm);
    }

    @Test
    void readFromRejectsOtherRecords() throws IOException {
        byte[] frozen = bytes(out -> FeatureStateMapper.write(FrozenNormalizer.identity(2), out));
        assertThatThrownBy(() -> FeatureStateMapper.readNormalizer(input(frozen)))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("expected a normaliser record (type tag 78), found type tag 70");
        byte[] badVersion = frozen.clone();
        badVersion[1] = 99;
        assertThatThrownBy(() -> FeatureStateMapper.readFrozenNormalizer(input(badVersion)))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("frozen normaliser: unsupported format version 99 (this build reads"
                        + " version 1)");
        byte[] truncated = java.util.Arrays.copyOf(frozen, frozen.length - 1);
        assertThatThrownBy(() -> FeatureStateMapper.readFrozenNormalizer(input(truncated)))
                .isInstanceOf(StateFormatException.class)
                .hasMessage("frozen normaliser v1: truncated");
    }

    interface Writer {
        void write(java.io.DataOutput out) throws IOException;
    }

    static byte[] bytes(Writer w) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        w.write(new DataOutputStream(bos));
        return bos.toByteArray();
    }

    static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}

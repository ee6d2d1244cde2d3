package io.vaeanomaly.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.persist.FeatureStateMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ShinglerTest {
    private static double[] step(int t) {
        return new double[] {t, 100 + t};
    }

    @Test
    void windowsHoldTheLastWidthStepsOldestFirst() {
        Shingler s = new Shingler(3, 2);
        assertThat(s.offer(step(1))).isFalse();
        assertThat(s.offer(step(2))).isFalse();
        assertThatThrownBy(s::current).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 of 3");
        assertThat(s.offer(step(3))).isTrue();
        assertThat(s.current()).containsExactly(1, 101, 2, 102, 3, 103);
        assertThat(s.offer(step(4))).isTrue();
        assertThat(s.offer(step(5))).isTrue();
        assertThat(s.current()).containsExactly(3, 103, 4, 104, 5, 105);
        assertThat(s.outputDim()).isEqualTo(6);
    }

    @Test
    void offeredArrayIsCopied() {
        Shingler s = new Shingler(1, 2);
        double[] x = {1, 2};
        s.offer(x);
        x[0] = 99;
        assertThat(s.current()).containsExactly(1, 2);
    }

    @Test
    void widthOneIsPassThrough() {
        Shingler s = new Shingler(1, 3);
        for (int t = 0; t < 4; t++) {
            double[] x = {t, -t, 2 * t};
            assertThat(s.offer(x)).isTrue();
            assertThat(s.current()).containsExactly(x);
        }
    }

    @Test
    void streamingMatchesOfflineShingles() {
        double[][] series = new double[10][];
        for (int t = 0; t < series.length; t++) {
            series[t] = step(t);
        }
        double[][] offline = Shingler.shingle(series, 4);
        assertThat(offline).hasNumberOfRows(7);
        Shingler s = new Shingler(4, 2);
        int row = 0;
        for (double[] x : series) {
            if (s.offer(x)) {
                assertThat(s.current()).containsExactly(offline[row++]);
            }
        }
        assertThat(row).isEqualTo(offline.length);
    }

    @Test
    void offlineEdgeCases() {
        assertThat(Shingler.shingle(new double[][] {{1}, {2}}, 3)).isEmpty();
        assertThat(Shingler.shingle(new double[][] {{1}, {2}}, 1))
                .isDeepEqualTo(new double[][] {{1}, {2}});
        assertThatThrownBy(() -> Shingler.shingle(new double[][] {{1}, {2, 3}}, 1))
                .hasMessageContaining("row 1");
        assertThatThrownBy(() -> Shingler.shingle(new double[][] {{1}}, 0))
                .hasMessageContaining("width");
        assertThatThrownBy(() -> new Shingler(2, 0)).hasMessageContaining("inputDim");
        assertThatThrownBy(() -> new Shingler(2, 2).offer(new double[3]))
                .hasMessageContaining("expected 2");
    }

    @Test
    void stateSurvivesACheckpointAtAnyPhase() throws IOException {
        for (int offered = 0; offered <= 7; offered++) {
            Shingler original = new Shingler(3, 2);
            for (int t = 0; t < offered; t++) {
                original.offer(step(t));
            }
            Shingler restored = FeatureStateMapper.readShingler(NormalizerTest.input(
                    NormalizerTest.bytes(out -> FeatureStateMapper.write(original, out))));
            assertThat(restored).isEqualTo(original).hasSameHashCodeAs(original);
            assertThat(restored.size()).isEqualTo(original.size());
            for (int t = offered; t < offered + 5; t++) {
                assertThat(restored.offer(step(t))).isEqualTo(original.offer(step(t)));
                if (original.isReady()) {
                    assertThat(restored.current()).containsExactly(original.current());
                }
            }
        }
    }

    @Test
    void resetAndCopy() {
        Shingler s = new Shingler(2, 1);
        s.offer(new double[] {1});
        s.offer(new double[] {2});
        Shingler c = s.copy();
        s.reset();
        assertThat(s.isReady()).isFalse();
        assertThat(c.current()).containsExactly(1, 2);
        assertThat(s).isNotEqualTo(c);
    }
}

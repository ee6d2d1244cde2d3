package io.vaeanomaly.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.Provenance;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.feature.Normalizer;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.score.Score;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    /** The golden file's model scores this row to exactly this value (recorded at creation). */
    static final double[] GOLDEN_ROW = {0.5, -1.0, 2.0, 0.0, 1.5};

    /** A small deterministic model, also used to (re)create the golden file. */
    static DetectorModel sampleModel() {
        VaeConfig cfg = VaeConfig.builder(5).hidden(6).latentDim(2).build();
        Vae vae = new Vae(cfg, VaeParameters.initialise(cfg, 99));
        Normalizer n = new Normalizer(5);
        FrozenNormalStream g = new FrozenNormalStream(1);
        double[][] rows = new double[200][5];
        for (double[] r : rows) {
            g.fill(r);
            r[1] = 3 * r[1] + 10;
        }
        n.updateAll(rows);
        double[] lp = new double[200];
        for (int i = 0; i < lp.length; i++) {
            lp[i] = -5 - Math.abs(g.next());
        }
        return new DetectorModel(
                n.freeze(),
                vae,
                ThresholdSettings.DEFAULT.calibrate(lp),
                new ScoringSettings(8, ScoreMode.LOG_MEAN_EXP, 2, 3),
                new Provenance(4, 1_700_000_000_000L, 200, "default", "CONVERGED", -7.5, -7.2, 2, 31));
    }

    @Test
    void roundTripIsExact(@TempDir Path dir) throws IOException {
        DetectorModel m = sampleModel();
        Path f = dir.resolve("m.vae");
        ModelFile.write(m, f);
        DetectorModel back = ModelFile.read(f);
        assertThat(back.vae().config()).isEqualTo(m.vae().config());
        assertThat(back.normalizer()).isEqualTo(m.normalizer());
        assertThat(back.provenance()).isEqualTo(m.provenance());
        assertThat(back.scoring()).isEqualTo(m.scoring());
        m.vae().parameters().toArrays()
                .forEach((k, v) -> assertThat(back.vae().parameters().toArrays().get(k)).as(k).containsExactly(v));
        assertThat(back.threshold().thresholdLogProb()).isEqualTo(m.threshold().thresholdLogProb());
        assertThat(ModelFile.toBytes(back)).isEqualTo(ModelFile.toBytes(m));
        Score a = m.score(new double[][] {GOLDEN_ROW})[0];
        Score b = back.score(new double[][] {GOLDEN_ROW})[0];
        assertThat(b.logProb()).isEqualTo(a.logProb());
    }

    @Test
    void goldenFileOfFormatVersion1StillReads() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/model-v1.vae")) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            golden = in.readAllBytes();
        }
        DetectorModel m = ModelFile.fromBytes(golden);
        assertThat(m.version()).isEqualTo(4);
        assertThat(m.vae().config().latentDim()).isEqualTo(2);
        assertThat(m.provenance().epochs()).isEqualTo(31);
        // The golden file was written from sampleModel(): same parameters, same score.
        DetectorModel fresh = sampleModel();
        assertThat(m.score(new double[][] {GOLDEN_ROW})[0].logProb())
                .isEqualTo(fresh.score(new double[][] {GOLDEN_ROW})[0].logProb());
        assertThat(golden).isEqualTo(ModelFile.toBytes(fresh));
    }

    @Test
    void truncatedFileIsReportedAsTruncated() {
        byte[] b = ModelFile.toBytes(sampleModel());
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(b, b.length / 2)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void flippedByteIsReportedAsCorrupt() {
        byte[] b = ModelFile.toBytes(sampleModel());
        b[b.length / 2] ^= 0x40;
        assertThatThrownBy(() -> ModelFile.fromBytes(b))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void wrongVersionIsNamed() {
        byte[] b = ModelFile.toBytes(sampleModel());
        ByteBuffer.wrap(b).putInt(8, 99);
        assertThatThrownBy(() -> ModelFile.fromBytes(b))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("version 99");
    }

    @Test
    void notAModelFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.vae");
        Files.writeString(f, "timestamp,value\n1,2\n");
        assertThatThrownBy(() -> ModelFile.read(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("x.vae")
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> ModelFile.read(dir.resolve("missing.vae")))
                .hasMessageContaining("not found");
    }

    /**
     * The normal stream the golden file was written with (Box-Muller on a seeded {@link
     * java.util.SplittableRandom}, the production generator of the time), frozen here so that the
     * committed golden file keeps describing the same model when the production generator
     * changes.
     */
    private static final class FrozenNormalStream {
        private final java.util.SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        FrozenNormalStream(long seed) {
            random = new java.util.SplittableRandom(seed);
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double r = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
            double a = 2 * Math.PI * random.nextDouble();
            spare = r * Math.sin(a);
            hasSpare = true;
            return r * Math.cos(a);
        }

        void fill(double[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = next();
            }
        }
    }

    /** Writes the golden file: run once with -Dgolden.write=DIR when the format version changes. */
    @Test
    void writeGoldenWhenAsked() throws IOException {
        String dir = System.getProperty("golden.write");
        if (dir != null) {
            Files.write(Path.of(dir, "model-v1.vae"), ModelFile.toBytes(sampleModel()));
        }
    }
}

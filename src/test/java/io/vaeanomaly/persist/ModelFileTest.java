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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    /** The golden file's model scores this row to exactly this value (recorded at creation). */
    static final double[] GOLDEN_ROW = {0.5, -1.0, 2.0, 0.0, 1.5};

    /** Feature names of the golden version-2 file. */
    static final List<String> GOLDEN_NAMES = List.of("cpu", "mem", "disk io", "net.rx", "load");

    /** A small deterministic model, also used to (re)create the golden files. */
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
        assertThat(back.featureNames()).isEmpty();
    }

    @Test
    void featureNamesRoundTrip() {
        DetectorModel m = sampleModel().withFeatureNames(GOLDEN_NAMES);
        DetectorModel back = ModelFile.fromBytes(ModelFile.toBytes(m));
        assertThat(back.featureNames()).containsExactlyElementsOf(GOLDEN_NAMES);
        // Copies and new versions keep the names.
        assertThat(back.copy().featureNames()).isEqualTo(GOLDEN_NAMES);
        assertThat(back.withVersion(9).featureNames()).isEqualTo(GOLDEN_NAMES);
    }

    @Test
    void featureNamesMustNameEveryInputOnce() {
        DetectorModel m = sampleModel();
        assertThatThrownBy(() -> m.withFeatureNames(List.of("a", "b")))
                .hasMessageContaining("input dimension 5");
        assertThatThrownBy(() -> m.withFeatureNames(List.of("a", "b", "c", "d", "a")))
                .hasMessageContaining("duplicate");
    }

    @Test
    void goldenFileOfFormatVersion1StillReads() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/model-v1.vae")) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            golden = in.readAllBytes();
        }
        assertThat(ByteBuffer.wrap(golden).getInt(8)).as("format version in the header")
                .isEqualTo(1);
        DetectorModel m = ModelFile.fromBytes(golden);
        assertThat(m.version()).isEqualTo(4);
        assertThat(m.vae().config().latentDim()).isEqualTo(2);
        assertThat(m.provenance().epochs()).isEqualTo(31);
        // Version 1 had no feature names.
        assertThat(m.featureNames()).isEmpty();
        // The golden file was written from sampleModel(): same parameters, same score.
        DetectorModel fresh = sampleModel();
        assertThat(m.score(new double[][] {GOLDEN_ROW})[0].logProb())
                .isEqualTo(fresh.score(new double[][] {GOLDEN_ROW})[0].logProb());
        // Written again, it becomes the current version with everything else unchanged.
        assertThat(ModelFile.toBytes(m)).isEqualTo(ModelFile.toBytes(fresh));
    }

    /**
     * The committed version-2 file (written once by {@link #writeGoldenWhenAsked} from
     * {@code sampleModel().withFeatureNames(GOLDEN_NAMES)}) reads back with the values stated
     * here, which were recorded from that model when the file was written: a change of the
     * layout or of the reader that loses or shifts a field fails this test.
     */
    @Test
    void goldenFileOfFormatVersion2Reads() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/model-v2.vae")) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            golden = in.readAllBytes();
        }
        ByteBuffer header = ByteBuffer.wrap(golden);
        assertThat(new String(golden, 0, 7, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("VAEANOM");
        assertThat(header.getInt(8)).as("format version in the header").isEqualTo(2);

        DetectorModel m = ModelFile.fromBytes(golden);
        assertThat(m.featureNames())
                .containsExactly("cpu", "mem", "disk io", "net.rx", "load");
        assertThat(m.inputDim()).isEqualTo(5);
        assertThat(m.vae().config().latentDim()).isEqualTo(2);
        assertThat(m.version()).isEqualTo(4);
        assertThat(m.provenance().trainedAtMs()).isEqualTo(1_700_000_000_000L);
        assertThat(m.provenance().trainingSamples()).isEqualTo(200);
        assertThat(m.provenance().recipe()).isEqualTo("default");
        assertThat(m.provenance().heldoutIwae()).isEqualTo(-7.2);
        assertThat(m.provenance().epochs()).isEqualTo(31);
        assertThat(m.scoring()).isEqualTo(new ScoringSettings(8, ScoreMode.LOG_MEAN_EXP, 2, 3));
        assertThat(m.normalizer().mean()[1]).isEqualTo(GOLDEN_V2_MEAN_1);
        assertThat(m.vae().parameters().toArrays().values().iterator().next()[0])
                .isEqualTo(GOLDEN_V2_FIRST_PARAMETER);
    }

    /** Recorded from the golden version-2 file's model when it was written. */
    private static final double GOLDEN_V2_MEAN_1 = 9.927845458260991;
    private static final double GOLDEN_V2_FIRST_PARAMETER = -0.3522428274154663;

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

    private static byte[] goldenModel(int version) throws IOException {
        try (InputStream in = ModelFileTest.class.getResourceAsStream(
                "/golden/model-v" + version + ".vae")) {
            return in.readAllBytes();
        }
    }

    /** Every cut of each golden file is an error naming the version; never a partial model. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void everyTruncationOfAGoldenFileIsReportedWithItsVersion(int version) throws IOException {
        byte[] golden = goldenModel(version);
        for (int cut = 0; cut < golden.length; cut++) {
            byte[] part = Arrays.copyOf(golden, cut);
            assertThatThrownBy(() -> ModelFile.fromBytes(part))
                    .as("cut at %d of %d", cut, golden.length)
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("truncated")
                    .satisfies(e -> {
                        if (part.length >= 12) {
                            assertThat(e.getMessage()).startsWith("model file v" + version + ":");
                        }
                    });
        }
    }

    /**
     * Every single flipped bit of each golden file is detected (magic, version, length or the
     * checksum over the payload): a clear error, never a model with one wrong parameter.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void everyFlippedBitOfAGoldenFileIsAnError(int version) throws IOException {
        byte[] golden = goldenModel(version);
        for (int pos = 0; pos < golden.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = golden.clone();
                flipped[pos] ^= (byte) (1 << bit);
                int p = pos;
                int b = bit;
                assertThatThrownBy(() -> ModelFile.fromBytes(flipped))
                        .as("bit %d of byte %d", b, p)
                        .isInstanceOf(ModelFormatException.class)
                        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("magic",
                                "unsupported model format version",
                                "model file v" + version + ": "));
            }
        }
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

    /**
     * Writes the golden file of the current format version: run once with -Dgolden.write=DIR
     * when the format version changes, commit it, and keep the older ones with their tests.
     */
    @Test
    void writeGoldenWhenAsked() throws IOException {
        String dir = System.getProperty("golden.write");
        if (dir != null) {
            DetectorModel m = sampleModel().withFeatureNames(GOLDEN_NAMES);
            Files.write(Path.of(dir, "model-v" + ModelFile.FORMAT_VERSION + ".vae"),
                    ModelFile.toBytes(m));
            System.out.println("golden mean[1] = " + m.normalizer().mean()[1]
                    + ", first parameter = "
                    + m.vae().parameters().toArrays().values().iterator().next()[0]);
        }
    }
}

package io.vaeanomaly.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaeanomaly.detect.DetectorModel;
import io.vaeanomaly.detect.Provenance;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.feature.FrozenNormalizer;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Precision;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.score.ScoreMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The versioned binary model file.
 *
 * <pre>
 * magic      8 bytes  "VAEANOM\0"
 * version    int      {@link #FORMAT_VERSION}
 * length     int      payload length
 * payload             config JSON (architecture + scoring), provenance JSON, feature names
 *                     (JSON array of strings, empty when unknown; since version 2), frozen
 *                     normaliser ({@link FeatureStateMapper}), parameter tensors (name, length,
 *                     float64 values), threshold state ({@link ThresholdMapper})
 * crc32      long     of the payload
 * </pre>
 *
 * Doubles are stored as IEEE-754 bits, so a model round-trips exactly. Any defect is reported as
 * a {@link ModelFormatException} that says what is wrong. Version 1 files (no feature names)
 * still read, as models without names; files are always written in the current version.
 */
public final class ModelFile {
    /** The version written ({@link StateType#MODEL}): 2 added the feature names. */
    public static final int FORMAT_VERSION = StateType.MODEL.currentVersion();

    /** The oldest version this build reads. */
    public static final int OLDEST_READABLE_VERSION = StateType.MODEL.oldestVersion();
    private static final byte[] MAGIC = "VAEANOM\0".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {}

    /** Serialises a model to bytes. */
    public static byte[] toBytes(DetectorModel model) {
        try {
            ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
            DataOutputStream p = new DataOutputStream(payloadBytes);
            writeString(p, JSON.writeValueAsString(configJson(model)));
            writeString(p, JSON.writeValueAsString(model.provenance()));
            writeString(p, JSON.writeValueAsString(model.featureNames()));
            FeatureStateMapper.write(model.normalizer(), p);
            LinkedHashMap<String, double[]> params = model.vae().parameters().toArrays();
            p.writeInt(params.size());
            for (Map.Entry<String, double[]> e : params.entrySet()) {
                p.writeUTF(e.getKey());
                p.writeInt(e.getValue().length);
                for (double v : e.getValue()) {
                    p.writeDouble(v);
                }
            }
            ThresholdMapper.write(model.threshold(), p);
            p.flush();
            byte[] payload = payloadBytes.toByteArray();
            ByteArrayOutputStream all = new ByteArrayOutputStream(payload.length + 32);
            DataOutputStream out = new DataOutputStream(all);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(payload.length);
            out.write(payload);
            CRC32 crc = new CRC32();
            crc.update(payload);
            out.writeLong(crc.getValue());
            out.flush();
            return all.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise model", e);
        }
    }

    /**
     * Reads a model from bytes produced by {@link #toBytes}, in any version this build reads.
     * Every error names the version once it is known ({@code "model file v2: truncated"}); no
     * model is returned unless all of it was read and the checksum matched.
     */
    public static DetectorModel fromBytes(byte[] bytes) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int version;
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ModelFormatException("not a vae-anomaly model file (bad magic bytes)");
            }
            version = in.readInt();
        } catch (EOFException e) {
            throw new ModelFormatException("truncated model file (" + bytes.length
                    + " bytes, shorter than the header)", e);
        } catch (IOException e) {
            throw new ModelFormatException("unreadable model file: " + e.getMessage(), e);
        }
        if (!StateType.MODEL.reads(version)) {
            throw new ModelFormatException("unsupported model format version " + version
                    + " (this build reads " + StateType.MODEL.readableVersions() + ")");
        }
        String what = StateType.MODEL.describe(version);
        try {
            int len = in.readInt();
            if (len < 0 || len > bytes.length) {
                throw new ModelFormatException(what + ": truncated: header announces " + len
                        + " payload bytes, file has " + bytes.length);
            }
            byte[] payload = new byte[len];
            in.readFully(payload);
            long stored = in.readLong();
            CRC32 crc = new CRC32();
            crc.update(payload);
            if (crc.getValue() != stored) {
                throw new ModelFormatException(what + ": corrupt: checksum mismatch");
            }
            if (in.available() > 0) {
                throw new ModelFormatException(what + ": corrupt: " + in.available()
                        + " unexpected bytes after the checksum");
            }
            return readPayload(new DataInputStream(new ByteArrayInputStream(payload)), version);
        } catch (ModelFormatException e) {
            throw e;
        } catch (StateFormatException e) {
            throw new ModelFormatException(what + ": corrupt: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new ModelFormatException(what + ": truncated", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(what + ": corrupt: " + e.getMessage(), e);
        }
    }

    /** Writes atomically (temp file, then move), so a crash never leaves half a model. */
    public static void write(DetectorModel model, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, toBytes(model));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a model file; a missing or bad file raises {@link ModelFormatException} naming it. */
    public static DetectorModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": model file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return fromBytes(bytes);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static DetectorModel readPayload(DataInputStream p, int version) throws IOException {
        ObjectNode cfg = (ObjectNode) JSON.readTree(readString(p));
        Provenance prov = JSON.readValue(readString(p), Provenance.class);
        List<String> names = version >= 2 ? featureNames(readString(p)) : List.of();
        VaeConfig config = configFrom(cfg);
        ScoringSettings scoring =
                new ScoringSettings(
                        cfg.path("score_samples").asInt(),
                        ScoreMode.valueOf(cfg.path("score_mode").asText()),
                        cfg.path("top_k").asInt(),
                        cfg.path("score_seed").asLong());
        FrozenNormalizer normalizer = FeatureStateMapper.readFrozenNormalizer(p);
        int n = p.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("implausible parameter tensor count " + n);
        }
        LinkedHashMap<String, double[]> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = p.readUTF();
            int len = p.readInt();
            if (len < 0 || len > 100_000_000) {
                throw new IOException("implausible length " + len + " of tensor " + name);
            }
            double[] v = new double[len];
            for (int j = 0; j < len; j++) {
                v[j] = p.readDouble();
            }
            values.put(name, v);
        }
        Vae vae = new Vae(config, VaeParameters.fromArrays(config, values));
        return new DetectorModel(normalizer, vae, ThresholdMapper.read(p), scoring, prov, names);
    }

    private static List<String> featureNames(String json) throws IOException {
        JsonNode n = JSON.readTree(json);
        if (n == null || !n.isArray()) {
            throw new IOException("feature names are not a JSON array");
        }
        List<String> names = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new IOException("a feature name is not a string: " + e);
            }
            names.add(e.asText());
        }
        return names;
    }

    private static ObjectNode configJson(DetectorModel m) {
        VaeConfig c = m.vae().config();
        ObjectNode o = JSON.createObjectNode();
        o.put("input_dim", c.inputDim());
        ArrayNode enc = o.putArray("encoder_hidden");
        Arrays.stream(c.encoderHidden()).forEach(enc::add);
        ArrayNode dec = o.putArray("decoder_hidden");
        Arrays.stream(c.decoderHidden()).forEach(dec::add);
        o.put("latent_dim", c.latentDim());
        o.put("activation", c.activation().name());
        o.put("decoder_variance", c.decoderVariance().name());
        o.put("sigma_min", c.sigmaMin());
        o.put("fixed_sigma", c.fixedSigma());
        o.put("precision", c.precision().name());
        o.put("score_samples", m.scoring().samples());
        o.put("score_mode", m.scoring().mode().name());
        o.put("top_k", m.scoring().topK());
        o.put("score_seed", m.scoring().seed());
        return o;
    }

    private static VaeConfig configFrom(ObjectNode o) {
        return VaeConfig.builder(o.path("input_dim").asInt())
                .encoderHidden(ints((ArrayNode) o.path("encoder_hidden")))
                .decoderHidden(ints((ArrayNode) o.path("decoder_hidden")))
                .latentDim(o.path("latent_dim").asInt())
                .activation(Activation.valueOf(o.path("activation").asText()))
                .decoderVariance(DecoderVariance.valueOf(o.path("decoder_variance").asText()))
                .sigmaMin(o.path("sigma_min").asDouble())
                .fixedSigma(o.path("fixed_sigma").asDouble())
                .precision(Precision.valueOf(o.path("precision").asText()))
                .build();
    }

    private static int[] ints(ArrayNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 1 << 24) {
            throw new IOException("implausible string length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}

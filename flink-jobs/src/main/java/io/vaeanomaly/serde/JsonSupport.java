package io.vaeanomaly.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Shared JSON plumbing of the record codecs. */
final class JsonSupport {
    private JsonSupport() {}

    /**
     * The record writers' mapper. Doubles are written by Jackson's Schubfach writer rather than
     * Java 17's {@code Double.toString}, which took about a third of the scores sink's CPU
     * (JFR, {@code bench-e2e}); both give digits that read back as the same double.
     */
    static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Writes one JSON document with {@code body}. */
    interface Body {
        void write(JsonGenerator g, Output out) throws IOException;
    }

    /**
     * Where a document is written: a buffer that each thread reuses from record to record (a
     * record writer runs on one task thread), so that writing a record allocates its result
     * and little else.
     */
    static final class Output extends ByteArrayOutputStream {
        private static final int KEEP_BYTES = 1 << 20;
        private boolean busy;

        Output() {
            super(4096);
        }

        /**
         * Writes {@code json} as the value of the field {@code g} has just named, byte for byte:
         * the caller vouches that it is one valid, compact JSON value.
         */
        void writeRawValue(JsonGenerator g, byte[] json) throws IOException {
            g.writeRawValue(""); // the separator, and the generator's state: a value written
            g.flush();
            write(json, 0, json.length);
        }

        /** Drops a buffer that one huge record grew, instead of keeping it for the thread. */
        void recycle() {
            reset();
            if (buf.length > KEEP_BYTES) {
                buf = new byte[4096];
            }
        }
    }

    private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);

    static byte[] write(Body body) {
        Output shared = OUTPUT.get();
        // A body that writes another document meanwhile gets a buffer of its own.
        Output out = shared.busy ? new Output() : shared;
        out.recycle();
        out.busy = true;
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g, out);
        } catch (IOException e) {
            // Writing to memory cannot fail for I/O reasons.
            throw new UncheckedIOException(e);
        } finally {
            out.busy = false;
        }
        return out.toByteArray();
    }

    static JsonNode read(byte[] value, String what) {
        try {
            JsonNode n = MAPPER.readTree(value);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(what + ": expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    static long epochMs(JsonNode n, String field) {
        try {
            return Instant.parse(text(n, field)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": not an ISO-8601 instant");
        }
    }

    static void writeSource(JsonGenerator g, SourcePosition s) throws IOException {
        g.writeObjectFieldStart("source");
        g.writeStringField("topic", s.topic());
        g.writeNumberField("partition", s.partition());
        g.writeNumberField("offset", s.offset());
        g.writeEndObject();
    }

    static SourcePosition readSource(JsonNode root) {
        JsonNode s = field(root, "source");
        return new SourcePosition(text(s, "source.topic"), (int) integer(s, "source.partition"),
                integer(s, "source.offset"));
    }

    static void writeSchemaVersion(JsonGenerator g, int version) throws IOException {
        g.writeNumberField("schema_version", version);
    }

    static void checkSchemaVersion(JsonNode root, int version, String what) {
        long v = integer(root, "schema_version");
        if (v != version) {
            throw new IllegalArgumentException(
                    what + ": schema_version " + v + " is not the supported " + version);
        }
    }

    /** A number, or null for NaN. */
    static void writeNumberOrNull(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    static double numberOrNaN(JsonNode root, String name) {
        JsonNode n = root.get(name.substring(name.lastIndexOf('.') + 1));
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(name + ": expected a number or null");
        }
        return n.doubleValue();
    }

    // ------------------------------------------------------------------- strict field readers

    /** {@code path} may be dotted for messages; the last segment is looked up in {@code n}. */
    static JsonNode field(JsonNode n, String path) {
        JsonNode v = n.get(path.substring(path.lastIndexOf('.') + 1));
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(path + ": missing");
        }
        return v;
    }

    static String text(JsonNode n, String path) {
        JsonNode v = field(n, path);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(path + ": expected a string");
        }
        return v.asText();
    }

    static String textOrNull(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v == null || v.isNull() ? null : text(n, name);
    }

    static long integer(JsonNode n, String path) {
        JsonNode v = field(n, path);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException(path + ": expected an integer");
        }
        return v.longValue();
    }

    static double number(JsonNode n, String path) {
        JsonNode v = field(n, path);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(path + ": expected a number");
        }
        return v.doubleValue();
    }

    static boolean bool(JsonNode n, String path) {
        JsonNode v = field(n, path);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(path + ": expected true or false");
        }
        return v.booleanValue();
    }

    // ------------------------------------------------------------------------------- bytes

    /** The bytes as text if they are valid UTF-8, else {@code null}. */
    static String utf8OrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

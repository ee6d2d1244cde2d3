package io.vaeanomaly.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * JSON form of {@link DeadLetterRecord} (schema {@code schemas/dead-letter-record.schema.json}):
 *
 * <pre>{@code
 * {"schema_version": 2, "error_type": "non_numeric",
 *  "reason": "field 'metrics.cpu' is not numeric: \"high\"", "field": "metrics.cpu",
 *  "source": {"topic": "metrics", "partition": 0, "offset": 42},
 *  "timestamp": "2024-05-01T12:00:00Z", "key": "host-7",
 *  "original_size": 29, "original_truncated": false,
 *  "original_utf8": "{\"metrics\": {\"cpu\": \"high\"}}", "original_base64": "eyJtZX..."}
 * }</pre>
 *
 * <p>{@code original_base64} is always present and exact for the bytes carried;
 * {@code original_utf8} is the same bytes as text, or null when they are not valid UTF-8. A dead
 * letter carries the whole source value unless {@link #fitTo} cut it to fit
 * {@code kafka.dead-letter-max-bytes}: then {@code original_truncated} is true and the two fields
 * hold its first bytes (ending on a whole UTF-8 character); {@code original_size} is always the
 * size of the whole value. {@code timestamp} (the source record's) and {@code key} (the source
 * key as UTF-8) may be null. The Kafka key is the source record's key.
 */
public final class DeadLetterRecordJson implements RecordCodec<DeadLetterRecord> {
    private static final long serialVersionUID = 1L;

    /** The shared instance (the codec is stateless). */
    public static final DeadLetterRecordJson INSTANCE = new DeadLetterRecordJson();

    /** Longest key, reason and field a fitted dead letter keeps (bytes or characters). */
    static final int MAX_TEXT = 1024;

    /**
     * {@code r}, or a copy that fits in {@code maxBytes} (Kafka key plus value): the original
     * value is cut to its first bytes (as many as fit, ending on a whole UTF-8 character) and
     * marked truncated; should even an empty original not fit, the key, reason and field are cut
     * to {@link #MAX_TEXT} as well. So no dead letter is refused by the producer or the broker,
     * whatever record it reports.
     *
     * @param maxBytes at least 4096
     */
    public static DeadLetterRecord fitTo(DeadLetterRecord r, int maxBytes) {
        long size = kafkaSize(r);
        if (size <= maxBytes) {
            return r;
        }
        DeadLetterRecord empty = withOriginal(r, 0);
        long base = kafkaSize(empty);
        if (base > maxBytes) {
            empty = new DeadLetterRecord(r.errorType(), cut(r.reason()), cut(r.field()),
                    r.source(), r.timestampMs(),
                    r.key() == null ? null : utf8Prefix(r.key(), MAX_TEXT), new byte[0],
                    r.originalSize());
            base = kafkaSize(empty);
            r = new DeadLetterRecord(empty.errorType(), empty.reason(), empty.field(),
                    r.source(), r.timestampMs(), empty.key(), r.original(), r.originalSize());
            size = kafkaSize(r);
            if (size <= maxBytes) {
                return r;
            }
        }
        // The encoded size grows about linearly with the bytes kept; aim below the limit, then
        // step down until it fits (usually at once).
        double perByte = Math.max(1.0, (size - base) / (double) r.original().length);
        int keep = (int) Math.min(r.original().length - 1,
                Math.max(0, Math.floor((maxBytes - base) / perByte)));
        while (true) {
            DeadLetterRecord fitted = withOriginal(r, keep);
            if (keep == 0 || kafkaSize(fitted) <= maxBytes) {
                return fitted;
            }
            keep = (int) (keep * 0.9);
        }
    }

    /** Key plus value bytes of the Kafka record this codec writes for {@code r}. */
    static long kafkaSize(DeadLetterRecord r) {
        return (long) INSTANCE.encode(r).length + (r.key() == null ? 0 : r.key().length);
    }

    private static DeadLetterRecord withOriginal(DeadLetterRecord r, int keep) {
        return new DeadLetterRecord(r.errorType(), r.reason(), r.field(), r.source(),
                r.timestampMs(), r.key(), utf8Prefix(r.original(), keep), r.originalSize());
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }

    /** The first at most {@code n} bytes, not ending inside a multi-byte UTF-8 character. */
    static byte[] utf8Prefix(byte[] bytes, int n) {
        if (bytes.length <= n) {
            return bytes;
        }
        int end = n;
        // Back off over continuation bytes (10xxxxxx) and the lead byte they belong to.
        int back = end;
        while (back > 0 && back > end - 4 && (bytes[back] & 0xC0) == 0x80) {
            back--;
        }
        if (back < end && (bytes[back] & 0xC0) == 0xC0) {
            end = back;
        }
        return Arrays.copyOf(bytes, end);
    }

    @Override
    public byte[] encode(DeadLetterRecord r) {
        return JsonSupport.write((g, out) -> {
            g.writeStartObject();
            JsonSupport.writeSchemaVersion(g, DeadLetterRecord.SCHEMA_VERSION);
            g.writeStringField("error_type", r.errorType());
            g.writeStringField("reason", r.reason());
            g.writeStringField("field", r.field());
            JsonSupport.writeSource(g, r.source());
            g.writeStringField("timestamp",
                    r.hasTimestamp() ? JsonSupport.iso(r.timestampMs()) : null);
            g.writeStringField("key", JsonSupport.utf8OrNull(r.key()));
            g.writeNumberField("original_size", r.originalSize());
            g.writeBooleanField("original_truncated", r.truncated());
            g.writeStringField("original_utf8", JsonSupport.utf8OrNull(r.original()));
            g.writeStringField("original_base64",
                    Base64.getEncoder().encodeToString(r.original()));
            g.writeEndObject();
        });
    }

    /** Reads a dead letter; a key that was not UTF-8 comes back as {@code null}. */
    @Override
    public DeadLetterRecord decode(byte[] value) {
        JsonNode n = JsonSupport.read(value, "dead-letter record");
        JsonSupport.checkSchemaVersion(n, DeadLetterRecord.SCHEMA_VERSION, "dead-letter record");
        String key = JsonSupport.textOrNull(n, "key");
        JsonNode ts = n.get("timestamp");
        byte[] original;
        try {
            original = Base64.getDecoder().decode(JsonSupport.text(n, "original_base64"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("original_base64: not base64");
        }
        return new DeadLetterRecord(
                JsonSupport.text(n, "error_type"),
                JsonSupport.text(n, "reason"),
                JsonSupport.textOrNull(n, "field"),
                JsonSupport.readSource(n),
                ts == null || ts.isNull() ? -1 : JsonSupport.epochMs(n, "timestamp"),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                original,
                (int) JsonSupport.integer(n, "original_size"));
    }

    @Override
    public byte[] kafkaKey(DeadLetterRecord r) {
        return r.key();
    }

    @Override
    public Long kafkaTimestamp(DeadLetterRecord r) {
        return r.hasTimestamp() ? r.timestampMs() : null;
    }
}

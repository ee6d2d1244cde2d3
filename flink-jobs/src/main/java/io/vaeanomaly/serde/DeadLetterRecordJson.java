package io.vaeanomaly.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * JSON form of {@link DeadLetterRecord} (schema {@code schemas/dead-letter-record.schema.json}):
 *
 * <pre>{@code
 * {"schema_version": 1, "error_type": "non_numeric",
 *  "reason": "field 'metrics.cpu' is not numeric: \"high\"", "field": "metrics.cpu",
 *  "source": {"topic": "metrics", "partition": 0, "offset": 42},
 *  "timestamp": "2024-05-01T12:00:00Z", "key": "host-7",
 *  "original_utf8": "{\"metrics\": {\"cpu\": \"high\"}}", "original_base64": "eyJtZX..."}
 * }</pre>
 *
 * <p>{@code original_base64} is always present and exact; {@code original_utf8} is the same bytes
 * as text, or null when they are not valid UTF-8. {@code timestamp} (the source record's) and
 * {@code key} (the source key as UTF-8) may be null. The Kafka key is the source record's key.
 */
public final class DeadLetterRecordJson implements RecordCodec<DeadLetterRecord> {
    private static final long serialVersionUID = 1L;

    /** The shared instance (the codec is stateless). */
    public static final DeadLetterRecordJson INSTANCE = new DeadLetterRecordJson();

    @Override
    public byte[] encode(DeadLetterRecord r) {
        return JsonSupport.write(r.original().length * 3 + 384, g -> {
            g.writeStartObject();
            JsonSupport.writeSchemaVersion(g, DeadLetterRecord.SCHEMA_VERSION);
            g.writeStringField("error_type", r.errorType());
            g.writeStringField("reason", r.reason());
            g.writeStringField("field", r.field());
            JsonSupport.writeSource(g, r.source());
            g.writeStringField("timestamp",
                    r.hasTimestamp() ? JsonSupport.iso(r.timestampMs()) : null);
            g.writeStringField("key", JsonSupport.utf8OrNull(r.key()));
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
                original);
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

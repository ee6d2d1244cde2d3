package io.vaeanomaly.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * JSON form of {@link AnomalyRecord} (schema {@code schemas/anomaly-record.schema.json}):
 *
 * <pre>{@code
 * {"schema_version": 2, "key": "host-7", "event_time": "2024-05-01T12:00:00.250Z",
 *  "source": {"topic": "metrics", "partition": 0, "offset": 42},
 *  "scored": true, "unscored_reason": null,
 *  "log_prob": -153.2, "anomaly_score": 0.997, "threshold_log_prob": -120.5,
 *  "is_anomaly": true, "model_version": 3,
 *  "top_features": [{"name": "cpu", "contribution": 97.1}],
 *  "event_encoding": "json", "event": {"host": "host-7", "cpu": 0.99}}
 * }</pre>
 *
 * <p>An event forwarded without a score has {@code "scored": false}, an {@code unscored_reason}
 * ({@code no_model}, {@code buffer_full} or {@code shingle_filling}), null {@code log_prob} and
 * {@code anomaly_score}, {@code is_anomaly} false, model version 0 and no top features.
 *
 * <p>The original event is embedded as JSON when it is a JSON object or array
 * ({@code event_encoding: json}), as a string when it is other UTF-8 text such as a CSV line
 * ({@code text}), and base64-encoded otherwise ({@code base64}). {@code threshold_log_prob} is
 * null while no threshold exists. The Kafka key is the event key; {@link #kafkaTimestamp} is the
 * event time (the sink decides whether to use it, see {@code kafka.output-timestamp}).
 */
public final class AnomalyRecordJson implements RecordCodec<AnomalyRecord> {
    private static final long serialVersionUID = 1L;

    /** The shared instance (the codec is stateless). */
    public static final AnomalyRecordJson INSTANCE = new AnomalyRecordJson();

    @Override
    public byte[] encode(AnomalyRecord r) {
        return JsonSupport.write((g, out) -> {
            g.writeStartObject();
            JsonSupport.writeSchemaVersion(g, AnomalyRecord.SCHEMA_VERSION);
            g.writeStringField("key", r.key());
            g.writeStringField("event_time", JsonSupport.iso(r.eventTimeMs()));
            JsonSupport.writeSource(g, r.source());
            g.writeBooleanField("scored", r.scored());
            g.writeStringField("unscored_reason",
                    r.scored() ? null : r.unscored().wireName());
            JsonSupport.writeNumberOrNull(g, "log_prob", r.logProb());
            JsonSupport.writeNumberOrNull(g, "anomaly_score", r.anomalyScore());
            JsonSupport.writeNumberOrNull(g, "threshold_log_prob", r.thresholdLogProb());
            g.writeBooleanField("is_anomaly", r.isAnomaly());
            g.writeNumberField("model_version", r.modelVersion());
            g.writeArrayFieldStart("top_features");
            for (FeatureContribution c : r.topFeatures()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeNumberField("contribution", c.contribution());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.eventIsVerbatimJson()) {
                // Checked by the reader while it parsed the event: valid, compact,
                // printable-ASCII JSON that can go in as it is, without a second parse.
                g.writeStringField("event_encoding", "json");
                g.writeFieldName("event");
                out.writeRawValue(g, r.event());
            } else {
                writeEvent(g, r.event());
            }
            g.writeEndObject();
        });
    }

    private static void writeEvent(JsonGenerator g, byte[] event) throws IOException {
        JsonNode json = asJson(event);
        if (json != null) {
            g.writeStringField("event_encoding", "json");
            g.writeFieldName("event");
            g.writeTree(json);
            return;
        }
        String text = JsonSupport.utf8OrNull(event);
        if (text != null) {
            g.writeStringField("event_encoding", "text");
            g.writeStringField("event", text);
        } else {
            g.writeStringField("event_encoding", "base64");
            g.writeStringField("event", Base64.getEncoder().encodeToString(event));
        }
    }

    /** The event as a JSON tree if it is a JSON object or array, else null. */
    private static JsonNode asJson(byte[] event) {
        int i = 0;
        while (i < event.length && Character.isWhitespace(event[i])) {
            i++;
        }
        if (i == event.length || (event[i] != '{' && event[i] != '[')) {
            return null;
        }
        try {
            return JsonRecordReader.MAPPER.readTree(event);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public AnomalyRecord decode(byte[] value) {
        JsonNode n = JsonSupport.read(value, "anomaly record");
        JsonSupport.checkSchemaVersion(n, AnomalyRecord.SCHEMA_VERSION, "anomaly record");
        List<FeatureContribution> top = new ArrayList<>();
        JsonNode features = JsonSupport.field(n, "top_features");
        if (!features.isArray()) {
            throw new IllegalArgumentException("top_features: expected an array");
        }
        for (JsonNode f : features) {
            top.add(new FeatureContribution(JsonSupport.text(f, "top_features.name"),
                    JsonSupport.number(f, "top_features.contribution")));
        }
        boolean scored = JsonSupport.bool(n, "scored");
        AnomalyRecord.Unscored unscored = null;
        if (!scored) {
            String reason = JsonSupport.text(n, "unscored_reason");
            try {
                unscored = AnomalyRecord.Unscored.valueOf(reason.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unscored_reason: unknown value " + reason);
            }
        }
        return new AnomalyRecord(
                JsonSupport.text(n, "key"),
                JsonSupport.epochMs(n, "event_time"),
                JsonSupport.readSource(n),
                scored ? JsonSupport.number(n, "log_prob") : Double.NaN,
                scored ? JsonSupport.number(n, "anomaly_score") : Double.NaN,
                JsonSupport.numberOrNaN(n, "threshold_log_prob"),
                JsonSupport.bool(n, "is_anomaly"),
                JsonSupport.integer(n, "model_version"),
                top,
                readEvent(n),
                unscored);
    }

    private static byte[] readEvent(JsonNode n) {
        String encoding = JsonSupport.text(n, "event_encoding");
        JsonNode event = JsonSupport.field(n, "event");
        switch (encoding) {
            case "json":
                try {
                    return JsonSupport.MAPPER.writeValueAsBytes(event);
                } catch (IOException e) {
                    throw new IllegalArgumentException("event: cannot be written back", e);
                }
            case "text":
                return JsonSupport.text(n, "event").getBytes(StandardCharsets.UTF_8);
            case "base64":
                try {
                    return Base64.getDecoder().decode(JsonSupport.text(n, "event"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("event: not base64");
                }
            default:
                throw new IllegalArgumentException(
                        "event_encoding: expected json, text or base64 but got " + encoding);
        }
    }

    /**
     * An upper bound of the Kafka key plus value bytes this codec writes for {@code r}, without
     * encoding it: a character takes at most 3 UTF-8 bytes and at most 6 once JSON-escaped, and
     * an embedded event at most 8 bytes per original byte (JSON text re-escaped, or a JSON
     * number such as {@code 1e5} re-written as {@code 100000.0}; base64 takes 4/3).
     */
    public static long sizeBound(AnomalyRecord r) {
        long bound = 1024 + 8L * r.event().length + 3L * r.key().length() + 18L * r.key().length();
        for (FeatureContribution c : r.topFeatures()) {
            bound += 64 + 18L * c.name().length();
        }
        return bound;
    }

    /** The exact Kafka key plus value bytes this codec writes for {@code r}. */
    public long kafkaSize(AnomalyRecord r) {
        return (long) encode(r).length + kafkaKey(r).length;
    }

    @Override
    public byte[] kafkaKey(AnomalyRecord r) {
        return r.key().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Long kafkaTimestamp(AnomalyRecord r) {
        return r.eventTimeMs() >= 0 ? r.eventTimeMs() : null;
    }
}

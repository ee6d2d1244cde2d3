package io.vaeanomaly.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * JSON form of {@link AnomalyRecord} (schema {@code schemas/anomaly-record.schema.json}):
 *
 * <pre>{@code
 * {"schema_version": 1, "key": "host-7", "event_time": "2024-05-01T12:00:00.250Z",
 *  "source": {"topic": "metrics", "partition": 0, "offset": 42},
 *  "log_prob": -153.2, "anomaly_score": 0.997, "threshold_log_prob": -120.5,
 *  "is_anomaly": true, "model_version": 3,
 *  "top_features": [{"name": "cpu", "contribution": 97.1}],
 *  "event_encoding": "json", "event": {"host": "host-7", "cpu": 0.99}}
 * }</pre>
 *
 * <p>The original event is embedded as JSON when it is a JSON object or array
 * ({@code event_encoding: json}), as a string when it is other UTF-8 text such as a CSV line
 * ({@code text}), and base64-encoded otherwise ({@code base64}). {@code threshold_log_prob} is
 * null while no threshold exists. The Kafka key is the event key, the timestamp the event time.
 */
public final class AnomalyRecordJson implements RecordCodec<AnomalyRecord> {
    private static final long serialVersionUID = 1L;

    /** The shared instance (the codec is stateless). */
    public static final AnomalyRecordJson INSTANCE = new AnomalyRecordJson();

    @Override
    public byte[] encode(AnomalyRecord r) {
        return JsonSupport.write(r.event().length + 384, g -> {
            g.writeStartObject();
            JsonSupport.writeSchemaVersion(g, AnomalyRecord.SCHEMA_VERSION);
            g.writeStringField("key", r.key());
            g.writeStringField("event_time", JsonSupport.iso(r.eventTimeMs()));
            JsonSupport.writeSource(g, r.source());
            g.writeNumberField("log_prob", r.logProb());
            g.writeNumberField("anomaly_score", r.anomalyScore());
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
            writeEvent(g, r.event());
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
        return new AnomalyRecord(
                JsonSupport.text(n, "key"),
                JsonSupport.epochMs(n, "event_time"),
                JsonSupport.readSource(n),
                JsonSupport.number(n, "log_prob"),
                JsonSupport.number(n, "anomaly_score"),
                JsonSupport.numberOrNaN(n, "threshold_log_prob"),
                JsonSupport.bool(n, "is_anomaly"),
                JsonSupport.integer(n, "model_version"),
                top,
                readEvent(n));
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

    @Override
    public byte[] kafkaKey(AnomalyRecord r) {
        return r.key().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Long kafkaTimestamp(AnomalyRecord r) {
        return r.eventTimeMs() >= 0 ? r.eventTimeMs() : null;
    }
}

package io.vaeanomaly.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One metrics sample of one host.
 *
 * <p>JSON form (field order fixed):
 * {@code {"host":"web-01","ts":1735689600000,"metrics":{"cpu_user_pct":31.2,...},
 * "injected_anomaly":null}}. {@code injected_anomaly} is the ground truth
 * ({@link AnomalyKind#label()} or null); a detector must ignore it.
 *
 * @param host host name, also the Kafka key
 * @param timestampMs event time in epoch milliseconds
 * @param metrics feature name to value, in the generator's feature order (unmodifiable)
 * @param injectedAnomaly the injected anomaly, or null for a normal event
 * @param anomalousFeatures the features the anomaly changed (empty when normal); not in JSON
 */
public record MetricEvent(
        String host,
        long timestampMs,
        Map<String, Double> metrics,
        AnomalyKind injectedAnomaly,
        List<String> anomalousFeatures) {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Validates and freezes the collections. */
    public MetricEvent {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(metrics, "metrics");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        anomalousFeatures = List.copyOf(anomalousFeatures == null ? List.of() : anomalousFeatures);
        if (injectedAnomaly == null && !anomalousFeatures.isEmpty()) {
            throw new IllegalArgumentException("anomalousFeatures given for a normal event");
        }
    }

    /** Whether an anomaly was injected into this event. */
    public boolean isAnomaly() {
        return injectedAnomaly != null;
    }

    /** The ground-truth label, or null when normal. */
    public String label() {
        return injectedAnomaly == null ? null : injectedAnomaly.label();
    }

    /** Serialises to the one-line JSON form described on the class. */
    public String toJson() {
        StringWriter w = new StringWriter(64 + 28 * metrics.size());
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("host", host);
            g.writeNumberField("ts", timestampMs);
            g.writeObjectFieldStart("metrics");
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (injectedAnomaly == null) {
                g.writeNullField("injected_anomaly");
            } else {
                g.writeStringField("injected_anomaly", injectedAnomaly.label());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise metric event", e);
        }
        return w.toString();
    }

    /**
     * Parses the JSON form. The affected features are not part of the JSON, so
     * {@link #anomalousFeatures()} of the result is empty.
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static MetricEvent fromJson(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("metric event must be a JSON object");
        }
        JsonNode host = n.get("host");
        JsonNode ts = n.get("ts");
        JsonNode metrics = n.get("metrics");
        if (host == null || !host.isTextual()) {
            throw new IllegalArgumentException("field 'host' must be a string");
        }
        if (ts == null || !ts.canConvertToLong()) {
            throw new IllegalArgumentException("field 'ts' must be an integer (epoch ms)");
        }
        if (metrics == null || !metrics.isObject()) {
            throw new IllegalArgumentException("field 'metrics' must be an object");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = metrics.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException("metric '" + e.getKey() + "' must be a number");
            }
            values.put(e.getKey(), e.getValue().doubleValue());
        }
        JsonNode label = n.get("injected_anomaly");
        AnomalyKind kind = label == null || label.isNull()
                ? null : AnomalyKind.fromLabel(label.asText());
        return new MetricEvent(host.asText(), ts.asLong(), values, kind, List.of());
    }
}

package io.vaeanomaly.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * JSON form of {@link ModelEventRecord} (schema {@code schemas/model-event-record.schema.json}):
 *
 * <pre>{@code
 * {"schema_version": 2, "key": "global", "model_version": 2, "outcome": "promoted",
 *  "reason": "held-out ELBO -41.2 vs -43.0 of the current model",
 *  "job_id": "3f2a9c0e4b1d5a6e7f8091a2b3c4d5e6",
 *  "trained_at": "2024-05-01T12:00:00Z", "samples": 5000, "seconds": 12.5,
 *  "diagnostics": {"heldout_elbo": -41.2, "heldout_iwae": -40.1, "kl": 6.3,
 *                  "active_units": 5, "verdict": "healthy"}}
 * }</pre>
 *
 * <p>Diagnostics that were not computed are null. {@code job_id} is null in deterministic mode.
 * The Kafka key is the model key.
 */
public final class ModelEventRecordJson implements RecordCodec<ModelEventRecord> {
    private static final long serialVersionUID = 1L;

    /** The shared instance (the codec is stateless). */
    public static final ModelEventRecordJson INSTANCE = new ModelEventRecordJson();

    @Override
    public byte[] encode(ModelEventRecord r) {
        return JsonSupport.write((g, out) -> {
            g.writeStartObject();
            JsonSupport.writeSchemaVersion(g, ModelEventRecord.SCHEMA_VERSION);
            g.writeStringField("key", r.key());
            g.writeNumberField("model_version", r.modelVersion());
            g.writeStringField("outcome", r.outcome().wireName());
            g.writeStringField("reason", r.reason());
            g.writeStringField("job_id", r.jobId());
            g.writeStringField("trained_at", JsonSupport.iso(r.trainedAtMs()));
            g.writeNumberField("samples", r.samples());
            g.writeNumberField("seconds", r.seconds());
            ModelDiagnostics d = r.diagnostics();
            g.writeObjectFieldStart("diagnostics");
            JsonSupport.writeNumberOrNull(g, "heldout_elbo", d.heldoutElbo());
            JsonSupport.writeNumberOrNull(g, "heldout_iwae", d.heldoutIwae());
            JsonSupport.writeNumberOrNull(g, "kl", d.kl());
            if (d.activeUnits() < 0) {
                g.writeNullField("active_units");
            } else {
                g.writeNumberField("active_units", d.activeUnits());
            }
            g.writeStringField("verdict", d.verdict());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    @Override
    public ModelEventRecord decode(byte[] value) {
        JsonNode n = JsonSupport.read(value, "model event");
        JsonSupport.checkSchemaVersion(n, ModelEventRecord.SCHEMA_VERSION, "model event");
        String outcome = JsonSupport.text(n, "outcome");
        ModelEventRecord.Outcome o;
        try {
            o = ModelEventRecord.Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "outcome: expected initial, promoted or rejected but got " + outcome);
        }
        JsonNode d = JsonSupport.field(n, "diagnostics");
        JsonNode units = d.get("active_units");
        ModelDiagnostics diagnostics = new ModelDiagnostics(
                JsonSupport.numberOrNaN(d, "diagnostics.heldout_elbo"),
                JsonSupport.numberOrNaN(d, "diagnostics.heldout_iwae"),
                JsonSupport.numberOrNaN(d, "diagnostics.kl"),
                units == null || units.isNull()
                        ? -1 : (int) JsonSupport.integer(d, "diagnostics.active_units"),
                JsonSupport.text(d, "diagnostics.verdict"));
        return new ModelEventRecord(
                JsonSupport.text(n, "key"),
                JsonSupport.integer(n, "model_version"),
                o,
                JsonSupport.text(n, "reason"),
                JsonSupport.epochMs(n, "trained_at"),
                (int) JsonSupport.integer(n, "samples"),
                JsonSupport.number(n, "seconds"),
                diagnostics,
                JsonSupport.textOrNull(n, "job_id"));
    }

    @Override
    public byte[] kafkaKey(ModelEventRecord r) {
        return r.key().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Long kafkaTimestamp(ModelEventRecord r) {
        return r.trainedAtMs();
    }
}

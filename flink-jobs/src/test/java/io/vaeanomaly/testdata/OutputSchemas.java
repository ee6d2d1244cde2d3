package io.vaeanomaly.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The published JSON Schemas of the output topics (src/main/resources/schemas), as validators. */
public final class OutputSchemas {
    public static final JsonSchema ANOMALY = load("anomaly-record.schema.json");
    public static final JsonSchema DEAD_LETTER = load("dead-letter-record.schema.json");
    public static final JsonSchema MODEL_EVENT = load("model-event-record.schema.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutputSchemas() {}

    private static JsonSchema load(String name) {
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = OutputSchemas.class.getResourceAsStream("/schemas/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code json} is valid against {@code schema}. */
    public static void assertValid(JsonSchema schema, String json) {
        try {
            assertThat(schema.validate(MAPPER.readTree(json))).as(json).isEmpty();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Asserts that UTF-8 {@code json} is valid against {@code schema}. */
    public static void assertValid(JsonSchema schema, byte[] json) {
        assertValid(schema, new String(json, StandardCharsets.UTF_8));
    }
}

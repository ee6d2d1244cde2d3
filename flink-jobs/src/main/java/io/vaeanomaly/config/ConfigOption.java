package io.vaeanomaly.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed definition of one option: full key path, description, default, and value type
 * (which carries the validator). This is the single place defaults live; the section records
 * ({@link KafkaOptions} and friends) declare their options as constants and
 * {@link JobOptions#all()} lists them.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigOption<T> {
    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String description;

    private ConfigOption(String key, ValueType<T> type, T defaultValue, String description) {
        if (!key.matches("[a-z]+\\.[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("option keys are section.kebab-name: " + key);
        }
        this.key = key;
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        if (defaultValue != null && !type.accepts(defaultValue)) {
            throw new IllegalArgumentException(
                    key + ": default " + defaultValue + " is not " + type.expectation());
        }
    }

    /** An option that has a default. */
    public static <T> ConfigOption<T> withDefault(
            String key, ValueType<T> type, T defaultValue, String description) {
        return new ConfigOption<>(key, type, Objects.requireNonNull(defaultValue), description);
    }

    /** An option without a default that must be given. */
    public static <T> ConfigOption<T> required(String key, ValueType<T> type, String description) {
        return new ConfigOption<>(key, type, null, description);
    }

    /** The full key path, {@code section.name}. */
    public String key() {
        return key;
    }

    /** The section, the part of the key before the dot. */
    public String section() {
        return key.substring(0, key.indexOf('.'));
    }

    /** The name within the section. */
    public String name() {
        return key.substring(key.indexOf('.') + 1);
    }

    /** One-sentence documentation. */
    public String description() {
        return description;
    }

    /** The default, or empty for a required option. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Whether the option has no default and must be given. */
    public boolean isRequired() {
        return defaultValue == null;
    }

    /** The value type, including its constraint. */
    public ValueType<T> type() {
        return type;
    }

    /**
     * Converts a raw node from YAML or an override.
     *
     * @throws ConfigException naming this key if the node has the wrong type or value
     */
    public T parse(JsonNode raw) {
        try {
            return type.convert(raw);
        } catch (ValueType.Mismatch e) {
            throw mismatch(RawValues.render(raw), e.getMessage());
        }
    }

    /**
     * Validates a value built in code (the section records call this in their constructors, so
     * the constraint is written once, here).
     *
     * @return {@code value}
     * @throws ConfigException naming this key if the value violates the constraint
     */
    public T check(T value) {
        if (!type.accepts(value)) {
            throw mismatch(value == null ? "null" : RawValues.renderJava(value), null);
        }
        return value;
    }

    private ConfigException mismatch(String got, String detail) {
        String msg = "expected " + type.expectation() + " but got " + got;
        return new ConfigException(key, detail == null ? msg : msg + " (" + detail + ")");
    }

    @Override
    public String toString() {
        return key;
    }
}

package io.vaeanomaly.config;

import java.util.Map;

/** Resolved option values by key, from which the section records are built. */
final class ConfigValues {
    private final Map<String, Object> values;

    ConfigValues(Map<String, Object> values) {
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    <T> T get(ConfigOption<T> option) {
        Object v = values.get(option.key());
        if (v == null) {
            throw new IllegalStateException("unresolved option " + option.key());
        }
        return (T) v;
    }
}

package io.vaeanomaly.serde;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the features, in vector order. One instance is shared by all events an
 * {@link EventParser} produces (compare with {@link #equals}, not by identity, after
 * serialisation).
 */
public final class FeatureSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names;
    private transient Map<String, Integer> index;

    /**
     * @param names distinct, non-empty feature names in vector order
     */
    public FeatureSchema(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        this.names = List.copyOf(names);
        if (buildIndex().size() != this.names.size()) {
            throw new IllegalArgumentException("duplicate feature names: " + names);
        }
    }

    /** Feature names in vector order. */
    public List<String> names() {
        return names;
    }

    /** Number of features. */
    public int dimension() {
        return names.size();
    }

    /** Name of feature {@code i}. */
    public String name(int i) {
        return names.get(i);
    }

    /** Position of {@code name}, or -1. */
    public int indexOf(String name) {
        Integer i = index().get(name);
        return i == null ? -1 : i;
    }

    private Map<String, Integer> index() {
        if (index == null) {
            index = buildIndex();
        }
        return index;
    }

    private Map<String, Integer> buildIndex() {
        Map<String, Integer> m = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSchema other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}

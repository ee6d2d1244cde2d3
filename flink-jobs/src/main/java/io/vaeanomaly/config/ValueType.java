package io.vaeanomaly.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The type of an option value: how a raw YAML/override node converts to a Java value, which
 * values are allowed, and one phrase describing both ({@code "a positive integer"}), used in
 * error messages as {@code expected <expectation> but got <value>}.
 *
 * <p>Instances are immutable; {@link #where} derives a narrower type. Build them with
 * {@link ValueTypes}.
 *
 * @param <T> the Java type of the value
 */
public final class ValueType<T> {

    /**
     * Thrown by a converter when a node has the wrong shape. The detail, if any, is appended to
     * the error message (for example the regex compiler's complaint).
     */
    public static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Mismatch() {
            super(null, null, false, false);
        }

        public Mismatch(String detail) {
            super(detail, null, false, false);
        }
    }

    private final String expectation;
    private final Function<JsonNode, T> converter;
    private final Predicate<T> constraint;
    private final boolean mapping;

    ValueType(String expectation, Function<JsonNode, T> converter) {
        this(expectation, converter, v -> true, false);
    }

    private ValueType(
            String expectation,
            Function<JsonNode, T> converter,
            Predicate<T> constraint,
            boolean mapping) {
        this.expectation = Objects.requireNonNull(expectation);
        this.converter = Objects.requireNonNull(converter);
        this.constraint = Objects.requireNonNull(constraint);
        this.mapping = mapping;
    }

    /** The same type, marked as a mapping whose entries can be set one by one. */
    ValueType<T> asMapping() {
        return new ValueType<>(expectation, converter, constraint, true);
    }

    /**
     * Whether values are mappings with free-form names, whose entries overrides set one at a time
     * ({@code kafka.properties.security.protocol=SSL}).
     */
    public boolean isMapping() {
        return mapping;
    }

    /** A phrase such as {@code "a positive integer"} or {@code "one of [json, csv]"}. */
    public String expectation() {
        return expectation;
    }

    /**
     * A narrower type: values must also satisfy {@code constraint}; errors say
     * {@code newExpectation}.
     */
    public ValueType<T> where(Predicate<T> constraint, String newExpectation) {
        return new ValueType<>(
                newExpectation, converter, this.constraint.and(constraint), mapping);
    }

    /**
     * Converts a raw, non-null node.
     *
     * @throws Mismatch if the node has the wrong shape or the value violates the constraint
     */
    T convert(JsonNode node) {
        T value = converter.apply(node);
        if (!accepts(value)) {
            throw new Mismatch();
        }
        return value;
    }

    /** Whether a (programmatically built) value satisfies this type's constraint. */
    public boolean accepts(T value) {
        return value != null && constraint.test(value);
    }
}

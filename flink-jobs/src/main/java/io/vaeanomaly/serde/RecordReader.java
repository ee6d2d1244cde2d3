package io.vaeanomaly.serde;

import java.util.Optional;

/** Turns one record value into an event; one implementation per input format. */
interface RecordReader {
    /** Reads {@code record}, whose value is non-empty. */
    Event read(KafkaRecord record) throws BadInput;

    /** The feature schema, once known. */
    Optional<FeatureSchema> schema();
}

package io.vaeanomaly.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link EventSerializer} and {@link AnomalyRecordSerializer}: what they write reads back equal,
 * also in a JVM that has not seen the schema (names read from the bytes) and through
 * {@code copy(in, out)}; corrupt names are refused; Flink picks them for the types; an event
 * checkpointed by Kryo (the form of earlier versions) migrates.
 */
class RecordSerializersTest {

    private static final FeatureSchema SCHEMA =
            new FeatureSchema(List.of("cpu", "mem", "disk.read", "caf\u00e9"));

    private static Event event(String key, boolean verbatim) {
        byte[] original = ("{\"host\":\"" + key + "\",\"cpu\":0.5}")
                .getBytes(StandardCharsets.UTF_8);
        return new Event(key, 1_700_000_000_123L, new double[] {0.5, -1.25, 3e10, 0},
                SCHEMA, new SourcePosition("events", 2, 99L), original, verbatim, true);
    }

    private static <T> byte[] write(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static <T> T read(TypeSerializer<T> s, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T value = s.deserialize(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return value;
    }

    @Test
    void eventsRoundTripWithTheirFlagAndSchema() throws IOException {
        EventSerializer s = new EventSerializer();
        for (boolean verbatim : new boolean[] {true, false}) {
            Event e = event("h1", verbatim);
            Event back = read(s, write(s, e));
            assertThat(back).isEqualTo(e);
            assertThat(back.originalIsVerbatimJson()).isEqualTo(verbatim);
            assertThat(back.schema().names()).isEqualTo(SCHEMA.names());
        }
    }

    @Test
    void anUnknownSchemaIsReadFromTheNamesAndInterned() throws IOException {
        FeatureSchema fresh = new FeatureSchema(List.of("only-here-" + System.nanoTime(), "b"));
        Event e = new Event("k", 5L, new double[] {1, 2}, fresh,
                new SourcePosition("t", 0, 1L), new byte[] {'{', '}'});
        byte[] bytes = write(new EventSerializer(), e);
        // A fresh schema object with the same names, as another JVM would decode it.
        Event a = read(new EventSerializer(), bytes);
        Event b = read(new EventSerializer(), bytes);
        assertThat(a).isEqualTo(e);
        assertThat(a.schema()).isSameAs(b.schema());
    }

    @Test
    void namesThatDoNotMatchTheSchemaIdAreRefused() throws IOException {
        FeatureSchema fresh = new FeatureSchema(List.of("x" + System.nanoTime(), "y"));
        Event e = new Event("k", 5L, new double[] {1, 2}, fresh,
                new SourcePosition("t", 0, 1L), new byte[] {'{', '}'});
        byte[] bytes = write(new EventSerializer(), e);
        // Corrupt the schema id written before the names' length and bytes: an id this JVM
        // does not know, so the reader checks the names against it.
        // Format: ... id (8), names' length (4) and bytes, count (4) and doubles, length (4)
        // and bytes of the original.
        int idAt = bytes.length - (8 + 4 + fresh.encodedNames().length + 4 + 2 * 8 + 4 + 2);
        bytes[idAt + 7] ^= 0x5a;
        EventSerializer other = new EventSerializer();
        assertThatThrownBy(() -> other.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("do not match schema id");
    }

    @Test
    void copyBetweenViewsKeepsTheRecord() throws IOException {
        EventSerializer s = new EventSerializer();
        Event e = event("h2", true);
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(write(s, e)), out);
        assertThat(read(s, out.getCopyOfBuffer())).isEqualTo(e);
    }

    @Test
    void anomalyRecordsRoundTripScoredAndUnscored() throws IOException {
        AnomalyRecordSerializer s = new AnomalyRecordSerializer();
        Event e = event("h3", true);
        AnomalyRecord scored = AnomalyRecord.of(e, -12.5, 0.97, -10.0, true, 3,
                List.of(new FeatureContribution("cpu", 0.8),
                        new FeatureContribution("caf\u00e9", 0.1)));
        AnomalyRecord unscored = AnomalyRecord.unscored(event("h4", false),
                AnomalyRecord.Unscored.values()[0]);
        for (AnomalyRecord r : List.of(scored, unscored)) {
            AnomalyRecord back = read(s, write(s, r));
            assertThat(back).isEqualTo(r);
            assertThat(back.eventIsVerbatimJson()).isEqualTo(r.eventIsVerbatimJson());
        }
    }

    @Test
    void flinkUsesTheSerializersForTheTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        assertThat(TypeInformation.of(Event.class).createSerializer(config))
                .isInstanceOf(EventSerializer.class);
        assertThat(TypeInformation.of(AnomalyRecord.class).createSerializer(config))
                .isInstanceOf(AnomalyRecordSerializer.class);
    }

    @Test
    void eventsInKryoStateMigrate() throws IOException {
        KryoSerializer<Event> kryo = new KryoSerializer<>(Event.class, new SerializerConfigImpl());
        Event e = event("h5", true);
        byte[] kryoBytes = write(kryo, e);

        TypeSerializerSnapshot<Event> current = new EventSerializer().snapshotConfiguration();
        TypeSerializerSchemaCompatibility<Event> compat =
                current.resolveSchemaCompatibility(kryo.snapshotConfiguration());
        assertThat(compat.isCompatibleAfterMigration()).isTrue();
        assertThat(current.resolveSchemaCompatibility(new EventSerializer.Snapshot())
                .isCompatibleAsIs()).isTrue();

        // Migration: the old (Kryo) serializer reads, the new one writes.
        Event restored = read(kryo, kryoBytes);
        EventSerializer s = new EventSerializer();
        Event migrated = read(s, write(s, restored));
        assertThat(migrated).isEqualTo(e);
        // Kryo's form has no verbatim flag: a restored event takes the re-encoding path.
        assertThat(migrated.originalIsVerbatimJson()).isFalse();
    }
}

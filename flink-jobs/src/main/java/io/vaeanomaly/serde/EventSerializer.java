package io.vaeanomaly.serde;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer for {@link Event}s, between operators and in state (events held until the
 * first model). Before it, events went through Kryo, which wrote every feature name with every
 * event and read them back into new strings, lists and hash maps (about a third of the scorer's
 * time at 38 features, measured with JFR).
 *
 * <p>The feature names travel as a schema id ({@link FeatureSchema#id()}, a fingerprint of the
 * names) followed by the names' bytes, which a reader skips when it knows the id: it interns
 * schemas, so all events of a schema share one {@link FeatureSchema} in a JVM. The bytes stay in
 * every record because a record must be readable on its own: by another task manager, or from a
 * checkpoint in a fresh JVM.
 *
 * <p>Format 1, in order: flags (bit 0: {@link Event#originalIsVerbatimJson()}), key, event
 * time, source topic, partition and offset, schema id, length and bytes of the encoded names,
 * the features (count, then doubles), length and bytes of the original value. The
 * {@link Snapshot} carries the format version; state written by Kryo (before this serializer)
 * is read by Kryo and rewritten in this format (state migration), so savepoints of earlier
 * versions restore.
 */
public final class EventSerializer extends ImmutableTypeSerializer<Event> {
    private static final long serialVersionUID = 1L;

    /** The format this class writes. */
    static final int FORMAT = 1;

    /** Interned schemas by id; bounded, so that ever new names cannot fill the heap. */
    private static final Map<Long, FeatureSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final int MAX_SCHEMAS = 1024;

    private static final int FLAG_VERBATIM_JSON = 1;

    /** Flink's type information for events, found through {@link Event}'s annotation. */
    public static final class TypeInfo extends TypeInfoFactory<Event> {
        @Override
        public TypeInformation<Event> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(Event.class, new EventSerializer());
        }
    }

    @Override
    public void serialize(Event e, DataOutputView out) throws IOException {
        out.writeByte(e.originalIsVerbatimJson() ? FLAG_VERBATIM_JSON : 0);
        StringValue.writeString(e.key(), out);
        out.writeLong(e.eventTimeMs());
        SourcePosition source = e.source();
        StringValue.writeString(source.topic(), out);
        out.writeInt(source.partition());
        out.writeLong(source.offset());
        FeatureSchema schema = intern(e.schema());
        byte[] names = schema.encodedNames();
        out.writeLong(schema.id());
        out.writeInt(names.length);
        out.write(names);
        double[] features = e.featuresUnsafe();
        out.writeInt(features.length);
        for (double v : features) {
            out.writeDouble(v);
        }
        byte[] original = e.originalUnsafe();
        out.writeInt(original.length);
        out.write(original);
    }

    @Override
    public Event deserialize(DataInputView in) throws IOException {
        int flags = in.readByte();
        String key = StringValue.readString(in);
        long eventTimeMs = in.readLong();
        String topic = StringValue.readString(in);
        int partition = in.readInt();
        long offset = in.readLong();
        FeatureSchema schema = readSchema(in);
        int dim = in.readInt();
        if (dim != schema.dimension()) {
            throw new IOException("corrupt event: " + dim + " features but the schema has "
                    + schema.dimension() + " names");
        }
        double[] features = new double[dim];
        for (int i = 0; i < dim; i++) {
            features[i] = in.readDouble();
        }
        byte[] original = new byte[in.readInt()];
        in.readFully(original);
        return new Event(key, eventTimeMs, features, schema,
                new SourcePosition(topic, partition, offset), original,
                (flags & FLAG_VERBATIM_JSON) != 0, false);
    }

    private static FeatureSchema readSchema(DataInputView in) throws IOException {
        long id = in.readLong();
        int length = in.readInt();
        FeatureSchema known = SCHEMAS.get(id);
        if (known != null && known.encodedNames().length == length) {
            in.skipBytesToRead(length);
            return known;
        }
        if (length < 4) {
            throw new IOException("corrupt event: feature names of " + length + " bytes");
        }
        byte[] names = new byte[length];
        in.readFully(names);
        if (FeatureSchema.fingerprint(names) != id) {
            throw new IOException("corrupt event: the feature names do not match schema id "
                    + Long.toHexString(id));
        }
        return intern(FeatureSchema.decode(names));
    }

    /** The JVM's instance of {@code schema}'s names, registering {@code schema} if new. */
    static FeatureSchema intern(FeatureSchema schema) {
        FeatureSchema known = SCHEMAS.get(schema.id());
        if (known != null) {
            return known;
        }
        if (SCHEMAS.size() >= MAX_SCHEMAS) {
            SCHEMAS.clear();
        }
        known = SCHEMAS.putIfAbsent(schema.id(), schema);
        return known == null ? schema : known;
    }

    @Override
    public TypeSerializerSnapshot<Event> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * The serializer's snapshot in checkpoints: the format version. Resolves compatibility with
     * what a checkpoint holds: this format as is; Kryo's (events before this serializer) after
     * migration, read by the restored Kryo serializer.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<Event> {
        private int format = FORMAT;

        @Override
        public int getCurrentVersion() {
            return FORMAT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version written by Flink with the snapshot is the format; nothing else.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader loader)
                throws IOException {
            if (readVersion < 1 || readVersion > FORMAT) {
                throw new IOException("event state of format " + readVersion + " is not"
                        + " readable by this version (formats 1 to " + FORMAT + ")");
            }
            format = readVersion;
        }

        @Override
        public TypeSerializer<Event> restoreSerializer() {
            return new EventSerializer(); // format 1 is the only one so far
        }

        @Override
        public TypeSerializerSchemaCompatibility<Event> resolveSchemaCompatibility(
                TypeSerializerSnapshot<Event> old) {
            if (old instanceof Snapshot s) {
                return s.format == FORMAT
                        ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                        : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (old instanceof KryoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}

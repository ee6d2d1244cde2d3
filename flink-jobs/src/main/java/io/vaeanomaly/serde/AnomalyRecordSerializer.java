package io.vaeanomaly.serde;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer for {@link AnomalyRecord}s on their way from the scorer to the sinks of
 * another task (the scores sink reads the union of scored and unscored records). Flink's POJO
 * serializer, which records would otherwise get, boxes every number and sends the top features
 * through Kryo. Records are never kept in state.
 *
 * <p>Format: flags (bit 0: scored, bit 1: anomaly, bit 2: event is verbatim JSON), key, event
 * time, source, log-probability, anomaly score, threshold, model version, the top features
 * (count, then name and contribution each), the unscored reason's ordinal (when unscored), the
 * event bytes.
 */
public final class AnomalyRecordSerializer extends ImmutableTypeSerializer<AnomalyRecord> {
    private static final long serialVersionUID = 1L;

    private static final int SCORED = 1;
    private static final int ANOMALY = 2;
    private static final int VERBATIM_JSON = 4;
    private static final AnomalyRecord.Unscored[] REASONS = AnomalyRecord.Unscored.values();

    /** Flink's type information for records, found through {@link AnomalyRecord}'s annotation. */
    public static final class TypeInfo extends TypeInfoFactory<AnomalyRecord> {
        @Override
        public TypeInformation<AnomalyRecord> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(AnomalyRecord.class, new AnomalyRecordSerializer());
        }
    }

    @Override
    public void serialize(AnomalyRecord r, DataOutputView out) throws IOException {
        out.writeByte((r.scored() ? SCORED : 0) | (r.isAnomaly() ? ANOMALY : 0)
                | (r.eventIsVerbatimJson() ? VERBATIM_JSON : 0));
        StringValue.writeString(r.key(), out);
        out.writeLong(r.eventTimeMs());
        StringValue.writeString(r.source().topic(), out);
        out.writeInt(r.source().partition());
        out.writeLong(r.source().offset());
        out.writeDouble(r.logProb());
        out.writeDouble(r.anomalyScore());
        out.writeDouble(r.thresholdLogProb());
        out.writeLong(r.modelVersion());
        out.writeInt(r.topFeatures().size());
        for (FeatureContribution c : r.topFeatures()) {
            StringValue.writeString(c.name(), out);
            out.writeDouble(c.contribution());
        }
        if (!r.scored()) {
            out.writeByte(r.unscored().ordinal());
        }
        out.writeInt(r.event().length);
        out.write(r.event());
    }

    @Override
    public AnomalyRecord deserialize(DataInputView in) throws IOException {
        int flags = in.readByte();
        String key = StringValue.readString(in);
        long eventTimeMs = in.readLong();
        SourcePosition source = new SourcePosition(StringValue.readString(in), in.readInt(),
                in.readLong());
        double logProb = in.readDouble();
        double anomalyScore = in.readDouble();
        double threshold = in.readDouble();
        long modelVersion = in.readLong();
        int n = in.readInt();
        List<FeatureContribution> top = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            top.add(new FeatureContribution(StringValue.readString(in), in.readDouble()));
        }
        AnomalyRecord.Unscored unscored = (flags & SCORED) != 0 ? null : REASONS[in.readByte()];
        byte[] event = new byte[in.readInt()];
        in.readFully(event);
        return new AnomalyRecord(key, eventTimeMs, source, logProb, anomalyScore, threshold,
                (flags & ANOMALY) != 0, modelVersion, top, event, unscored,
                (flags & VERBATIM_JSON) != 0);
    }

    @Override
    public TypeSerializerSnapshot<AnomalyRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Records are not kept in state; the snapshot exists because Flink asks for one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AnomalyRecord> {
        public Snapshot() {
            super(AnomalyRecordSerializer::new);
        }
    }
}

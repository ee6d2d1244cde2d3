package io.vaeanomaly.operators;

import io.vaeanomaly.serde.AnomalyRecord;
import io.vaeanomaly.serde.DeadLetterRecord;
import io.vaeanomaly.serde.ModelEventRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the job's operators. */
public final class OutputTags {
    private OutputTags() {}

    /** Records that could not be processed (parse failures, wrong dimension), with the reason. */
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    /** Model promotions and rejections. */
    public static final OutputTag<ModelEventRecord> MODEL_EVENTS =
            new OutputTag<>("model-events", TypeInformation.of(ModelEventRecord.class));

    /** New champions from the global trainer, broadcast to the scorers. */
    public static final OutputTag<ModelUpdate> MODEL_UPDATES =
            new OutputTag<>("model-updates", TypeInformation.of(ModelUpdate.class));

    /**
     * Records of events forwarded without a score ({@link AnomalyRecord#unscored}, with the
     * reason): before the first model with {@code training.before-first-model: pass-through},
     * when the warm-up buffer is full, and while a shingle window fills.
     */
    public static final OutputTag<AnomalyRecord> UNSCORED =
            new OutputTag<>("unscored", TypeInformation.of(AnomalyRecord.class));
}

package io.vaeanomaly.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The write-back cache on a real keyed state backend (a Flink test harness): values survive
 * eviction and snapshots, only modified values are written, pinned values stay, and the current
 * key is the same after an eviction.
 */
class DetectorCacheTest {

    /**
     * Appends each element's text ("key:text") to its key's cached value and emits the value and
     * the current key after eviction. Values starting with "pin" are pinned.
     */
    static final class AppendOperator extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String> {
        private static final long serialVersionUID = 1L;
        transient DetectorCache<StringBuilder> cache;
        transient int encodes;
        transient int decodes;

        @Override
        public void open() throws Exception {
            super.open();
            cache = new DetectorCache<>(2, getKeyedStateStore().getState(new ValueStateDescriptor<>(
                            "v", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)),
                    this, new DetectorCache.Codec<>() {
                        @Override
                        public StringBuilder create(String key) {
                            return new StringBuilder();
                        }

                        @Override
                        public StringBuilder decode(String key, byte[] bytes) {
                            decodes++;
                            return new StringBuilder(new String(bytes, StandardCharsets.UTF_8));
                        }

                        @Override
                        public byte[] encode(StringBuilder value) {
                            encodes++;
                            return value.toString().getBytes(StandardCharsets.UTF_8);
                        }
                    },
                    v -> v.toString().startsWith("pin"));
        }

        @Override
        public void processElement(StreamRecord<String> element) throws Exception {
            String key = (String) getCurrentKey();
            StringBuilder value = cache.get(key);
            value.append(element.getValue().substring(element.getValue().indexOf(':') + 1));
            String out = key + "=" + value;
            cache.evictIfNeeded();
            output.collect(new StreamRecord<>(out + " current=" + getCurrentKey()));
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            cache.writeBackAll();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            AppendOperator op) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                op, s -> s.substring(0, s.indexOf(':')), Types.STRING);
        h.setup();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, String, String> h,
            String... elements) throws Exception {
        for (String e : elements) {
            h.processElement(new StreamRecord<>(e));
        }
    }

    private static String last(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        var out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void evictedValuesAreWrittenBackAndReloadedAndTheCurrentKeyIsKept() throws Exception {
        AppendOperator op = new AppendOperator();
        var h = harness(op);
        h.open();
        send(h, "a:1", "b:1", "c:1");
        assertThat(op.cache.size()).isEqualTo(2);
        assertThat(op.cache.peek("a")).as("least recently used: evicted").isNull();
        assertThat(op.encodes).isEqualTo(1);
        assertThat(last(h)).isEqualTo("c=1 current=c");

        send(h, "a:2");
        assertThat(op.decodes).isEqualTo(1);
        assertThat(last(h)).isEqualTo("a=12 current=a");
        h.close();
    }

    @Test
    void pinnedValuesAreNeverEvicted() throws Exception {
        AppendOperator op = new AppendOperator();
        var h = harness(op);
        h.open();
        send(h, "a:pin", "b:1", "c:1", "d:1");
        assertThat(op.cache.peek("a")).hasToString("pin");
        assertThat(op.cache.size()).isEqualTo(2);
        h.close();
    }

    @Test
    void aSnapshotHoldsEveryModifiedValueAndWritesOnlyThoseAgain() throws Exception {
        AppendOperator op = new AppendOperator();
        var h = harness(op);
        h.open();
        send(h, "a:1", "b:1");
        OperatorSubtaskState first = h.snapshot(1, 1);
        assertThat(op.encodes).isEqualTo(2);
        h.snapshot(2, 2);
        assertThat(op.encodes).as("nothing modified since").isEqualTo(2);
        send(h, "b:2");
        h.snapshot(3, 3);
        assertThat(op.encodes).isEqualTo(3);
        h.close();

        AppendOperator restoredOp = new AppendOperator();
        var restored = harness(restoredOp);
        restored.initializeState(first);
        restored.open();
        send(restored, "b:3", "a:3");
        assertThat(restored.extractOutputValues())
                .containsExactly("b=13 current=b", "a=13 current=a");
        assertThat(restoredOp.decodes).isEqualTo(2);
        restored.close();
    }
}

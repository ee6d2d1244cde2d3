package io.vaeanomaly.testdata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Seeded generator of hostile Kafka records for the job's input: a mix of valid events and
 * every kind of malformed input a producer can send. The job must score or dead-letter each one
 * and never stop. Records use the test schema ({@link StreamData}: key field {@code host},
 * features cpu, mem, disk, net) and carry an event time field {@code ts}.
 *
 * <p>Kinds (roughly equal shares, valid events about a third): random bytes, truncated JSON,
 * byte-mutated JSON, huge and tiny numbers, deep nesting, very long strings, wrong types,
 * duplicate keys, invalid UTF-8, oversized records (a few, near {@link #OVERSIZED_BYTES}),
 * event times and record timestamps far in the past and future.
 */
public final class InputFuzzer {
    /** Size of the oversized records: just under Kafka's default 1 MB request limit. */
    public static final int OVERSIZED_BYTES = 900_000;

    /** One fuzzed record; {@code timestampMs} is the Kafka record timestamp. */
    public record Fuzzed(String kind, byte[] key, byte[] value, long timestampMs) {}

    private static final long YEAR_MS = 365L * 24 * 3600 * 1000;
    private static final String[] KINDS = {
        "valid", "valid", "valid", "valid", "random-bytes", "truncated-json", "mutated-json",
        "huge-tiny-numbers", "deep-nesting", "long-string", "wrong-types", "duplicate-keys",
        "invalid-utf8", "far-time", "valid", "random-bytes"
    };

    private final Random random;
    private final StreamData data;
    private final long now;
    private final int oversizedEvery;
    private long count;

    /**
     * @param seed makes the sequence repeatable
     * @param now the wall-clock reference for "past" and "future" timestamps
     * @param oversizedEvery one record in this many is oversized (0 = none)
     */
    public InputFuzzer(long seed, long now, int oversizedEvery) {
        this.random = new Random(seed);
        this.data = new StreamData(seed);
        this.now = now;
        this.oversizedEvery = oversizedEvery;
    }

    /** The next record. */
    public Fuzzed next() {
        count++;
        if (oversizedEvery > 0 && count % oversizedEvery == 0) {
            return oversized();
        }
        String kind = KINDS[random.nextInt(KINDS.length)];
        String host = "host-" + random.nextInt(8);
        byte[] key = bytes(host);
        long ts = now - random.nextInt(60_000);
        return switch (kind) {
            case "valid" -> new Fuzzed(kind, key, bytes(valid(host, ts)), ts);
            case "random-bytes" -> {
                byte[] b = new byte[random.nextInt(600)];
                random.nextBytes(b);
                yield new Fuzzed(kind, random.nextBoolean() ? null : b, b, ts);
            }
            case "truncated-json" -> {
                String v = valid(host, ts);
                yield new Fuzzed(kind, key, bytes(v.substring(0, random.nextInt(v.length()))),
                        ts);
            }
            case "mutated-json" -> new Fuzzed(kind, key, mutate(bytes(valid(host, ts))), ts);
            case "huge-tiny-numbers" -> new Fuzzed(kind, key, bytes(event(host, ts,
                    number(), number(), number(), number())), ts);
            case "deep-nesting" -> new Fuzzed(kind, key, bytes(deep(host, ts)), ts);
            case "long-string" -> new Fuzzed(kind, key, bytes(longString(host, ts)), ts);
            case "wrong-types" -> new Fuzzed(kind, key, bytes(wrongTypes(host, ts)), ts);
            case "duplicate-keys" -> new Fuzzed(kind, key, bytes(duplicateKeys(host, ts)), ts);
            case "invalid-utf8" -> new Fuzzed(kind, invalidUtf8(key), invalidUtf8(
                    bytes(valid(host, ts))), ts);
            default -> farTime(host, key);
        };
    }

    /** {@code n} records. */
    public List<Fuzzed> next(int n) {
        List<Fuzzed> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    private String valid(String host, long ts) {
        double[] x = data.normal();
        return event(host, ts, num(x[0]), num(x[1]), num(x[2]), num(x[3]));
    }

    private static String event(String host, long ts, String cpu, String mem, String disk,
            String net) {
        return "{\"host\":\"" + host + "\",\"ts\":" + ts + ",\"cpu\":" + cpu + ",\"mem\":" + mem
                + ",\"disk\":" + disk + ",\"net\":" + net + "}";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private String number() {
        String[] odd = {"1e308", "-1e308", "1e-320", "4.9e-324", "1e999", "-1e999", "0e0",
            "123456789012345678901234567890", "-0", "2e15", "1.7976931348623157E308", "0.1",
            "-0.5", "1E+2"};
        return odd[random.nextInt(odd.length)];
    }

    private byte[] mutate(byte[] b) {
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] = (byte) "{}[]\",:0123456789eE-+.ntf \\".charAt(
                        random.nextInt(27));
                default -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
            }
        }
        return b;
    }

    private String deep(String host, long ts) {
        int depth = 50 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        StringBuilder sb = new StringBuilder("{\"host\":\"" + host + "\",\"ts\":" + ts
                + ",\"cpu\":");
        sb.append(open.repeat(depth)).append('1').append(close.repeat(depth));
        sb.append(",\"mem\":0.2,\"disk\":0.3,\"net\":0.4}");
        return sb.toString();
    }

    private String longString(String host, long ts) {
        String s = "x".repeat(10_000 + random.nextInt(200_000));
        return switch (random.nextInt(3)) {
            case 0 -> "{\"host\":\"" + s + "\",\"ts\":" + ts
                    + ",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}";
            case 1 -> event(host, ts, "\"" + s + "\"", "0.2", "0.3", "0.4");
            default -> "{\"host\":\"" + host + "\",\"ts\":" + ts + ",\"note\":\"" + s
                    + "\",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}";
        };
    }

    private String wrongTypes(String host, long ts) {
        String[] values = {"true", "null", "\"0.5\"", "[0.5]", "{\"v\":0.5}", "\"\"", "false"};
        String v = values[random.nextInt(values.length)];
        return switch (random.nextInt(4)) {
            case 0 -> event(host, ts, v, "0.2", "0.3", "0.4");
            case 1 -> "{\"host\":" + v + ",\"ts\":" + ts
                    + ",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}";
            case 2 -> "{\"host\":\"" + host + "\",\"ts\":" + v
                    + ",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4}";
            default -> random.nextBoolean() ? "[" + valid(host, ts) + "]" : v;
        };
    }

    private String duplicateKeys(String host, long ts) {
        String v = valid(host, ts);
        return v.substring(0, v.length() - 1) + ",\"cpu\":" + (random.nextBoolean() ? "0.7"
                : "\"high\"") + "}";
    }

    private byte[] invalidUtf8(byte[] b) {
        if (b.length < 4) {
            return new byte[] {(byte) 0xC3, (byte) 0x28};
        }
        byte[] out = b.clone();
        int at = 1 + random.nextInt(out.length - 2);
        byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF, (byte) 0xFE},
            {(byte) 0xED, (byte) 0xA0}, {(byte) 0x80, (byte) 0x80}};
        byte[] seq = bad[random.nextInt(bad.length)];
        out[at] = seq[0];
        out[at + 1] = seq[1];
        return out;
    }

    /** A valid event whose event time and record timestamp are decades away. */
    private Fuzzed farTime(String host, byte[] key) {
        long[] times = {now + 30 * YEAR_MS, now - 30 * YEAR_MS, 0, 1, now + 2 * 3600 * 1000,
            253_402_300_799_000L};
        long ts = times[random.nextInt(times.length)];
        return new Fuzzed("far-time", key, bytes(valid(host, ts)), ts);
    }

    private Fuzzed oversized() {
        String host = "host-big";
        StringBuilder sb = new StringBuilder(OVERSIZED_BYTES + 200);
        if (random.nextBoolean()) {
            // Valid JSON with a huge extra field: a scored event whose outputs embed it.
            sb.append("{\"host\":\"").append(host).append("\",\"ts\":").append(now)
                    .append(",\"cpu\":0.1,\"mem\":0.2,\"disk\":0.3,\"net\":0.4,\"pad\":\"")
                    .append("p".repeat(OVERSIZED_BYTES)).append("\"}");
        } else {
            sb.append("z".repeat(OVERSIZED_BYTES));
        }
        return new Fuzzed("oversized", bytes(host), bytes(sb.toString()), now);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

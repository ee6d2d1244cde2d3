package io.vaeanomaly.serde;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the features, in vector order. One instance is shared by all events an
 * {@link EventParser} produces, and by all events {@link EventSerializer} reads with the same
 * names in one JVM (it interns schemas by {@link #id()}); compare with {@link #equals}, which
 * takes the identity shortcut.
 */
public final class FeatureSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names;
    // Derived caches; transient, so that the serialised form (Java and Kryo, which savepoints
    // of earlier versions hold) stays the list of names alone.
    private transient Map<String, Integer> index;
    private transient byte[] encodedNames;
    private transient long id;

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

    /**
     * A 64-bit fingerprint of the names (the first 8 bytes of the SHA-256 of
     * {@link #encodedNames()}): equal names, equal id; different names collide with negligible
     * probability (about n^2 / 2^65 for n schemas).
     */
    public long id() {
        if (id == 0) {
            id = fingerprint(encodedNames());
        }
        return id;
    }

    /**
     * The names as bytes, losslessly for any Java string and any length: their count, then per
     * name its length {@code n} and its bytes when it is ASCII, or {@code -n-1} and its UTF-16
     * chars otherwise. Cached; do not modify.
     */
    byte[] encodedNames() {
        if (encodedNames == null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * names.size());
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(names.size());
                for (String n : names) {
                    if (isAscii(n)) {
                        out.writeInt(n.length());
                        out.writeBytes(n);
                    } else {
                        out.writeInt(-n.length() - 1);
                        out.writeChars(n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen in memory
            }
            encodedNames = bytes.toByteArray();
        }
        return encodedNames;
    }

    /** The schema of {@link #encodedNames()} bytes. */
    static FeatureSchema decode(byte[] encoded) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            int count = in.getInt();
            if (count < 1 || count > encoded.length) {
                throw new IOException("corrupt feature names: count " + count);
            }
            java.util.ArrayList<String> names = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = in.getInt();
                if (n >= 0) {
                    byte[] ascii = new byte[n];
                    in.get(ascii);
                    names.add(new String(ascii, java.nio.charset.StandardCharsets.US_ASCII));
                } else {
                    char[] chars = new char[-(n + 1)];
                    for (int c = 0; c < chars.length; c++) {
                        chars[c] = in.getChar();
                    }
                    names.add(new String(chars));
                }
            }
            if (in.hasRemaining()) {
                throw new IOException("corrupt feature names: " + in.remaining()
                        + " bytes after the last name");
            }
            FeatureSchema schema = new FeatureSchema(names);
            schema.encodedNames = encoded;
            return schema;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException
                | NegativeArraySizeException e) {
            throw new IOException("corrupt feature names: " + e, e);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static long fingerprint(byte[] encodedNames) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(encodedNames);
            long v = ByteBuffer.wrap(sha).getLong();
            return v == 0 ? 1 : v; // 0 marks "not computed"
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof FeatureSchema other && names.equals(other.names));
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

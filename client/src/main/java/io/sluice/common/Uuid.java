package io.sluice.common;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A 128-bit id (topic ids, cluster ids). On the wire: 16 bytes, most significant half first.
 * Text form: URL-safe base64 without padding, 22 characters. {@link #ZERO} means "no id".
 */
public record Uuid(long mostSignificantBits, long leastSignificantBits) implements Comparable<Uuid> {
    public static final Uuid ZERO = new Uuid(0L, 0L);
    /** Reserved, like {@link #ZERO}; never generated. */
    public static final Uuid ONE = new Uuid(0L, 1L);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A random id that is neither reserved nor starts with '-' in text form (so it never looks like a flag). */
    public static Uuid randomUuid() {
        while (true) {
            java.util.UUID u = new java.util.UUID(RANDOM.nextLong(), RANDOM.nextLong());
            Uuid id = new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
            if (!id.equals(ZERO) && !id.equals(ONE) && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    public static Uuid fromString(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a valid id: '" + text + "'", e);
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("Not a valid id: '" + text + "' decodes to " + bytes.length + " bytes, not 16");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new Uuid(b.getLong(), b.getLong());
    }

    @Override
    public String toString() {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(mostSignificantBits).putLong(leastSignificantBits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    @Override
    public int compareTo(Uuid o) {
        int c = Long.compare(mostSignificantBits, o.mostSignificantBits);
        return c != 0 ? c : Long.compare(leastSignificantBits, o.leastSignificantBits);
    }
}

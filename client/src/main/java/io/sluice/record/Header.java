package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One record header: a non-null UTF-8 key and a nullable byte value.
 *
 * <p>Immutable and thread-safe. The value is held as a read-only buffer; {@link #value()} returns a fresh
 * duplicate each time, so callers may move its position freely. Headers read from a batch share the batch's
 * bytes (no copy); headers created with {@link #of(String, byte[])} copy the array.
 */
public record Header(String key, ByteBuffer value) {

    public Header {
        Objects.requireNonNull(key, "header key");
        value = value == null ? null : value.slice().asReadOnlyBuffer();
    }

    /** A header whose value is a copy of {@code value} (may be null). */
    public static Header of(String key, byte[] value) {
        return new Header(key, value == null ? null : ByteBuffer.wrap(value.clone()));
    }

    /** The value bytes from position 0 (a read-only duplicate), or null. */
    @Override
    public ByteBuffer value() {
        return value == null ? null : value.duplicate();
    }

    /** A copy of the value bytes, or null. */
    public byte[] valueBytes() {
        return Record.copyOf(value);
    }

    @Override
    public String toString() {
        return "Header(key=" + key + ", value=" + (value == null ? "null" : value.remaining() + " bytes") + ")";
    }
}

package io.sluice.record;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Zig-zag varints as used inside v2 records: LEB128 groups of 7 bits, low group first, high bit = "more";
 * the value is zig-zag mapped first ({@code (n << 1) ^ (n >> 31)}, or {@code >> 63} for longs) so small
 * negative numbers stay short. At most 5 bytes for an int and 10 for a long; longer encodings are rejected
 * (bits beyond the type's width in the last byte are ignored, as Kafka does).
 *
 * <p>Readers check bounds and throw {@link InvalidRecordException} naming the field, never a buffer exception.
 * Stateless; thread-safe.
 */
final class Varint {
    static final int MAX_INT_BYTES = 5;
    static final int MAX_LONG_BYTES = 10;

    private Varint() {
    }

    /** Reads a zig-zag varint at the buffer's position and advances it. */
    static int readInt(ByteBuffer buffer, String field) {
        int raw = 0;
        for (int i = 0; i < MAX_INT_BYTES; i++) {
            if (!buffer.hasRemaining()) {
                throw new InvalidRecordException("Truncated varint for " + field + " after " + i + " bytes");
            }
            int b = buffer.get() & 0xff;
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new InvalidRecordException("Varint for " + field + " is longer than " + MAX_INT_BYTES + " bytes");
    }

    /** Reads a zig-zag varlong at the buffer's position and advances it. */
    static long readLong(ByteBuffer buffer, String field) {
        long raw = 0;
        for (int i = 0; i < MAX_LONG_BYTES; i++) {
            if (!buffer.hasRemaining()) {
                throw new InvalidRecordException("Truncated varlong for " + field + " after " + i + " bytes");
            }
            long b = buffer.get() & 0xff;
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new InvalidRecordException("Varlong for " + field + " is longer than " + MAX_LONG_BYTES + " bytes");
    }

    /**
     * Reads a zig-zag varint from a stream whose first byte has already been read ({@code firstByte}, not -1).
     *
     * @throws EOFException if the stream ends inside the varint
     */
    static int readInt(int firstByte, InputStream in, String field) throws IOException {
        int raw = 0;
        int b = firstByte;
        for (int i = 0; i < MAX_INT_BYTES; i++) {
            if (i > 0) {
                b = in.read();
                if (b < 0) {
                    throw new EOFException("Truncated varint for " + field + " after " + i + " bytes");
                }
            }
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new InvalidRecordException("Varint for " + field + " is longer than " + MAX_INT_BYTES + " bytes");
    }

    static void writeInt(ByteBuffer buffer, int value) {
        writeUnsigned(buffer, ((long) ((value << 1) ^ (value >> 31))) & 0xffffffffL);
    }

    static void writeLong(ByteBuffer buffer, long value) {
        writeUnsigned(buffer, (value << 1) ^ (value >> 63));
    }

    private static void writeUnsigned(ByteBuffer buffer, long raw) {
        while ((raw & ~0x7fL) != 0) {
            buffer.put((byte) ((raw & 0x7f) | 0x80));
            raw >>>= 7;
        }
        buffer.put((byte) raw);
    }

    static int sizeOfInt(int value) {
        return sizeOfUnsigned(((long) ((value << 1) ^ (value >> 31))) & 0xffffffffL);
    }

    static int sizeOfLong(long value) {
        return sizeOfUnsigned((value << 1) ^ (value >> 63));
    }

    private static int sizeOfUnsigned(long raw) {
        int bytes = 1;
        while ((raw & ~0x7fL) != 0) {
            bytes++;
            raw >>>= 7;
        }
        return bytes;
    }
}

package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC-32C (Castagnoli), the checksum of v2 record batches. Stateless; thread-safe. */
final class Crc32c {
    private Crc32c() {
    }

    /**
     * The CRC-32C of {@code length} bytes of {@code buffer} starting at absolute index {@code offset}, as an
     * unsigned 32-bit value. Does not change the buffer's position or limit.
     */
    static long compute(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer range = buffer.duplicate();
        range.limit(offset + length).position(offset);
        crc.update(range);
        return crc.getValue();
    }

    /** The CRC-32C of a byte array range. */
    static long compute(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}

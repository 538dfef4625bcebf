package io.sluice.record;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.xerial.snappy.Snappy;

/**
 * Opens the snappy payload of a batch, in either of the two forms seen on the wire:
 *
 * <ul>
 *   <li><b>xerial framing</b> (what the Java client writes): the 8 bytes {@code 82 53 4E 41 50 50 59 00}
 *       ("\x82SNAPPY\0"), INT32 version, INT32 minimum compatible version, then chunks of
 *       {@code INT32 compressedLength} + one raw snappy block. A second header may appear between chunks
 *       (concatenated streams) and is skipped.</li>
 *   <li><b>raw</b> (what librdkafka writes): one raw snappy block, which begins with the uncompressed length as
 *       an unsigned varint.</li>
 * </ul>
 *
 * <p>The whole payload is already in memory, so every length is checked against the bytes that hold it before
 * anything is allocated; and since one snappy element of at least 2 bytes expands to at most 64, a block
 * claiming more than {@value #MAX_EXPANSION} times its size is rejected rather than allocated. This is why we
 * do not use snappy-java's {@code SnappyInputStream}, which trusts chunk lengths up to 512 MiB.
 * Stateless; thread-safe (the returned streams are not).
 */
final class SnappyPayloadReader {
    static final byte[] XERIAL_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int XERIAL_HEADER_BYTES = XERIAL_MAGIC.length + 8;
    private static final int MAX_EXPANSION = 22;

    private SnappyPayloadReader() {
    }

    static InputStream open(ByteBuffer payload) throws IOException {
        ByteBuffer in = payload.slice();
        if (startsWithXerialHeader(in)) {
            return new XerialStream(in);
        }
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return new ByteArrayInputStream(uncompressBlock(bytes, 0, bytes.length));
    }

    private static boolean startsWithXerialHeader(ByteBuffer in) {
        if (in.remaining() < XERIAL_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < XERIAL_MAGIC.length; i++) {
            if (in.get(in.position() + i) != XERIAL_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] uncompressBlock(byte[] bytes, int offset, int length) throws IOException {
        int uncompressed = Snappy.uncompressedLength(bytes, offset, length);
        if (uncompressed < 0 || uncompressed > (long) MAX_EXPANSION * length) {
            throw new IOException("Snappy block of " + length + " bytes claims " + (uncompressed & 0xffffffffL)
                + " uncompressed bytes");
        }
        byte[] out = new byte[uncompressed];
        int produced = Snappy.uncompress(bytes, offset, length, out, 0);
        if (produced != uncompressed) {
            throw new IOException("Snappy block produced " + produced + " bytes, expected " + uncompressed);
        }
        return out;
    }

    /** Decompresses xerial chunks one at a time. Not thread-safe. */
    private static final class XerialStream extends InputStream {
        private final ByteBuffer in;
        private byte[] chunk = new byte[0];
        private int chunkPosition;

        XerialStream(ByteBuffer in) throws IOException {
            this.in = in;
            skipHeader();
        }

        private void skipHeader() throws IOException {
            if (in.remaining() < XERIAL_HEADER_BYTES) {
                throw new IOException("Truncated xerial snappy header: " + in.remaining() + " bytes");
            }
            in.position(in.position() + XERIAL_HEADER_BYTES);
        }

        /** Loads the next non-empty chunk; false at the end of the payload. */
        private boolean nextChunk() throws IOException {
            while (in.hasRemaining()) {
                if (startsWithXerialHeader(in)) {
                    skipHeader();
                    continue;
                }
                if (in.remaining() < 4) {
                    throw new IOException("Truncated xerial snappy chunk length: " + in.remaining() + " bytes");
                }
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IOException("Xerial snappy chunk length " + length + " with " + in.remaining()
                        + " bytes left");
                }
                if (length == 0) {
                    continue;
                }
                byte[] compressed = new byte[length];
                in.get(compressed);
                chunk = uncompressBlock(compressed, 0, length);
                chunkPosition = 0;
                if (chunk.length > 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int read() throws IOException {
            if (chunkPosition == chunk.length && !nextChunk()) {
                return -1;
            }
            return chunk[chunkPosition++] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (chunkPosition == chunk.length && !nextChunk()) {
                return -1;
            }
            int n = Math.min(length, chunk.length - chunkPosition);
            System.arraycopy(chunk, chunkPosition, target, offset, n);
            chunkPosition += n;
            return n;
        }

        @Override
        public int available() {
            return chunk.length - chunkPosition;
        }
    }
}

package io.sluice.record;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The compression codec of a batch: attribute bits 0-2. A compressed batch holds one compressed blob of all its
 * records; the codec's wire format is:
 *
 * <ul>
 *   <li>{@link #GZIP}: a standard gzip stream (JDK).</li>
 *   <li>{@link #SNAPPY}: written with xerial framing (as the Java client does); read in xerial or raw form
 *       (librdkafka writes raw). See {@code SnappyPayloadReader}.</li>
 *   <li>{@link #LZ4}: the LZ4 frame format, magic {@code 0x184D2204}, independent blocks, 64 KiB maximum block
 *       size, no block checksum, no content size, a correct header checksum. lz4-java's frame streams, with
 *       those options, write exactly the bytes kafka-clients writes (checked by a test), and read frames with
 *       or without the optional checksums and content size. Dependent-block frames are rejected, as Kafka
 *       does.</li>
 *   <li>{@link #ZSTD}: a standard zstd frame, level 3 (Kafka's default).</li>
 * </ul>
 *
 * Stateless; thread-safe. The streams it returns are not thread-safe.
 */
public enum CompressionType {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    /** zstd level used when writing; Kafka's default. */
    public static final int ZSTD_LEVEL = 3;
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String configName;

    CompressionType(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    /** The codec id stored in attribute bits 0-2. */
    public int id() {
        return id;
    }

    /** The lower-case name used by the {@code compression.type} configs. */
    public String configName() {
        return configName;
    }

    /**
     * The codec with this id.
     *
     * @throws InvalidRecordException for ids 5-7 (or anything else), which no codec uses
     */
    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new InvalidRecordException("Unknown compression codec id " + id);
        }
        return BY_ID[id];
    }

    /**
     * The codec with this config name, case-insensitive ({@code none}, {@code gzip}, {@code snappy}, {@code lz4},
     * {@code zstd}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static CompressionType forConfigName(String name) {
        for (CompressionType type : BY_ID) {
            if (type.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown compression type '" + name + "'; expected one of none, gzip, "
            + "snappy, lz4, zstd");
    }

    /**
     * A stream that compresses what is written to it into {@code out}. Closing it finishes the codec's frame and
     * closes {@code out}. For {@link #NONE} the bytes pass through unchanged.
     */
    public OutputStream wrapForOutput(OutputStream out) throws IOException {
        switch (this) {
            case NONE:
                return out;
            case GZIP:
                return new BufferedOutputStream(new GZIPOutputStream(out, BUFFER_BYTES), BUFFER_BYTES);
            case SNAPPY:
                return new SnappyOutputStream(out);
            case LZ4:
                return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
            case ZSTD:
                return new BufferedOutputStream(new ZstdOutputStream(out, ZSTD_LEVEL), BUFFER_BYTES);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * A stream of the decompressed bytes of {@code payload} (from its position to its limit; the buffer itself
     * is not changed, but must not change while the stream is read). Malformed input, including failures the
     * codec libraries report as unchecked exceptions, surfaces as {@link IOException}, either here or on read.
     * The caller must close the stream (zstd holds native memory).
     */
    public InputStream wrapForInput(ByteBuffer payload) throws IOException {
        InputStream source = new ByteBufferInputStream(payload);
        try {
            switch (this) {
                case NONE:
                    return source;
                case GZIP:
                    return new BufferedInputStream(new CodecInputStream(new GZIPInputStream(source, BUFFER_BYTES),
                        configName), BUFFER_BYTES);
                case SNAPPY:
                    return new CodecInputStream(SnappyPayloadReader.open(payload), configName);
                case LZ4:
                    return new CodecInputStream(new LZ4FrameInputStream(source), configName);
                case ZSTD:
                    return new BufferedInputStream(new CodecInputStream(new ZstdInputStream(source), configName),
                        BUFFER_BYTES);
                default:
                    throw new AssertionError(this);
            }
        } catch (RuntimeException e) { // e.g. lz4-java rejecting the frame header in the constructor
            throw new IOException(configName + " decompression failed: " + e.getMessage(), e);
        }
    }

    /**
     * An upper bound of the size of {@code uncompressedBytes} bytes once written through
     * {@link #wrapForOutput} in one write and closed: the size of incompressible input plus the codec's worst
     * framing overhead. Saturates at {@link Integer#MAX_VALUE}.
     */
    public int maxCompressedSize(int uncompressedBytes) {
        long n = Math.max(0, uncompressedBytes);
        long bound;
        switch (this) {
            case NONE:
                bound = n;
                break;
            case GZIP: // deflate stores incompressible data with 5 bytes per block <= 16 KiB; gzip adds 18
                bound = n + (n >> 8) + 64;
                break;
            case SNAPPY: // 16-byte header; per 32 KiB chunk a length and snappy's bound 32 + c + c/6
                bound = n + n / 6 + 36 * (n / (32 * 1024) + 1) + 48;
                break;
            case LZ4: // 7-byte header and 4-byte end mark; per 64 KiB block a length; lz4's bound n + n/255 + 16
                bound = n + n / 255 + 8 * (n / (64 * 1024) + 1) + 32;
                break;
            case ZSTD: // ZSTD_compressBound is n + n/256 + at most 64, plus the frame header
                bound = n + (n >> 7) + 256;
                break;
            default:
                throw new AssertionError(this);
        }
        return (int) Math.min(bound, Integer.MAX_VALUE);
    }
}

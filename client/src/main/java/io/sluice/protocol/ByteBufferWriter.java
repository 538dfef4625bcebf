package io.sluice.protocol;

import io.sluice.record.Records;
import io.sluice.record.MemoryRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes Kafka's primitive types into a heap buffer that grows as needed. Not thread-safe.
 * {@link #toByteBuffer()} hands out the written bytes without copying; the writer must not be used after.
 *
 * <p>A writer made with {@link #deferringRecords} does not copy records that are not in memory (log file
 * slices): it notes where they go ({@link #deferredRecords()}), so the network layer can send them from the
 * file without copying, between the written bytes.
 */
public final class ByteBufferWriter {
    /** Records to be sent at {@code position} of the written bytes, instead of being copied into them. */
    public record DeferredRecords(int position, Records records) {
    }

    private ByteBuffer buf;
    private final boolean deferRecords;
    private final List<DeferredRecords> deferred = new ArrayList<>(0);

    public ByteBufferWriter(int initialCapacity) {
        this(initialCapacity, false);
    }

    private ByteBufferWriter(int initialCapacity, boolean deferRecords) {
        this.buf = ByteBuffer.allocate(Math.max(16, initialCapacity));
        this.deferRecords = deferRecords;
    }

    public static ByteBufferWriter deferringRecords(int initialCapacity) {
        return new ByteBufferWriter(initialCapacity, true);
    }

    /** Records left out of the written bytes, in order, with the position at which each belongs. */
    public List<DeferredRecords> deferredRecords() {
        return List.copyOf(deferred);
    }

    public ByteBufferWriter() {
        this(256);
    }

    private void ensure(int bytes) {
        if (buf.remaining() < bytes) {
            long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + bytes);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new ProtocolException("Message larger than 2 GiB");
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) wanted);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    public int position() {
        return buf.position();
    }

    public ByteBufferWriter writeByte(byte v) {
        ensure(1);
        buf.put(v);
        return this;
    }

    public ByteBufferWriter writeBoolean(boolean v) {
        return writeByte(v ? (byte) 1 : (byte) 0);
    }

    public ByteBufferWriter writeShort(short v) {
        ensure(2);
        buf.putShort(v);
        return this;
    }

    public ByteBufferWriter writeInt(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    public ByteBufferWriter writeLong(long v) {
        ensure(8);
        buf.putLong(v);
        return this;
    }

    public ByteBufferWriter writeDouble(double v) {
        ensure(8);
        buf.putDouble(v);
        return this;
    }

    public ByteBufferWriter writeUnsignedVarint(int v) {
        ensure(5);
        while ((v & ~0x7f) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
        return this;
    }

    public ByteBufferWriter writeUnsignedVarlong(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
        return this;
    }

    public ByteBufferWriter writeVarint(int v) {
        return writeUnsignedVarint((v << 1) ^ (v >> 31));
    }

    public ByteBufferWriter writeVarlong(long v) {
        return writeUnsignedVarlong((v << 1) ^ (v >> 63));
    }

    public ByteBufferWriter writeBytes(byte[] bytes) {
        ensure(bytes.length);
        buf.put(bytes);
        return this;
    }

    /** Copies {@code src}'s remaining bytes without moving its position. */
    public ByteBufferWriter writeBytes(ByteBuffer src) {
        ensure(src.remaining());
        buf.put(src.duplicate());
        return this;
    }

    public ByteBufferWriter writeRecords(Records records) {
        if (deferRecords && !(records instanceof MemoryRecords)) {
            deferred.add(new DeferredRecords(buf.position(), records));
            return this;
        }
        ensure(records.sizeInBytes());
        records.writeTo(buf);
        return this;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes written so far, positioned at 0. */
    public ByteBuffer toByteBuffer() {
        ByteBuffer out = buf.duplicate();
        out.flip();
        return out;
    }

    /** Size in bytes of {@code v} as an unsigned varint. */
    public static int sizeOfUnsignedVarint(int v) {
        int bytes = 1;
        while ((v & ~0x7f) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    public static int sizeOfVarint(int v) {
        return sizeOfUnsignedVarint((v << 1) ^ (v >> 31));
    }

    public static int sizeOfVarlong(long v) {
        long u = (v << 1) ^ (v >> 63);
        int bytes = 1;
        while ((u & ~0x7fL) != 0) {
            bytes++;
            u >>>= 7;
        }
        return bytes;
    }
}

package io.sluice.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads Kafka's primitive types from a {@link ByteBuffer}, checking every length against the bytes that are
 * actually there before allocating anything, so hostile input ends in a {@link ProtocolException}, never in
 * an OutOfMemoryError or a BufferUnderflowException. Not thread-safe. Slices it returns share the buffer.
 */
public final class ByteBufferReader {
    private final ByteBuffer buf;

    public ByteBufferReader(ByteBuffer buf) {
        this.buf = buf;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int remaining() {
        return buf.remaining();
    }

    public int position() {
        return buf.position();
    }

    private void need(int bytes, String what) {
        if (buf.remaining() < bytes) {
            throw new ProtocolException("Truncated input: " + what + " needs " + bytes + " bytes at position "
                + buf.position() + " but only " + buf.remaining() + " remain");
        }
    }

    public byte readByte() {
        need(1, "INT8");
        return buf.get();
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public short readShort() {
        need(2, "INT16");
        return buf.getShort();
    }

    public int readUnsignedShort() {
        return readShort() & 0xffff;
    }

    public int readInt() {
        need(4, "INT32");
        return buf.getInt();
    }

    public long readUnsignedInt() {
        return readInt() & 0xffffffffL;
    }

    public long readLong() {
        need(8, "INT64");
        return buf.getLong();
    }

    public double readDouble() {
        need(8, "FLOAT64");
        return buf.getDouble();
    }

    public int readUnsignedVarint() {
        int value = 0;
        for (int i = 0; i < 5; i++) {
            int b = readByte();
            if (i == 4 && (b & 0xf0) != 0) {
                throw new ProtocolException("Unsigned varint at position " + (buf.position() - 5) + " does not fit in 32 bits");
            }
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProtocolException("Varint longer than 5 bytes at position " + (buf.position() - 5));
    }

    public long readUnsignedVarlong() {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            long b = readByte();
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProtocolException("Varlong longer than 10 bytes at position " + (buf.position() - 10));
    }

    public int readVarint() {
        int raw = readUnsignedVarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    public long readVarlong() {
        long raw = readUnsignedVarlong();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A slice of the next {@code length} bytes (shares the buffer), advancing past them. */
    public ByteBuffer readSlice(int length, String what) {
        if (length < 0) {
            throw new ProtocolException("Negative length " + length + " for " + what);
        }
        need(length, what);
        ByteBuffer slice = buf.slice();
        slice.limit(length);
        buf.position(buf.position() + length);
        return slice;
    }

    public void skip(int length, String what) {
        readSlice(length, what);
    }

    public String readUtf8(int length, String what) {
        ByteBuffer slice = readSlice(length, what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(slice)
                .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("Invalid UTF-8 in " + what, e);
        }
    }
}

package io.sluice.record;

import java.io.OutputStream;
import java.nio.ByteBuffer;

/** An output stream into a heap buffer that grows as needed. Not thread-safe. */
final class ByteBufferOutputStream extends OutputStream {
    private ByteBuffer buffer;

    ByteBufferOutputStream(int initialCapacity) {
        this.buffer = ByteBuffer.allocate(Math.max(16, initialCapacity));
    }

    @Override
    public void write(int b) {
        ensureRoom(1);
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensureRoom(length);
        buffer.put(bytes, offset, length);
    }

    /** Bytes written so far. */
    int position() {
        return buffer.position();
    }

    /** Moves the write position (within what was already written or reserved). */
    void position(int position) {
        ensureRoom(Math.max(0, position - buffer.position()));
        buffer.position(position);
    }

    /** The underlying buffer; its position is the number of bytes written. Replaced when the stream grows. */
    ByteBuffer buffer() {
        return buffer;
    }

    private void ensureRoom(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        long needed = (long) buffer.position() + bytes;
        long grown = Math.max(needed, buffer.capacity() * 2L);
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("Output of " + needed + " bytes does not fit in a buffer");
        }
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(grown, Integer.MAX_VALUE - 8));
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
    }
}

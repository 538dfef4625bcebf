package io.sluice.core.log;

import io.sluice.record.FileChannelRecords;
import io.sluice.record.MemoryRecords;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A read-only window {@code [position, position + sizeInBytes)} of a segment's log file: whole record batches,
 * starting on a batch boundary, the last of which may be cut short when the read was limited by a byte count
 * (a fetch response may end with a partial batch; clients ignore it). Nothing is copied until someone asks:
 * the network layer sends it with {@code FileChannel.transferTo}, or copies it with {@link #writeTo}.
 *
 * <p>The channel belongs to the segment, which keeps it open until {@code file.delete.delay.ms} after the segment
 * leaves the log, so a slice stays readable for that long; nobody else may close it. A follower's truncation may
 * shrink the file under a slice; reading past the end then fails with an {@link EOFException}.
 *
 * <p>Immutable and thread-safe (reads are positional).
 */
public final class FileRecordsSlice implements FileChannelRecords {
    private final FileChannel channel;
    private final long position;
    private final int sizeInBytes;

    FileRecordsSlice(FileChannel channel, long position, int sizeInBytes) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (position < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("Invalid slice: position " + position + ", " + sizeInBytes + " bytes");
        }
        this.position = position;
        this.sizeInBytes = sizeInBytes;
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /**
     * Copies the slice into {@code target} at its position.
     *
     * @throws UncheckedIOException if the read fails or the file ends inside the slice
     */
    @Override
    public void writeTo(ByteBuffer target) {
        if (target.remaining() < sizeInBytes) {
            throw new IllegalArgumentException("Target has " + target.remaining() + " bytes left, slice needs "
                + sizeInBytes);
        }
        ByteBuffer window = target.slice(target.position(), sizeInBytes);
        try {
            readFully(channel, window, position);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + sizeInBytes + " bytes at position " + position
                + " of a log segment failed", e);
        }
        target.position(target.position() + sizeInBytes);
    }

    /** A heap copy of the slice's bytes. */
    public MemoryRecords toMemoryRecords() {
        ByteBuffer copy = ByteBuffer.allocate(sizeInBytes);
        writeTo(copy);
        copy.flip();
        return MemoryRecords.readableRecords(copy);
    }

    /** Reads until {@code target} is full. */
    static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new EOFException("File ends at position " + at + " with " + target.remaining()
                    + " bytes still to read (from position " + position + ")");
            }
            at += n;
        }
    }

    @Override
    public String toString() {
        return "FileRecordsSlice(position=" + position + ", sizeInBytes=" + sizeInBytes + ")";
    }
}

package io.sluice.core.log;

import io.sluice.record.CorruptRecordException;
import io.sluice.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the record batches of a log file between two positions, reading through a window buffer so that a scan
 * costs one read per window rather than one per batch. {@link #nextHeader()} reads just the batch header and
 * jumps over the records; {@link #nextBatch()} returns the whole batch. Batch layout: see {@link RecordBatch}.
 *
 * <p>Neither checks the CRC; they check only that a batch's declared size is possible. When no complete batch
 * starts at {@link #position()} they return null: at the end of the range {@link #tailBytes()} is 0, otherwise
 * the tail is torn (a crash in the middle of a write, or a read racing a truncation).
 *
 * <p>Not thread-safe: one scanner per scan. A {@link RecordBatch} returned by {@link #nextBatch()} shares the
 * window buffer and is valid only until the next call.
 */
final class FileBatchScanner {
    static final int DEFAULT_WINDOW_BYTES = 16 * 1024;

    /** The header fields of one batch, and where it is. */
    record BatchHeader(long position, int sizeInBytes, long baseOffset, int lastOffsetDelta, int partitionLeaderEpoch,
                       byte magic, long maxTimestamp, long producerId) {
        long lastOffset() {
            return baseOffset + lastOffsetDelta;
        }

        long nextOffset() {
            return lastOffset() + 1;
        }

        boolean hasProducerId() {
            return producerId >= 0;
        }
    }

    private final FileChannel channel;
    private final long end;
    private long position;
    private ByteBuffer window;
    /** File position of window byte 0; the window holds [windowStart, windowStart + window.limit()). */
    private long windowStart;

    FileBatchScanner(FileChannel channel, long start, long end) {
        this(channel, start, end, DEFAULT_WINDOW_BYTES);
    }

    FileBatchScanner(FileChannel channel, long start, long end, int windowBytes) {
        this.channel = channel;
        this.position = start;
        this.end = end;
        this.window = ByteBuffer.allocate(Math.max(windowBytes, RecordBatch.HEADER_SIZE));
        this.window.limit(0);
        this.windowStart = start;
    }

    /** Where the next batch starts (after a null result: where the tail begins). */
    long position() {
        return position;
    }

    /** Moves to {@code position} (a batch boundary seen earlier, to read a batch whose header was scanned). */
    void seek(long position) {
        this.position = position;
    }

    /** Bytes between {@link #position()} and the end of the range. */
    long tailBytes() {
        return end - position;
    }

    /**
     * The next batch's header, or null if no complete batch starts here.
     *
     * @throws CorruptRecordException if the batch's length field is below the size of a v2 header
     */
    BatchHeader nextHeader() throws IOException {
        BatchHeader header = peekHeader();
        if (header != null) {
            position += header.sizeInBytes();
        }
        return header;
    }

    /**
     * The next whole batch (sharing this scanner's buffer), or null if no complete batch starts here.
     *
     * @throws CorruptRecordException if the batch's length field is below the size of a v2 header
     */
    RecordBatch nextBatch() throws IOException {
        BatchHeader header = peekHeader();
        if (header == null) {
            return null;
        }
        int size = header.sizeInBytes();
        fill(position, size);
        int at = (int) (position - windowStart);
        RecordBatch batch = RecordBatch.wrap(window.duplicate().position(at).limit(at + size));
        position += size;
        return batch;
    }

    private BatchHeader peekHeader() throws IOException {
        long remaining = end - position;
        if (remaining < RecordBatch.HEADER_SIZE) {
            if (remaining >= RecordBatch.LOG_OVERHEAD) {
                fill(position, RecordBatch.LOG_OVERHEAD);
                checkLength(window.getInt((int) (position - windowStart) + 8));
            }
            return null;
        }
        fill(position, RecordBatch.HEADER_SIZE);
        int at = (int) (position - windowStart);
        int batchLength = window.getInt(at + 8);
        checkLength(batchLength);
        long size = RecordBatch.LOG_OVERHEAD + (long) batchLength;
        if (size > remaining) {
            return null;
        }
        return new BatchHeader(position, (int) size, window.getLong(at), window.getInt(at + 23), window.getInt(at + 12),
            window.get(at + 16), window.getLong(at + 35), window.getLong(at + 43));
    }

    private void checkLength(int batchLength) {
        if (batchLength < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch at position " + position + " declares batchLength "
                + batchLength + ", less than a v2 batch header");
        }
    }

    /** Makes [from, from + bytes) available in the window. */
    private void fill(long from, int bytes) throws IOException {
        if (from >= windowStart && from + bytes <= windowStart + window.limit()) {
            return;
        }
        if (bytes > window.capacity()) {
            window = ByteBuffer.allocate(bytes);
        }
        int toRead = (int) Math.min(window.capacity(), end - from);
        window.clear().limit(toRead);
        windowStart = from;
        FileRecordsSlice.readFully(channel, window, from);
        window.flip();
    }
}

package io.sluice.record;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads the records of one batch in order, decompressing as it goes, and checks their framing: every length
 * and varint fits, exactly {@code recordsCount} records fill the payload with no bytes left over, and offset
 * deltas increase strictly within {@code [0, lastOffsetDelta]}. Any violation is an
 * {@link InvalidRecordException} naming the batch and the record index; failures of the codec are wrapped the
 * same way. Memory use is bounded by the bytes actually present: a length is never trusted for an allocation
 * larger than what has been read.
 *
 * <p>Not thread-safe. Holds a decompression stream (native memory for zstd) until it reaches the end, fails,
 * or is {@link #close() closed}.
 */
public final class RecordIterator implements Iterator<Record>, AutoCloseable {
    private static final int FIRST_CHUNK_BYTES = 64 * 1024;

    private final long baseOffset;
    private final long baseTimestamp;
    private final long logAppendTime;
    private final int baseSequence;
    private final int lastOffsetDelta;
    private final int recordCount;
    private final CompressionType compression;
    private final RecordSource source;
    private int returned;
    private int previousOffsetDelta = -1;
    private boolean closed;

    RecordIterator(RecordBatch batch) {
        this.baseOffset = batch.baseOffset();
        this.baseTimestamp = batch.baseTimestamp();
        this.logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : -1;
        this.baseSequence = batch.baseSequence();
        this.lastOffsetDelta = batch.lastOffsetDelta();
        this.recordCount = batch.recordCount();
        if (batch.magic() != RecordBatch.MAGIC) {
            throw new InvalidRecordException(describe() + " has magic " + batch.magic() + "; only magic "
                + RecordBatch.MAGIC + " is supported");
        }
        try {
            this.compression = batch.compressionType();
        } catch (InvalidRecordException e) {
            throw new InvalidRecordException(describe() + ": " + e.getMessage(), e);
        }
        if (recordCount < 0) {
            throw new InvalidRecordException(describe() + " has negative recordsCount " + recordCount);
        }
        if (recordCount > 0 && (lastOffsetDelta < recordCount - 1)) {
            throw new InvalidRecordException(describe() + " has " + recordCount + " records but lastOffsetDelta "
                + lastOffsetDelta);
        }
        ByteBuffer payload = batch.payload();
        // An empty batch may keep its codec bits with no payload at all (the log cleaner writes those).
        if (compression == CompressionType.NONE || (recordCount == 0 && !payload.hasRemaining())) {
            this.source = new BufferSource(payload);
        } else {
            try {
                this.source = new StreamSource(compression.wrapForInput(payload));
            } catch (IOException e) {
                throw new InvalidRecordException(describe() + ": cannot decompress: " + e.getMessage(), e);
            }
        }
        if (recordCount == 0) {
            finish();
        }
    }

    @Override
    public boolean hasNext() {
        return returned < recordCount && !closed;
    }

    /**
     * The next record.
     *
     * @throws InvalidRecordException if it is malformed, or if it is the last one and bytes follow it
     */
    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException(describe() + ": no more records");
        }
        Record record;
        try {
            ByteBuffer body = source.nextBody();
            record = RecordCodec.read(body, baseOffset, baseTimestamp, logAppendTime, baseSequence);
            checkOffsetDelta(record.offset() - baseOffset);
        } catch (RecordFormatException e) {
            close();
            throw new InvalidRecordException(describe() + ", record " + returned + ": " + e.getMessage(), e);
        } catch (IOException e) {
            close();
            throw new InvalidRecordException(describe() + ", record " + returned + ": cannot decompress: "
                + e.getMessage(), e);
        }
        returned++;
        if (returned == recordCount) {
            finish();
        }
        return record;
    }

    private void checkOffsetDelta(long delta) {
        if (delta <= previousOffsetDelta || delta > lastOffsetDelta) {
            throw new InvalidRecordException("offsetDelta " + delta + " is not in (" + previousOffsetDelta + ", "
                + lastOffsetDelta + "]");
        }
        previousOffsetDelta = (int) delta;
    }

    /** After the last record: the payload must be used up. Closes the source either way. */
    private void finish() {
        try {
            if (source.hasMore()) {
                throw new InvalidRecordException(describe() + ": payload has bytes after the last of "
                    + recordCount + " records");
            }
        } catch (IOException e) {
            throw new InvalidRecordException(describe() + ": cannot decompress after the last record: "
                + e.getMessage(), e);
        } finally {
            close();
        }
    }

    /** Releases the decompression stream. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            source.close();
        }
    }

    private String describe() {
        String codec = compression == null ? "?" : compression.configName();
        return "Record batch at base offset " + baseOffset + " (" + codec
            + ", " + recordCount + " records)";
    }

    /** Yields record bodies: the bytes after each length prefix. */
    private interface RecordSource {
        /** The next record's body, exactly as long as its length prefix says. */
        ByteBuffer nextBody() throws IOException;

        /** True if bytes remain. */
        boolean hasMore() throws IOException;

        void close();
    }

    /** Uncompressed: bodies are slices of the batch. */
    private static final class BufferSource implements RecordSource {
        private final ByteBuffer payload;

        BufferSource(ByteBuffer payload) {
            this.payload = payload;
        }

        @Override
        public ByteBuffer nextBody() {
            if (!payload.hasRemaining()) {
                throw new InvalidRecordException("payload ended before this record");
            }
            int length = Varint.readInt(payload, "record length");
            if (length < 0 || length > payload.remaining()) {
                throw new InvalidRecordException("record length " + length + " with " + payload.remaining()
                    + " bytes left in the batch");
            }
            ByteBuffer body = payload.slice(payload.position(), length);
            payload.position(payload.position() + length);
            return body;
        }

        @Override
        public boolean hasMore() {
            return payload.hasRemaining();
        }

        @Override
        public void close() {
        }
    }

    /** Compressed: each body is copied out of the decompressed stream into its own array. */
    private static final class StreamSource implements RecordSource {
        private final InputStream in;

        StreamSource(InputStream in) {
            this.in = in;
        }

        @Override
        public ByteBuffer nextBody() throws IOException {
            int first = in.read();
            if (first < 0) {
                throw new InvalidRecordException("payload ended before this record");
            }
            int length;
            try {
                length = Varint.readInt(first, in, "record length");
            } catch (EOFException e) {
                throw new InvalidRecordException("payload ended inside the record length");
            }
            if (length < 0) {
                throw new InvalidRecordException("negative record length " + length);
            }
            return ByteBuffer.wrap(readFully(length));
        }

        /** Reads exactly {@code length} bytes, growing the array only as bytes arrive. */
        private byte[] readFully(int length) throws IOException {
            if (length > Integer.MAX_VALUE - 8) {
                throw new InvalidRecordException("record length " + length + " is too large");
            }
            byte[] bytes = new byte[Math.min(length, FIRST_CHUNK_BYTES)];
            int filled = 0;
            while (filled < length) {
                if (filled == bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
                }
                int n = in.read(bytes, filled, bytes.length - filled);
                if (n < 0) {
                    throw new InvalidRecordException("payload ended after " + filled + " of the record's " + length
                        + " bytes");
                }
                filled += n;
            }
            return bytes;
        }

        @Override
        public boolean hasMore() throws IOException {
            return in.read() >= 0;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Nothing was written and nothing more will be read: a failed close loses nothing.
            }
        }
    }
}

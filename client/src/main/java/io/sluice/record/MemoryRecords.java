package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Record batches held in a {@link ByteBuffer}: zero or more v2 batches back to back (layout in
 * {@link RecordBatch}), the last of which may be truncated when the bytes come from a fetch response.
 *
 * <p>The buffer is not copied: the caller hands it over and must not change it afterwards. The
 * {@link RecordBatch} views returned by {@link #batches()} share these bytes, and their mutators (used by the
 * leader to assign offsets) change them in place, which is the one sanctioned way to modify them. Equality
 * compares the bytes. Safe for concurrent readers while nobody mutates.
 */
public final class MemoryRecords implements Records {
    public static final MemoryRecords EMPTY = new MemoryRecords(ByteBuffer.allocate(0));

    private final ByteBuffer buffer;

    private MemoryRecords(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Takes ownership of the bytes between {@code buffer}'s position and limit. */
    public static MemoryRecords readableRecords(ByteBuffer buffer) {
        return new MemoryRecords(buffer.slice());
    }

    /** One uncompressed-or-compressed batch of values with no keys or headers, all at {@code timestamp}. */
    public static MemoryRecords withValues(long baseOffset, CompressionType compression, long timestamp,
                                           byte[]... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder().compression(compression).baseOffset(baseOffset);
        for (byte[] value : values) {
            builder.append(timestamp, null, value);
        }
        return builder.build();
    }

    /** A control batch holding one end transaction marker, as the transaction coordinator has leaders write. */
    public static MemoryRecords withEndTransactionMarker(long baseOffset, long timestamp, int partitionLeaderEpoch,
                                                         long producerId, short producerEpoch,
                                                         EndTransactionMarker marker) {
        RecordBatchBuilder builder = new RecordBatchBuilder()
            .baseOffset(baseOffset)
            .partitionLeaderEpoch(partitionLeaderEpoch)
            .producerState(producerId, producerEpoch, RecordBatch.NO_SEQUENCE)
            .transactional(true)
            .control(true);
        builder.appendEndTransactionMarker(timestamp, marker);
        return builder.build();
    }

    /** The batches of {@code parts} back to back, copied into one new buffer. */
    public static MemoryRecords concat(List<? extends Records> parts) {
        long size = 0;
        for (Records part : parts) {
            size += part.sizeInBytes();
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Records of " + size + " bytes do not fit in one buffer");
        }
        ByteBuffer joined = ByteBuffer.allocate((int) size);
        for (Records part : parts) {
            part.writeTo(joined);
        }
        joined.flip();
        return new MemoryRecords(joined);
    }

    /** A read-only view of the bytes, positioned at 0. */
    public ByteBuffer buffer() {
        return buffer.asReadOnlyBuffer();
    }

    @Override
    public int sizeInBytes() {
        return buffer.remaining();
    }

    @Override
    public void writeTo(ByteBuffer target) {
        target.put(buffer.duplicate());
    }

    /**
     * The complete batches, in order, as views sharing these bytes. Iteration stops quietly at a truncated last
     * batch (normal at the end of a fetch response); use {@link #ensureValid(boolean)} first where that is not
     * acceptable. Each batch's CRC and records are checked only when the caller asks ({@link
     * RecordBatch#ensureValid()}, {@link RecordBatch#records()}).
     *
     * @throws RecordFormatException during iteration if a batch has a magic other than 2 or a length below
     *                               the v2 header size (which no truncation can explain)
     */
    public Iterable<RecordBatch> batches() {
        return BatchIterator::new;
    }

    /**
     * Checks every batch ({@link RecordBatch#ensureValid()}: size, magic, CRC) and that the bytes end exactly at a
     * batch boundary, unless {@code allowTruncatedLastBatch}, in which case a partial batch at the end (as in a
     * fetch response) is ignored.
     *
     * @throws CorruptRecordException if a batch is corrupt, or the bytes end inside a batch and that is not allowed
     * @throws InvalidRecordException if a batch has a magic other than 2
     */
    public void ensureValid(boolean allowTruncatedLastBatch) {
        BatchIterator batches = new BatchIterator();
        while (batches.hasNext()) {
            batches.next().ensureValid();
        }
        int tail = buffer.limit() - batches.position;
        if (tail > 0 && !allowTruncatedLastBatch) {
            throw new CorruptRecordException("Records end inside a batch: " + tail + " bytes at position "
                + batches.position + " do not form a complete batch"
                + (tail >= RecordBatch.LOG_OVERHEAD ? " (it declares "
                    + (RecordBatch.LOG_OVERHEAD + (long) buffer.getInt(batches.position + RecordBatch.LENGTH_OFFSET))
                    + " bytes)" : ""));
        }
    }

    /** Bytes taken by the complete batches at the front, i.e. without a truncated last batch. */
    public int sizeOfCompleteBatches() {
        BatchIterator batches = new BatchIterator();
        while (batches.hasNext()) {
            batches.next();
        }
        return batches.position;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryRecords other && buffer.equals(other.buffer);
    }

    @Override
    public int hashCode() {
        return buffer.hashCode();
    }

    @Override
    public String toString() {
        return "MemoryRecords(" + buffer.remaining() + " bytes)";
    }

    /** Walks the batch boundaries; {@code position} is where the next (or the truncated) batch starts. */
    private final class BatchIterator implements Iterator<RecordBatch> {
        private int position = buffer.position();
        private RecordBatch next;

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public RecordBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RecordBatch batch = next;
            next = null;
            position += batch.sizeInBytes();
            return batch;
        }

        private RecordBatch advance() {
            int remaining = buffer.limit() - position;
            if (remaining < RecordBatch.LOG_OVERHEAD) {
                return null;
            }
            long baseOffset = buffer.getLong(position + RecordBatch.BASE_OFFSET_OFFSET);
            if (remaining > RecordBatch.MAGIC_OFFSET) {
                byte magic = buffer.get(position + RecordBatch.MAGIC_OFFSET);
                if (magic != RecordBatch.MAGIC) {
                    throw new InvalidRecordException("Record batch at position " + position + " (base offset "
                        + baseOffset + ") has magic " + magic + "; only magic " + RecordBatch.MAGIC
                        + " is supported");
                }
            }
            int batchLength = buffer.getInt(position + RecordBatch.LENGTH_OFFSET);
            RecordBatch.checkBatchLength(batchLength, baseOffset);
            if (RecordBatch.LOG_OVERHEAD + (long) batchLength > remaining) {
                return null;
            }
            return RecordBatch.wrap(buffer.duplicate().position(position));
        }
    }
}

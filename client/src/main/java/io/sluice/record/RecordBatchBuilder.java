package io.sluice.record;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Builds one v2 record batch (layout in {@link RecordBatch}): for the producer, for the broker when it has to
 * rewrite a batch, and for tests.
 *
 * <p>Configure with the fluent setters, {@code append} records, then {@link #build()}. Offsets are assigned
 * consecutively from {@link #baseOffset(long)} (default 0) unless given with {@link #appendWithOffset}. The batch's
 * baseTimestamp is the first record's timestamp and its maxTimestamp the largest (or the append time, for
 * {@link #logAppendTime(long)}). Defaults: no compression, CreateTime, no producer id/epoch/sequence,
 * partitionLeaderEpoch -1, not transactional, not a control batch.
 *
 * <p>Records are kept uncompressed until {@link #build()}, so {@link #estimatedSizeInBytes()} is a guaranteed
 * upper bound of the built size (exact when uncompressed): for a compressed batch it assumes incompressible
 * data plus the codec's worst-case framing ({@link CompressionType#maxCompressedSize}). A producer that closes batches on this estimate
 * never exceeds its limit, at the price of batches that compress smaller than the limit.
 *
 * <p>Not thread-safe. Keys, values and headers are copied at append; the caller keeps ownership of its buffers.
 * After {@link #build()} the builder accepts no more records.
 */
public final class RecordBatchBuilder {
    private static final int INITIAL_CAPACITY = 256;

    private CompressionType compression = CompressionType.NONE;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long logAppendTime = RecordBatch.NO_TIMESTAMP;
    private long baseOffset;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;
    private boolean transactional;
    private boolean control;

    /** Header space reserved at the front, then the encoded records. */
    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_CAPACITY).position(RecordBatch.HEADER_SIZE);
    private int recordCount;
    private int recordsBytes;
    private long lastOffset = -1;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private MemoryRecords built;

    public RecordBatchBuilder compression(CompressionType compression) {
        checkOpen();
        this.compression = Objects.requireNonNull(compression, "compression");
        return this;
    }

    /** Offset of the first record. Only before the first append. */
    public RecordBatchBuilder baseOffset(long baseOffset) {
        checkOpen();
        if (recordCount > 0) {
            throw new IllegalStateException("baseOffset must be set before the first record is appended");
        }
        if (baseOffset < 0) {
            throw new IllegalArgumentException("Negative baseOffset " + baseOffset);
        }
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
        checkOpen();
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /** Idempotent or transactional producer state; -1 for each means "none". May be changed until build. */
    public RecordBatchBuilder producerState(long producerId, short producerEpoch, int baseSequence) {
        checkOpen();
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        checkOpen();
        this.transactional = transactional;
        return this;
    }

    /** A control batch takes only control records ({@link #appendControlRecord}). Only before the first append. */
    public RecordBatchBuilder control(boolean control) {
        checkOpen();
        if (recordCount > 0 && control != this.control) {
            throw new IllegalStateException("The control flag must be set before the first record is appended");
        }
        this.control = control;
        return this;
    }

    /** Makes this a LogAppendTime batch: every record reads with {@code appendTimeMs}. */
    public RecordBatchBuilder logAppendTime(long appendTimeMs) {
        checkOpen();
        if (appendTimeMs < 0) {
            throw new IllegalArgumentException("Negative log append time " + appendTimeMs);
        }
        this.timestampType = TimestampType.LOG_APPEND_TIME;
        this.logAppendTime = appendTimeMs;
        return this;
    }

    /** Appends a record at the next offset and returns that offset. Key, value and header values may be null. */
    public long append(long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
        if (control) {
            throw new IllegalStateException("A control batch takes only control records");
        }
        long offset = lastOffset < 0 ? baseOffset : lastOffset + 1;
        appendRecord(offset, timestamp, key, value, headers);
        return offset;
    }

    public long append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        return append(timestamp, wrap(key), wrap(value), headers);
    }

    public long append(long timestamp, byte[] key, byte[] value) {
        return append(timestamp, wrap(key), wrap(value), List.of());
    }

    /**
     * Appends a record at a given offset, which must be above the previous record's and within 2^31 - 1 of the
     * baseOffset (a compacted batch may have gaps).
     */
    public void appendWithOffset(long offset, long timestamp, ByteBuffer key, ByteBuffer value,
                                 List<Header> headers) {
        if (control) {
            throw new IllegalStateException("A control batch takes only control records");
        }
        appendRecord(offset, timestamp, key, value, headers);
    }

    /** Appends a control record (key: version 0 + {@code type}) to a control batch; returns its offset. */
    public long appendControlRecord(long timestamp, ControlRecordType type, ByteBuffer value) {
        if (!control) {
            throw new IllegalStateException("Control records go in a control batch: call control(true) first");
        }
        long offset = lastOffset < 0 ? baseOffset : lastOffset + 1;
        appendRecord(offset, timestamp, type.key(), value, List.of());
        return offset;
    }

    /** Appends an end transaction marker to a control batch; returns its offset. */
    public long appendEndTransactionMarker(long timestamp, EndTransactionMarker marker) {
        return appendControlRecord(timestamp, marker.type(), marker.value());
    }

    private void appendRecord(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
        checkOpen();
        Objects.requireNonNull(headers, "headers");
        if (timestamp < 0 && timestamp != RecordBatch.NO_TIMESTAMP) {
            throw new IllegalArgumentException("Invalid negative timestamp " + timestamp);
        }
        if (offset <= lastOffset || offset < baseOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " must be above the last offset " + lastOffset
                + " and within [" + baseOffset + ", " + (baseOffset + Integer.MAX_VALUE) + "]");
        }
        long firstTimestamp = recordCount == 0 ? timestamp : baseTimestamp;
        int offsetDelta = (int) (offset - baseOffset);
        long timestampDelta = timestamp - firstTimestamp;
        int size = RecordCodec.sizeInBytes(offsetDelta, timestampDelta, key, value, headers);
        ensureRoom(size);
        RecordCodec.write(buffer, offsetDelta, timestampDelta, key, value, headers);
        baseTimestamp = firstTimestamp;
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        lastOffset = offset;
        recordCount++;
        recordsBytes += size;
    }

    private void ensureRoom(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        long needed = (long) buffer.position() + bytes;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("Record batch would exceed " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8,
            Math.max(needed, 2L * buffer.capacity())));
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Bytes of the records appended so far, before compression. */
    public int uncompressedRecordsBytes() {
        return recordsBytes;
    }

    /** An upper bound of the size {@link #build()} will produce with the records appended so far. */
    public int estimatedSizeInBytes() {
        return estimateFor(uncompressedRecordsBytes());
    }

    private int estimateFor(long recordsBytes) {
        long bound = RecordBatch.HEADER_SIZE + (long) compression.maxCompressedSize((int) Math.min(recordsBytes,
            Integer.MAX_VALUE));
        return (int) Math.min(bound, Integer.MAX_VALUE);
    }

    /**
     * True if this record can be appended with the batch staying within {@code limitBytes} (by the upper-bound
     * estimate). Always true for an empty batch, so that a record larger than the limit can still be sent alone;
     * the size checks against the request and broker limits happen elsewhere.
     */
    public boolean hasRoomFor(long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers,
                              int limitBytes) {
        if (built != null) {
            return false;
        }
        if (recordCount == 0) {
            return true;
        }
        int offsetDelta = (int) Math.min(Integer.MAX_VALUE, lastOffset + 1 - baseOffset);
        int recordBytes = RecordCodec.sizeInBytes(offsetDelta, timestamp - baseTimestamp, key, value, headers);
        return estimateFor((long) uncompressedRecordsBytes() + recordBytes) <= limitBytes;
    }

    /** True once the estimate reaches {@code limitBytes}, or after {@link #build()}. */
    public boolean isFull(int limitBytes) {
        return built != null || estimatedSizeInBytes() >= limitBytes;
    }

    /**
     * Compresses the records, writes the header and CRC, and returns the batch. An empty builder yields
     * {@link MemoryRecords#EMPTY}. Calling it again returns the same records.
     */
    public MemoryRecords build() {
        if (built != null) {
            return built;
        }
        if (recordCount == 0) {
            built = MemoryRecords.EMPTY;
            return built;
        }
        if (transactional && producerId < 0) {
            throw new IllegalStateException("A transactional batch needs a producer id");
        }
        ByteBuffer batch = compression == CompressionType.NONE ? buffer : compressRecords();
        batch.flip();
        writeHeader(batch);
        built = MemoryRecords.readableRecords(batch);
        buffer = null;
        return built;
    }

    private ByteBuffer compressRecords() {
        ByteBufferOutputStream out = new ByteBufferOutputStream(estimateFor(recordsBytes));
        out.position(RecordBatch.HEADER_SIZE);
        try (OutputStream compressing = compression.wrapForOutput(out)) {
            compressing.write(buffer.array(), buffer.arrayOffset() + RecordBatch.HEADER_SIZE, recordsBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Compressing in memory with " + compression.configName() + " failed", e);
        }
        ByteBuffer compressed = out.buffer();
        if (compressed.capacity() - compressed.position() > compressed.position() / 4) {
            ByteBuffer trimmed = ByteBuffer.allocate(compressed.position());
            compressed.flip();
            trimmed.put(compressed);
            return trimmed;
        }
        return compressed;
    }

    private void writeHeader(ByteBuffer batch) {
        int attributes = compression.id()
            | (timestampType == TimestampType.LOG_APPEND_TIME ? RecordBatch.TIMESTAMP_TYPE_MASK : 0)
            | (transactional ? RecordBatch.TRANSACTIONAL_FLAG_MASK : 0)
            | (control ? RecordBatch.CONTROL_FLAG_MASK : 0);
        batch.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        batch.putInt(RecordBatch.LENGTH_OFFSET, batch.limit() - RecordBatch.LOG_OVERHEAD);
        batch.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        batch.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) attributes);
        batch.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, (int) (lastOffset - baseOffset));
        batch.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
        batch.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET,
            timestampType == TimestampType.LOG_APPEND_TIME ? logAppendTime : maxTimestamp);
        batch.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        batch.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        batch.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        batch.putInt(RecordBatch.RECORDS_COUNT_OFFSET, recordCount);
        long crc = Crc32c.compute(batch, RecordBatch.ATTRIBUTES_OFFSET, batch.limit() - RecordBatch.ATTRIBUTES_OFFSET);
        batch.putInt(RecordBatch.CRC_OFFSET, (int) crc);
    }

    private void checkOpen() {
        if (built != null) {
            throw new IllegalStateException("The batch was already built");
        }
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}

package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A view over one v2 (magic 2) record batch in a {@link ByteBuffer}. Nothing is copied: accessors read the
 * header fields in place, and records read from an uncompressed batch are slices of the same bytes.
 *
 * <h2>Layout (big-endian; offsets in bytes from the start of the batch)</h2>
 * <pre>
 *  0  baseOffset            INT64  offset of the first record; the leader overwrites it when appending
 *  8  batchLength           INT32  bytes after this field: the batch is batchLength + 12 bytes long
 * 12  partitionLeaderEpoch  INT32  -1 from clients; the leader stamps its epoch. NOT covered by the CRC
 * 16  magic                 INT8   2
 * 17  crc                   UINT32 CRC-32C of bytes [21, end of batch)
 * 21  attributes            INT16  bits 0-2 compression codec ({@link CompressionType}), bit 3 timestamp type
 *                                  (1 = LogAppendTime), bit 4 transactional, bit 5 control batch, bit 6
 *                                  delete horizon present, bits 7-15 unused
 * 23  lastOffsetDelta       INT32  offset of the last record - baseOffset
 * 27  baseTimestamp         INT64  timestamp of the first record (the delete horizon if bit 6 is set)
 * 35  maxTimestamp          INT64  largest record timestamp, or the append time for LogAppendTime
 * 43  producerId            INT64  -1 = none
 * 51  producerEpoch         INT16  -1 = none
 * 53  baseSequence          INT32  -1 = none; sequence of the first record (sequences wrap at 2^31 - 1)
 * 57  recordsCount          INT32  number of records (before compression)
 * 61  records               raw records (layout in {@code RecordCodec}), or one compressed blob of them
 * </pre>
 * The CRC covers everything from the attributes on, so the leader can assign baseOffset and stamp
 * partitionLeaderEpoch without recomputing it; the first 12 bytes (offset and length) are not covered either.
 *
 * <h2>Validation</h2>
 * {@link #wrap} checks only that the declared size fits the buffer. {@link #ensureValid()} checks the size,
 * the magic and the CRC. {@link #records()} and {@link #recordIterator()} decompress and check the framing of
 * every record (lengths, varints, the record count, offset deltas). All failures are
 * {@link RecordFormatException}s with a message naming the batch.
 *
 * <h2>Ownership and threads</h2>
 * The view shares the bytes of the buffer it was created from; the caller must not change them except through
 * the mutators here ({@link #setBaseOffset}, {@link #setPartitionLeaderEpoch}, {@link #setLogAppendTime}),
 * which write in place and need a writable buffer. Accessors use absolute reads and may be called from several
 * threads as long as no thread mutates; the mutators are not thread-safe.
 */
public final class RecordBatch implements Records {
    public static final byte MAGIC = 2;
    /** Bytes of baseOffset and batchLength, which batchLength does not count. */
    public static final int LOG_OVERHEAD = 12;
    /** Bytes of the batch header; the records start here. */
    public static final int HEADER_SIZE = 61;
    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    static final int BASE_OFFSET_OFFSET = 0;
    static final int LENGTH_OFFSET = 8;
    static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    static final int MAGIC_OFFSET = 16;
    static final int CRC_OFFSET = 17;
    static final int ATTRIBUTES_OFFSET = 21;
    static final int LAST_OFFSET_DELTA_OFFSET = 23;
    static final int BASE_TIMESTAMP_OFFSET = 27;
    static final int MAX_TIMESTAMP_OFFSET = 35;
    static final int PRODUCER_ID_OFFSET = 43;
    static final int PRODUCER_EPOCH_OFFSET = 51;
    static final int BASE_SEQUENCE_OFFSET = 53;
    static final int RECORDS_COUNT_OFFSET = 57;
    static final int RECORDS_OFFSET = HEADER_SIZE;

    static final int COMPRESSION_CODEC_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    static final int CONTROL_FLAG_MASK = 0x20;
    static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    /** Exactly the batch's bytes, position 0, limit = sizeInBytes. */
    private final ByteBuffer buffer;

    private RecordBatch(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * A view over the batch that starts at {@code buffer}'s position. The view covers {@code batchLength + 12}
     * bytes; {@code buffer}'s position and limit are not changed, and its bytes are shared, not copied.
     *
     * @throws CorruptRecordException if fewer than {@value #HEADER_SIZE} bytes remain, or the declared length is
     *                                smaller than a v2 header or larger than the bytes remaining
     */
    public static RecordBatch wrap(ByteBuffer buffer) {
        int remaining = buffer.remaining();
        if (remaining < HEADER_SIZE) {
            throw new CorruptRecordException("Record batch needs at least " + HEADER_SIZE + " bytes of header, only "
                + remaining + " remain");
        }
        int start = buffer.position();
        int batchLength = buffer.getInt(start + LENGTH_OFFSET);
        checkBatchLength(batchLength, buffer.getLong(start + BASE_OFFSET_OFFSET));
        long size = LOG_OVERHEAD + (long) batchLength;
        if (size > remaining) {
            throw new CorruptRecordException("Record batch at base offset " + buffer.getLong(start)
                + " declares " + size + " bytes but only " + remaining + " remain");
        }
        return new RecordBatch(buffer.slice(start, (int) size));
    }

    static void checkBatchLength(int batchLength, long baseOffset) {
        if (batchLength < HEADER_SIZE - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch at base offset " + baseOffset + " has batchLength "
                + batchLength + ", less than the " + (HEADER_SIZE - LOG_OVERHEAD) + " bytes of a v2 header");
        }
    }

    /**
     * Checks the size fields, the magic and the CRC.
     *
     * @throws CorruptRecordException if batchLength disagrees with the view, baseOffset is negative or the CRC
     *                                does not match (the message gives both CRCs and the base offset)
     * @throws InvalidRecordException if the magic is not 2
     */
    public void ensureValid() {
        if (sizeInBytes() < HEADER_SIZE || batchLength() != sizeInBytes() - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch at base offset " + baseOffset() + " has batchLength "
                + batchLength() + " but occupies " + sizeInBytes() + " bytes");
        }
        if (magic() != MAGIC) {
            throw new InvalidRecordException("Record batch at base offset " + baseOffset() + " has magic " + magic()
                + "; only magic " + MAGIC + " is supported");
        }
        if (baseOffset() < 0) {
            throw new CorruptRecordException("Record batch has negative base offset " + baseOffset());
        }
        long stored = crc();
        long computed = computeChecksum();
        if (stored != computed) {
            throw new CorruptRecordException(String.format(
                "Record batch at base offset %d is corrupt: stored CRC 0x%08x, computed CRC 0x%08x over %d bytes",
                baseOffset(), stored, computed, sizeInBytes() - ATTRIBUTES_OFFSET));
        }
    }

    /** True if {@link #ensureValid()} would pass. */
    public boolean isValid() {
        try {
            ensureValid();
            return true;
        } catch (RecordFormatException e) {
            return false;
        }
    }

    /** The CRC-32C of bytes [21, end), as it should be stored in the crc field. */
    public long computeChecksum() {
        return Crc32c.compute(buffer, ATTRIBUTES_OFFSET, buffer.limit() - ATTRIBUTES_OFFSET);
    }

    public long baseOffset() {
        return buffer.getLong(BASE_OFFSET_OFFSET);
    }

    public int batchLength() {
        return buffer.getInt(LENGTH_OFFSET);
    }

    @Override
    public int sizeInBytes() {
        return buffer.limit();
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buffer.get(MAGIC_OFFSET);
    }

    /** The stored CRC as an unsigned 32-bit value. */
    public long crc() {
        return buffer.getInt(CRC_OFFSET) & 0xffffffffL;
    }

    public short attributes() {
        return buffer.getShort(ATTRIBUTES_OFFSET);
    }

    /**
     * The codec of attribute bits 0-2.
     *
     * @throws InvalidRecordException for codec ids 5-7
     */
    public CompressionType compressionType() {
        return CompressionType.forId(attributes() & COMPRESSION_CODEC_MASK);
    }

    public TimestampType timestampType() {
        return (attributes() & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public boolean isControlBatch() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /** The delete horizon set by the log cleaner (stored as baseTimestamp), if attribute bit 6 is set. */
    public OptionalLong deleteHorizonMs() {
        return hasDeleteHorizon() ? OptionalLong.of(baseTimestamp()) : OptionalLong.empty();
    }

    public int lastOffsetDelta() {
        return buffer.getInt(LAST_OFFSET_DELTA_OFFSET);
    }

    /** baseOffset + lastOffsetDelta. */
    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** The offset after this batch: lastOffset + 1. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return buffer.getLong(BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buffer.getLong(PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(PRODUCER_EPOCH_OFFSET);
    }

    public boolean hasProducerId() {
        return producerId() > NO_PRODUCER_ID;
    }

    public int baseSequence() {
        return buffer.getInt(BASE_SEQUENCE_OFFSET);
    }

    /** Sequence of the last record (baseSequence + lastOffsetDelta, wrapping at 2^31 - 1), or -1. */
    public int lastSequence() {
        return RecordCodec.sequenceAt(baseSequence(), lastOffsetDelta());
    }

    public int recordCount() {
        return buffer.getInt(RECORDS_COUNT_OFFSET);
    }

    /** The records section (the compressed blob for a compressed batch): a read-only view. */
    public ByteBuffer payload() {
        return buffer.slice(RECORDS_OFFSET, buffer.limit() - RECORDS_OFFSET).asReadOnlyBuffer();
    }

    /** The batch's bytes: a read-only view, position 0. */
    public ByteBuffer buffer() {
        return buffer.asReadOnlyBuffer();
    }

    @Override
    public void writeTo(ByteBuffer target) {
        target.put(buffer.duplicate());
    }

    /**
     * All records, decompressed and validated. For a large compressed batch prefer {@link #recordIterator()},
     * which holds one record at a time.
     *
     * @throws RecordFormatException if the batch or any record is malformed
     */
    public List<Record> records() {
        try (RecordIterator records = recordIterator()) {
            List<Record> list = new ArrayList<>(Math.max(0, Math.min(recordCount(), 1024)));
            records.forEachRemaining(list::add);
            return list;
        }
    }

    /**
     * Iterates the records, decompressing as it goes and validating each record's framing. Close it (try with
     * resources) if you stop early: a zstd stream holds native memory. It closes itself at the end and on error.
     *
     * @throws RecordFormatException if the magic, codec or record count is invalid, or (for an empty batch)
     *                               the payload is not empty
     */
    public RecordIterator recordIterator() {
        return new RecordIterator(this);
    }

    /** Overwrites baseOffset in place. The CRC does not cover it, so it stays valid. */
    public void setBaseOffset(long baseOffset) {
        writableBuffer().putLong(BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Overwrites partitionLeaderEpoch in place. The CRC does not cover it, so it stays valid. */
    public void setPartitionLeaderEpoch(int partitionLeaderEpoch) {
        writableBuffer().putInt(PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    }

    /**
     * Marks the batch LogAppendTime with this maxTimestamp and recomputes the CRC, in place. Every record then
     * reads with this timestamp. Call it on a batch that passed {@link #ensureValid()}: the new CRC covers
     * whatever bytes are there.
     */
    public void setLogAppendTime(long maxTimestamp) {
        ByteBuffer writable = writableBuffer();
        if (timestampType() == TimestampType.LOG_APPEND_TIME && maxTimestamp() == maxTimestamp) {
            return;
        }
        writable.putShort(ATTRIBUTES_OFFSET, (short) (attributes() | TIMESTAMP_TYPE_MASK));
        writable.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        writable.putInt(CRC_OFFSET, (int) computeChecksum());
    }

    private ByteBuffer writableBuffer() {
        if (buffer.isReadOnly()) {
            throw new IllegalStateException("Record batch at base offset " + baseOffset()
                + " is backed by a read-only buffer; copy it before changing it");
        }
        return buffer;
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset()
            + ", recordCount=" + recordCount() + ", sizeInBytes=" + sizeInBytes() + ", magic=" + magic()
            + ", codec=" + (attributes() & COMPRESSION_CODEC_MASK) + ", timestampType=" + timestampType()
            + ", transactional=" + isTransactional() + ", control=" + isControlBatch()
            + ", producerId=" + producerId() + ", producerEpoch=" + producerEpoch()
            + ", baseSequence=" + baseSequence() + ", partitionLeaderEpoch=" + partitionLeaderEpoch()
            + String.format(", crc=0x%08x)", crc());
    }
}

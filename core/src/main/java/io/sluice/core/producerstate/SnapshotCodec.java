package io.sluice.core.producerstate;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Owns the producer-state snapshot format: the content of one {@code <20-digit offset>.snapshot} file, which
 * holds the state of every producer of a partition as of that offset (the state after applying every batch
 * below it).
 *
 * <h2>Format, version 1 (big-endian)</h2>
 * <pre>
 *  0  magic            INT32   0x534C5053 ("SLPS", Sluice producer snapshot)
 *  4  version          INT16   1
 *  6  crc              UINT32  CRC-32C of bytes [10, end of file)
 * 10  snapshotOffset   INT64   the offset this state is for; equals the offset in the file name
 * 18  producerCount    INT32
 * 22  producers        producerCount entries, ascending by producer id, each:
 *       producerId       INT64   >= 0, unique in the file
 *       producerEpoch    INT16
 *       lastUpdateMs     INT64   broker wall-clock time of the producer's last update (for expiration)
 *       batchCount       INT8    0..5, oldest batch first
 *       batches          batchCount entries, each:
 *         firstSequence    INT32
 *         lastSequence     INT32
 *         firstOffset      INT64
 *         lastOffsetDelta  INT32  lastOffset - firstOffset
 *         logAppendTime    INT64
 * </pre>
 * The file must end exactly after the last producer. A reader rejects (with {@link CorruptSnapshotException})
 * a file with a wrong magic, a version it does not know, a CRC mismatch, counts or values out of range, an
 * offset different from the file name's, or trailing bytes: a torn or damaged snapshot is never half-loaded.
 * A later format gets a new version number; readers of this one refuse it and fall back to replaying the log.
 *
 * <p>Stateless; thread-safe.
 */
final class SnapshotCodec {
    static final int MAGIC = 0x534C5053;
    static final short VERSION = 1;
    static final int CRC_POSITION = 6;
    static final int CONTENT_POSITION = 10;
    static final int HEADER_SIZE = CONTENT_POSITION + 8 + 4;
    private static final int PRODUCER_FIXED_SIZE = 8 + 2 + 8 + 1;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 4 + 8;

    /** The decoded content of a snapshot file. */
    record Snapshot(long offset, List<ProducerState> producers) {
        Snapshot {
            producers = List.copyOf(producers);
        }
    }

    private SnapshotCodec() {
    }

    /** Encodes the producers as of {@code snapshotOffset}; the returned buffer is ready to write (position 0). */
    static ByteBuffer encode(long snapshotOffset, Collection<ProducerState> producers) {
        List<ProducerState> sorted = new ArrayList<>(producers);
        sorted.sort(Comparator.comparingLong(ProducerState::producerId));
        long size = HEADER_SIZE;
        for (ProducerState producer : sorted) {
            size += PRODUCER_FIXED_SIZE + (long) BATCH_SIZE * producer.batches().size();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("Producer state snapshot of " + sorted.size() + " producers would need "
                + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putInt(MAGIC).putShort(VERSION).putInt(0);
        buffer.putLong(snapshotOffset).putInt(sorted.size());
        for (ProducerState producer : sorted) {
            buffer.putLong(producer.producerId()).putShort(producer.producerEpoch()).putLong(producer.lastUpdateMs());
            buffer.put((byte) producer.batches().size());
            for (BatchMetadata batch : producer.batches()) {
                buffer.putInt(batch.firstSequence()).putInt(batch.lastSequence()).putLong(batch.firstOffset())
                    .putInt(batch.lastOffsetDelta()).putLong(batch.logAppendTime());
            }
        }
        buffer.flip();
        buffer.putInt(CRC_POSITION, (int) crc(buffer));
        return buffer;
    }

    /**
     * Decodes and fully validates a snapshot file's bytes.
     *
     * @param expectedOffset the offset in the file name
     * @throws CorruptSnapshotException if the bytes are not a complete, intact version-1 snapshot for that offset
     */
    static Snapshot decode(ByteBuffer bytes, long expectedOffset) throws CorruptSnapshotException {
        ByteBuffer buffer = bytes.slice();
        if (buffer.remaining() < HEADER_SIZE) {
            throw corrupt(expectedOffset, "only " + buffer.remaining() + " bytes, less than the " + HEADER_SIZE
                + "-byte header");
        }
        int magic = buffer.getInt(0);
        if (magic != MAGIC) {
            throw corrupt(expectedOffset, "magic 0x" + Integer.toHexString(magic) + " is not 0x"
                + Integer.toHexString(MAGIC));
        }
        short version = buffer.getShort(4);
        if (version != VERSION) {
            throw corrupt(expectedOffset, "unsupported version " + version + " (this broker reads " + VERSION + ")");
        }
        long storedCrc = buffer.getInt(CRC_POSITION) & 0xffffffffL;
        long actualCrc = crc(buffer);
        if (storedCrc != actualCrc) {
            throw corrupt(expectedOffset, "CRC-32C mismatch: stored 0x" + Long.toHexString(storedCrc)
                + ", computed 0x" + Long.toHexString(actualCrc) + " over " + (buffer.limit() - CONTENT_POSITION)
                + " bytes");
        }
        try {
            return decodeContent(buffer.position(CONTENT_POSITION), expectedOffset);
        } catch (BufferUnderflowException e) {
            throw corrupt(expectedOffset, "ends inside a producer entry");
        } catch (IllegalArgumentException e) {
            throw corrupt(expectedOffset, e.getMessage());
        }
    }

    private static Snapshot decodeContent(ByteBuffer buffer, long expectedOffset) throws CorruptSnapshotException {
        long offset = buffer.getLong();
        if (offset != expectedOffset) {
            throw corrupt(expectedOffset, "content is for offset " + offset);
        }
        int producerCount = buffer.getInt();
        if (producerCount < 0 || producerCount > buffer.remaining() / PRODUCER_FIXED_SIZE) {
            throw corrupt(expectedOffset, "producer count " + producerCount + " does not fit in the "
                + buffer.remaining() + " remaining bytes");
        }
        List<ProducerState> producers = new ArrayList<>(producerCount);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < producerCount; i++) {
            ProducerState producer = decodeProducer(buffer, expectedOffset);
            if (!seen.add(producer.producerId())) {
                throw corrupt(expectedOffset, "producer id " + producer.producerId() + " appears twice");
            }
            producers.add(producer);
        }
        if (buffer.hasRemaining()) {
            throw corrupt(expectedOffset, buffer.remaining() + " unexpected bytes after " + producerCount
                + " producers");
        }
        return new Snapshot(offset, producers);
    }

    private static ProducerState decodeProducer(ByteBuffer buffer, long expectedOffset)
            throws CorruptSnapshotException {
        long producerId = buffer.getLong();
        short epoch = buffer.getShort();
        long lastUpdateMs = buffer.getLong();
        int batchCount = buffer.get();
        if (batchCount < 0 || batchCount > ProducerState.MAX_CACHED_BATCHES) {
            throw corrupt(expectedOffset, "producer id " + producerId + " has " + batchCount + " batches");
        }
        List<BatchMetadata> batches = new ArrayList<>(batchCount);
        for (int j = 0; j < batchCount; j++) {
            int firstSequence = buffer.getInt();
            int lastSequence = buffer.getInt();
            long firstOffset = buffer.getLong();
            int lastOffsetDelta = buffer.getInt();
            long logAppendTime = buffer.getLong();
            if (lastOffsetDelta < 0) {
                throw corrupt(expectedOffset, "producer id " + producerId + " has a negative lastOffsetDelta "
                    + lastOffsetDelta);
            }
            batches.add(new BatchMetadata(firstSequence, lastSequence, firstOffset, firstOffset + lastOffsetDelta,
                logAppendTime));
        }
        return new ProducerState(producerId, epoch, batches, lastUpdateMs);
    }

    private static long crc(ByteBuffer buffer) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(CONTENT_POSITION));
        return crc.getValue();
    }

    private static CorruptSnapshotException corrupt(long offset, String reason) {
        return new CorruptSnapshotException("Producer state snapshot " + SnapshotDirectory.fileName(offset) + ": "
            + reason);
    }
}

package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Walking and validating a run of batches. */
class MemoryRecordsTest {

    private static List<RecordBatch> batchList(MemoryRecords records) {
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        return batches;
    }

    @Test
    void emptyRecordsHaveNoBatchesAndAreValid() {
        assertTrue(batchList(MemoryRecords.EMPTY).isEmpty());
        MemoryRecords.EMPTY.ensureValid(false);
        assertEquals(0, MemoryRecords.EMPTY.sizeOfCompleteBatches());
    }

    @Test
    void batchesComeInOrderAsViewsOverTheSameBytes() {
        MemoryRecords first = MemoryRecords.withValues(0, CompressionType.NONE, TestRecords.T0, new byte[] {1},
            new byte[] {2});
        MemoryRecords second = MemoryRecords.withValues(2, CompressionType.SNAPPY, TestRecords.T0, new byte[] {3});
        MemoryRecords both = MemoryRecords.concat(List.of(first, second));

        List<RecordBatch> batches = batchList(both);
        assertEquals(2, batches.size());
        assertEquals(List.of(0L, 2L), batches.stream().map(RecordBatch::baseOffset).toList());
        assertEquals(first.sizeInBytes() + second.sizeInBytes(), both.sizeInBytes());

        batches.get(1).setBaseOffset(50);
        assertEquals(50L, batchList(both).get(1).baseOffset(), "mutators write through to the records");
        both.ensureValid(false);
    }

    @Test
    void aTruncatedLastBatchIsAllowedOnlyWhenAsked() {
        MemoryRecords one = MemoryRecords.withValues(0, CompressionType.NONE, TestRecords.T0, new byte[] {1});
        MemoryRecords two = MemoryRecords.withValues(1, CompressionType.NONE, TestRecords.T0, new byte[] {2});
        ByteBuffer joined = MemoryRecords.concat(List.of(one, two)).buffer();
        MemoryRecords truncated = MemoryRecords.readableRecords(joined.limit(joined.limit() - 5));

        assertEquals(1, batchList(truncated).size(), "iteration stops quietly at the partial batch");
        truncated.ensureValid(true);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> truncated.ensureValid(false));
        assertTrue(e.getMessage().contains("position " + one.sizeInBytes()), e.getMessage());
        assertEquals(one.sizeInBytes(), truncated.sizeOfCompleteBatches());
    }

    @Test
    void legacyMagicIsRejectedWhileWalking() {
        ByteBuffer bytes = MemoryRecords.withValues(0, CompressionType.NONE, TestRecords.T0, new byte[] {1}).buffer();
        ByteBuffer legacy = ByteBuffer.allocate(bytes.remaining()).put(bytes);
        legacy.put(RecordBatch.MAGIC_OFFSET, (byte) 1).flip();
        MemoryRecords records = MemoryRecords.readableRecords(legacy);

        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> batchList(records));
        assertTrue(e.getMessage().contains("magic 1"), e.getMessage());
    }

    @Test
    void equalityIsByContent() {
        MemoryRecords a = MemoryRecords.withValues(0, CompressionType.NONE, TestRecords.T0, new byte[] {1});
        MemoryRecords b = MemoryRecords.withValues(0, CompressionType.NONE, TestRecords.T0, new byte[] {1});
        MemoryRecords c = MemoryRecords.withValues(1, CompressionType.NONE, TestRecords.T0, new byte[] {1});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertFalse(a.equals(c));
    }

    @Test
    void writeToCopiesTheBytes() {
        MemoryRecords records = MemoryRecords.withValues(0, CompressionType.GZIP, TestRecords.T0, new byte[] {1});
        ByteBuffer target = ByteBuffer.allocate(records.sizeInBytes() + 3);
        target.position(3);
        records.writeTo(target);
        assertEquals(target.capacity(), target.position());
        assertEquals(records, MemoryRecords.readableRecords(target.position(3)));
        RecordBatch batch = batchList(records).get(0);
        ByteBuffer single = ByteBuffer.allocate(batch.sizeInBytes());
        batch.writeTo(single);
        assertEquals(records, MemoryRecords.readableRecords(single.flip()));
    }
}

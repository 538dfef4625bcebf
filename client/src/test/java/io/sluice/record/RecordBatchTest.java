package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The batch view: the golden vector of the design doc, header accessors, and the leader's mutators. */
class RecordBatchTest {
    /** Design doc 2.5: key "k", value "v", header h="x", timestamp 1700000000000, as built by kafka-clients. */
    private static final byte[] GOLDEN = HexFormat.of().parseHex(("""
        00 00 00 00 00 00 00 00 00 00 00 3e ff ff ff ff
        02 5e 93 53 8d 00 00 00 00 00 00 00 00 01 8b cf
        e5 68 00 00 00 01 8b cf e5 68 00 ff ff ff ff ff
        ff ff ff ff ff ff ff ff ff 00 00 00 01 18 00 00
        00 02 6b 02 76 02 02 68 02 78""").replaceAll("\\s", ""));

    private static MemoryRecords goldenBuiltBySluice() {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        builder.append(1_700_000_000_000L, bytes("k"), bytes("v"), List.of(Header.of("h", bytes("x"))));
        return builder.build();
    }

    @Test
    void crc32cCheckValue() {
        byte[] input = bytes("123456789");
        assertEquals(0xe3069283L, Crc32c.compute(input, 0, input.length));
        assertEquals(0xe3069283L, Crc32c.compute(ByteBuffer.wrap(input), 0, input.length));
    }

    @Test
    void builderWritesTheGoldenVectorByteForByte() {
        ByteBuffer built = goldenBuiltBySluice().buffer();

        assertEquals(74, built.remaining());
        byte[] actual = new byte[built.remaining()];
        built.get(actual);
        assertArrayEquals(GOLDEN, actual, () -> HexFormat.of().formatHex(actual));
    }

    @Test
    void goldenVectorParses() {
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(GOLDEN));
        batch.ensureValid();

        assertEquals(0L, batch.baseOffset());
        assertEquals(62, batch.batchLength());
        assertEquals(74, batch.sizeInBytes());
        assertEquals(-1, batch.partitionLeaderEpoch());
        assertEquals(2, batch.magic());
        assertEquals(0x5e93538dL, batch.crc());
        assertEquals(0x5e93538dL, batch.computeChecksum());
        assertEquals(0, batch.attributes());
        assertEquals(CompressionType.NONE, batch.compressionType());
        assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
        assertFalse(batch.isTransactional());
        assertFalse(batch.isControlBatch());
        assertFalse(batch.hasDeleteHorizon());
        assertEquals(OptionalLong.empty(), batch.deleteHorizonMs());
        assertEquals(0, batch.lastOffsetDelta());
        assertEquals(0L, batch.lastOffset());
        assertEquals(1L, batch.nextOffset());
        assertEquals(1_700_000_000_000L, batch.baseTimestamp());
        assertEquals(1_700_000_000_000L, batch.maxTimestamp());
        assertEquals(-1L, batch.producerId());
        assertFalse(batch.hasProducerId());
        assertEquals(-1, batch.producerEpoch());
        assertEquals(-1, batch.baseSequence());
        assertEquals(-1, batch.lastSequence());
        assertEquals(1, batch.recordCount());

        List<Record> records = batch.records();
        assertEquals(1, records.size());
        Record record = records.get(0);
        assertEquals(0L, record.offset());
        assertEquals(1_700_000_000_000L, record.timestamp());
        assertEquals(-1, record.sequence());
        assertEquals(ByteBuffer.wrap(bytes("k")), record.key());
        assertEquals(ByteBuffer.wrap(bytes("v")), record.value());
        assertEquals(List.of(new Header("h", ByteBuffer.wrap(bytes("x")))), record.headers());
    }

    @Test
    void wrapCoversExactlyOneBatchAndLeavesTheSourceAlone() {
        ByteBuffer twoBatches = ByteBuffer.allocate(GOLDEN.length * 2 + 3).put(GOLDEN).put(GOLDEN);
        twoBatches.flip().position(GOLDEN.length);

        RecordBatch second = RecordBatch.wrap(twoBatches);

        assertEquals(GOLDEN.length, twoBatches.position());
        assertEquals(GOLDEN.length, second.sizeInBytes());
        second.ensureValid();
    }

    @Test
    void setBaseOffsetAndLeaderEpochKeepTheCrcValid() {
        MemoryRecords records = goldenBuiltBySluice();
        RecordBatch batch = records.batches().iterator().next();

        batch.setBaseOffset(1_000L);
        batch.setPartitionLeaderEpoch(12);

        batch.ensureValid();
        assertEquals(0x5e93538dL, batch.crc());
        assertEquals(1_000L, batch.records().get(0).offset());
        // The view writes through to the records that own the bytes, and Kafka agrees.
        org.apache.kafka.common.record.RecordBatch kafka =
            org.apache.kafka.common.record.MemoryRecords.readableRecords(records.buffer()).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(1_000L, kafka.baseOffset());
        assertEquals(12, kafka.partitionLeaderEpoch());
    }

    @Test
    void setLogAppendTimeRewritesTimestampsAndCrc() {
        RecordBatchBuilder builder = new RecordBatchBuilder().compression(CompressionType.LZ4);
        builder.append(100L, bytes("a"), bytes("1"));
        builder.append(300L, bytes("b"), bytes("2"));
        MemoryRecords records = builder.build();
        RecordBatch batch = records.batches().iterator().next();
        long oldCrc = batch.crc();

        batch.setLogAppendTime(5_000L);

        batch.ensureValid();
        assertTrue(oldCrc != batch.crc());
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        assertEquals(5_000L, batch.maxTimestamp());
        assertEquals(100L, batch.baseTimestamp());
        assertEquals(List.of(5_000L, 5_000L), batch.records().stream().map(Record::timestamp).toList());
        org.apache.kafka.common.record.RecordBatch kafka =
            org.apache.kafka.common.record.MemoryRecords.readableRecords(records.buffer()).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, kafka.timestampType());
        assertEquals(5_000L, kafka.iterator().next().timestamp());
    }

    @Test
    void mutatorsRefuseReadOnlyBuffers() {
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(GOLDEN).asReadOnlyBuffer());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.setBaseOffset(1));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }

    @Test
    void wrapRejectsBuffersTooShortForTheHeaderOrTheDeclaredLength() {
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(ByteBuffer.wrap(GOLDEN, 0, 60)));
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
            () -> RecordBatch.wrap(ByteBuffer.wrap(GOLDEN, 0, 73)));
        assertTrue(e.getMessage().contains("declares 74 bytes but only 73 remain"), e.getMessage());
    }

    @Test
    void deleteHorizonIsTheBaseTimestampWhenFlagged() {
        ByteBuffer copy = ByteBuffer.wrap(GOLDEN.clone());
        copy.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) RecordBatch.DELETE_HORIZON_FLAG_MASK);
        RecordBatch batch = RecordBatch.wrap(TestRecords.fixCrc(copy));

        batch.ensureValid();
        assertEquals(OptionalLong.of(1_700_000_000_000L), batch.deleteHorizonMs());
    }

    @Test
    void recordAccessorsReturnIndependentReadOnlyViews() {
        Record record = RecordBatch.wrap(ByteBuffer.wrap(GOLDEN)).records().get(0);

        ByteBuffer key = record.key();
        key.get();
        assertEquals(1, record.key().remaining());
        assertTrue(record.key().isReadOnly());
        assertArrayEquals(bytes("v"), record.valueBytes());
        assertNull(new Record(0, 0, -1, null, null, List.of()).valueBytes());
    }

    @Test
    void recordIteratorStreamsAndCanBeClosedEarly() {
        RecordBatchBuilder builder = new RecordBatchBuilder().compression(CompressionType.ZSTD);
        for (int i = 0; i < 100; i++) {
            builder.append(TestRecords.T0 + i, null, bytes("value " + i));
        }
        RecordBatch batch = builder.build().batches().iterator().next();

        try (RecordIterator records = batch.recordIterator()) {
            assertTrue(records.hasNext());
            assertEquals(0L, records.next().offset());
            assertEquals(1L, records.next().offset());
        }
        assertEquals(100, batch.records().size());
    }

    @Test
    void emptyBatchesHaveNoRecordsWhateverTheirCodecBits() {
        for (CompressionType codec : CompressionType.values()) {
            RecordBatch batch = RecordBatch.wrap(TestRecords.rawBatch(codec, 0, 3, new byte[0]));
            batch.ensureValid();
            assertEquals(List.of(), batch.records(), codec.toString());
        }
        // as kafka-clients writes them (e.g. the log cleaner keeping an emptied batch for its producer state)
        ByteBuffer kafkaEmpty = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        org.apache.kafka.common.record.DefaultRecordBatch.writeEmptyHeader(kafkaEmpty, (byte) 2, 7L, (short) 1, 5,
            100L, 104L, 3, org.apache.kafka.common.record.TimestampType.CREATE_TIME, TestRecords.T0, true, false);
        kafkaEmpty.flip();
        assertEquals(KafkaOracle.read(kafkaEmpty), TestRecords.readWithSluice(kafkaEmpty));
        assertEquals(104L, RecordBatch.wrap(kafkaEmpty).lastOffset());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

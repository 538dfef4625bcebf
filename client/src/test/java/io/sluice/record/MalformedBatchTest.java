package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.record.TestRecords.RawRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;

/**
 * Hand-made malformed batches: each one must fail with a {@link RecordFormatException} of the right kind and a
 * message that says what is wrong, and never with a buffer exception, an OutOfMemoryError or a hang. Batches
 * are given a correct CRC so that the checks behind the CRC are reached.
 */
class MalformedBatchTest {

    private static ByteBuffer batch(CompressionType codec, int recordCount, int lastOffsetDelta, byte[]... records)
            throws IOException {
        byte[] payload = TestRecords.concat(records);
        return TestRecords.rawBatch(codec, recordCount, lastOffsetDelta, compress(codec, payload));
    }

    private static byte[] compress(CompressionType codec, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = codec.wrapForOutput(out)) {
            compressing.write(payload);
        }
        return out.toByteArray();
    }

    /** Reads every record after checking the CRC; returns the failure, which must be ours. */
    private static RecordFormatException failure(ByteBuffer bytes) {
        try {
            RecordBatch batch = RecordBatch.wrap(bytes);
            batch.ensureValid();
            List<Record> records = batch.records();
            fail("Expected a RecordFormatException, read " + records.size() + " records");
            return null;
        } catch (RecordFormatException e) {
            return e;
        }
    }

    private static void assertInvalid(ByteBuffer bytes, String expectedMessagePart) {
        RecordFormatException e = failure(bytes);
        assertEquals(InvalidRecordException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains(expectedMessagePart),
            () -> "'" + e.getMessage() + "' should mention '" + expectedMessagePart + "'");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void wellFormedHandMadeBatchReads(CompressionType codec) throws IOException {
        ByteBuffer bytes = batch(codec, 2, 1, RawRecord.simple(0).framed(), RawRecord.simple(1).framed());
        assertEquals(2, RecordBatch.wrap(bytes).records().size());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void recordCountMismatch(CompressionType codec) throws IOException {
        byte[] one = RawRecord.simple(0).framed();
        byte[] two = RawRecord.simple(1).framed();
        assertInvalid(batch(codec, 3, 2, one, two), "payload ended before this record");
        assertInvalid(batch(codec, 1, 1, one, two), "payload has bytes after the last of 1 records");
        assertInvalid(batch(codec, 0, 0, one), "payload has bytes after the last of 0 records");
        assertInvalid(batch(codec, -1, 0, one), "negative recordsCount -1");
        assertInvalid(batch(codec, Integer.MAX_VALUE, Integer.MAX_VALUE, one, two), "payload ended before");
        assertInvalid(batch(codec, 2, 0, one, two), "2 records but lastOffsetDelta 0");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void offsetDeltasMustIncreaseWithinLastOffsetDelta(CompressionType codec) throws IOException {
        assertInvalid(batch(codec, 2, 5, RawRecord.simple(3).framed(), RawRecord.simple(3).framed()),
            "offsetDelta 3 is not in (3, 5]");
        assertInvalid(batch(codec, 1, 1, RawRecord.simple(2).framed()), "offsetDelta 2 is not in (-1, 1]");
        assertInvalid(batch(codec, 1, 1, RawRecord.simple(-1).framed()), "offsetDelta -1");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void badRecordLengths(CompressionType codec) throws IOException {
        RawRecord record = RawRecord.simple(0);
        String tooLong = codec == CompressionType.NONE ? "record length 100 with" : "payload ended after";
        assertInvalid(batch(codec, 1, 0, record.framed(100)), tooLong);
        assertInvalid(batch(codec, 1, 0, record.framed(-5)), "record length -5");
        assertInvalid(batch(codec, 1, 0, record.framed(Integer.MAX_VALUE)), "record length 2147483647");
        assertInvalid(batch(codec, 1, 0, record.framed(record.body().length - 1)),
            "Truncated varint for headersCount");
        assertInvalid(batch(codec, 1, 0, new RawRecord().framed()), "Empty record body");
        // a body longer than its fields: declared length includes an extra byte
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes(RawRecord.simple(0).body()).bytes((byte) 0).framed()),
            "fields take");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void badFieldLengths(CompressionType codec) throws IOException {
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).varlong(0).varint(0).varint(-2).framed()),
            "Invalid key length -2");
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).varlong(0).varint(0)
            .varint(Integer.MAX_VALUE).framed()), "Invalid key length 2147483647");
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).varlong(0).varint(0).varint(-1)
            .varint(1 << 30).bytes(new byte[8]).framed()), "Invalid value length 1073741824");
        RawRecord noValue = new RawRecord().bytes((byte) 0).varlong(0).varint(0).varint(-1).varint(-1);
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(-1).framed()), "Invalid headersCount -1");
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(Integer.MAX_VALUE).framed()),
            "Invalid headersCount 2147483647");
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(1).varint(-1).varint(-1).framed()),
            "Null key in header 0");
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(1).varint(-7).varint(-1).framed()),
            "Invalid header key length -7");
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(1).varint(1).bytes((byte) 'h').varint(-3).framed()),
            "Invalid header value length -3");
        assertInvalid(batch(codec, 1, 0, copy(noValue).varint(2).varint(0).varint(-1).framed()),
            "Invalid headersCount 2");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void overLongAndTruncatedVarints(CompressionType codec) throws IOException {
        byte[] sixByteVarint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
        byte[] elevenByteVarlong = new byte[11];
        java.util.Arrays.fill(elevenByteVarlong, 0, 10, (byte) 0x80);
        assertInvalid(batch(codec, 1, 0, sixByteVarint), "Varint for record length is longer than 5 bytes");
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).bytes(elevenByteVarlong).framed()),
            "Varlong for timestampDelta is longer than 10 bytes");
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).varlong(0).bytes(sixByteVarint).framed()),
            "Varint for offsetDelta is longer than 5 bytes");
        assertInvalid(batch(codec, 1, 0, new byte[] {(byte) 0x80, (byte) 0x80}),
            codec == CompressionType.NONE ? "Truncated varint for record length" : "payload ended inside");
        assertInvalid(batch(codec, 1, 0, new RawRecord().bytes((byte) 0).bytes((byte) 0x80).framed()),
            "Truncated varlong for timestampDelta");
    }

    @Test
    void maximalVarintsAreAccepted() {
        ByteBuffer buffer = ByteBuffer.allocate(20);
        for (int value : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 63, -64, 64}) {
            buffer.clear();
            Varint.writeInt(buffer, value);
            assertEquals(Varint.sizeOfInt(value), buffer.position());
            assertEquals(org.apache.kafka.common.utils.ByteUtils.sizeOfVarint(value), buffer.position());
            buffer.flip();
            assertEquals(value, Varint.readInt(buffer, "test"));
            assertEquals(value, org.apache.kafka.common.utils.ByteUtils.readVarint(buffer.rewind()));
        }
        for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1L << 40}) {
            buffer.clear();
            Varint.writeLong(buffer, value);
            assertEquals(Varint.sizeOfLong(value), buffer.position());
            buffer.flip();
            assertEquals(value, Varint.readLong(buffer, "test"));
            assertEquals(value, org.apache.kafka.common.utils.ByteUtils.readVarlong(buffer.rewind()));
        }
    }

    @Test
    void unsupportedMagicAndCodec() throws IOException {
        ByteBuffer magic3 = batch(CompressionType.NONE, 1, 0, RawRecord.simple(0).framed());
        magic3.put(RecordBatch.MAGIC_OFFSET, (byte) 3);
        RecordFormatException e = assertThrows(InvalidRecordException.class,
            () -> RecordBatch.wrap(magic3).ensureValid());
        assertTrue(e.getMessage().contains("magic 3"), e.getMessage());
        assertThrows(InvalidRecordException.class, () -> RecordBatch.wrap(magic3).records());

        for (int codec = 5; codec <= 7; codec++) {
            ByteBuffer bytes = batch(CompressionType.NONE, 1, 0, RawRecord.simple(0).framed());
            bytes.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) codec);
            assertInvalid(TestRecords.fixCrc(bytes), "Unknown compression codec id " + codec);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageCompressedPayloads(CompressionType codec) {
        java.util.Random random = new java.util.Random(99L + codec.id());
        for (int i = 0; i < 200; i++) {
            byte[] garbage = TestRecords.bytes(random, random.nextInt(300));
            ByteBuffer bytes = TestRecords.rawBatch(codec, 1 + random.nextInt(5), 10, garbage);
            RecordFormatException e = failure(bytes);
            assertEquals(InvalidRecordException.class, e.getClass(), e::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void truncatedCompressedPayloadsAtEveryLength(CompressionType codec) throws IOException {
        byte[] records = TestRecords.concat(RawRecord.simple(0).framed(), RawRecord.simple(1).framed(),
            RawRecord.simple(2).framed());
        byte[] compressed = compress(codec, records);
        for (int length = 0; length < compressed.length; length++) {
            ByteBuffer bytes = TestRecords.rawBatch(codec, 3, 2, java.util.Arrays.copyOf(compressed, length));
            RecordFormatException e = failure(bytes);
            String context = "length " + length + ": " + e;
            assertEquals(InvalidRecordException.class, e.getClass(), context);
        }
    }

    @Test
    void snappyLengthsAreCheckedBeforeAllocating() {
        // raw snappy whose preamble claims 2^32 - 1 uncompressed bytes
        byte[] hugeRaw = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00};
        assertInvalid(TestRecords.rawBatch(CompressionType.SNAPPY, 1, 0, hugeRaw), "cannot decompress");
        // xerial chunk that claims more bytes than the payload holds
        ByteBuffer xerial = ByteBuffer.allocate(24).put(SnappyPayloadReader.XERIAL_MAGIC).putInt(1).putInt(1)
            .putInt(Integer.MAX_VALUE).putInt(0);
        assertInvalid(TestRecords.rawBatch(CompressionType.SNAPPY, 1, 0, xerial.array()), "chunk length 2147483647");
    }

    @Test
    void hugeRecordLengthOverALargeDecompressedPayloadFailsWithoutExhaustingMemory() throws IOException {
        byte[] zeros = new byte[8 << 20];
        byte[] records = TestRecords.concat(new RawRecord().framed(Integer.MAX_VALUE - 8), zeros);
        assertInvalid(TestRecords.rawBatch(CompressionType.ZSTD, 1, 0, compress(CompressionType.ZSTD, records)),
            "payload ended after");
        byte[] snappyRaw = Snappy.compress(records);
        assertInvalid(TestRecords.rawBatch(CompressionType.SNAPPY, 1, 0, snappyRaw), "payload ended after");
    }

    @Test
    void controlRecordsMustHaveAProperKeyAndValue() {
        Record shortKey = new Record(5, 0, -1, ByteBuffer.wrap(new byte[] {0, 0, 0}), null, List.of());
        assertThrows(InvalidRecordException.class, () -> ControlRecordType.fromKey(shortKey.key()));
        assertThrows(InvalidRecordException.class, () -> ControlRecordType.fromKey(null));
        Record negativeVersion = new Record(5, 0, -1, ByteBuffer.wrap(new byte[] {-1, -1, 0, 1}), null, List.of());
        assertThrows(InvalidRecordException.class, () -> ControlRecordType.fromKey(negativeVersion.key()));
        assertEquals(ControlRecordType.UNKNOWN, ControlRecordType.fromKey(ByteBuffer.wrap(new byte[] {0, 0, 0, 9})));
        Record noValue = new Record(5, 0, -1, ControlRecordType.COMMIT.key(), null, List.of());
        RecordFormatException e = assertThrows(InvalidRecordException.class,
            () -> EndTransactionMarker.fromRecord(noValue));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
        Record longerValue = new Record(5, 0, -1, ControlRecordType.ABORT.key(),
            ByteBuffer.wrap(new byte[] {0, 1, 0, 0, 0, 3, 42, 42}), List.of());
        assertEquals(new EndTransactionMarker(ControlRecordType.ABORT, 3),
            EndTransactionMarker.fromRecord(longerValue));
    }

    private static RawRecord copy(RawRecord record) {
        return new RawRecord().bytes(record.body());
    }
}

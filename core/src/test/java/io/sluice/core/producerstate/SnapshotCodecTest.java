package io.sluice.core.producerstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The snapshot file format: round trip, golden bytes, and rejection of every kind of damage. */
class SnapshotCodecTest {
    private static final List<ProducerState> PRODUCERS = List.of(
        new ProducerState(9, (short) 2, List.of(
            new BatchMetadata(0, 4, 100, 104, 1_700_000_000_000L),
            new BatchMetadata(5, 5, 110, 110, -1L),
            new BatchMetadata(Integer.MAX_VALUE - 1, 1, 120, 123, 1_700_000_000_123L)), 1_700_000_000_500L),
        new ProducerState(3, (short) 0, List.of(), 42L),
        new ProducerState(Long.MAX_VALUE, Short.MAX_VALUE, List.of(
            new BatchMetadata(7, 7, 5, 5, 0), new BatchMetadata(8, 9, 6, 7, 0), new BatchMetadata(10, 10, 8, 8, 0),
            new BatchMetadata(11, 11, 9, 9, 0), new BatchMetadata(12, 12, 10, 10, 0)), 0L));

    private static byte[] encoded(long offset, List<ProducerState> producers) {
        ByteBuffer buffer = SnapshotCodec.encode(offset, producers);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void roundTripsSortedByProducerId() throws CorruptSnapshotException {
        SnapshotCodec.Snapshot snapshot = SnapshotCodec.decode(ByteBuffer.wrap(encoded(130, PRODUCERS)), 130);

        assertEquals(130, snapshot.offset());
        assertEquals(List.of(PRODUCERS.get(1), PRODUCERS.get(0), PRODUCERS.get(2)), snapshot.producers());
    }

    @Test
    void roundTripsAnEmptyState() throws CorruptSnapshotException {
        assertEquals(new SnapshotCodec.Snapshot(0, List.of()),
            SnapshotCodec.decode(ByteBuffer.wrap(encoded(0, List.of())), 0));
    }

    @Test
    void matchesTheDocumentedLayout() {
        byte[] bytes = encoded(0x1234, List.of(new ProducerState(7, (short) 1,
            List.of(new BatchMetadata(5, 6, 0x20, 0x21, 0x30)), 0x40)));
        String expectedWithoutCrc = """
            534c5053 0001 00000000
            0000000000001234 00000001
            0000000000000007 0001 0000000000000040 01
            00000005 00000006 0000000000000020 00000001 0000000000000030
            """.replaceAll("\\s", "");
        byte[] withoutCrc = bytes.clone();
        for (int i = SnapshotCodec.CRC_POSITION; i < SnapshotCodec.CONTENT_POSITION; i++) {
            withoutCrc[i] = 0;
        }
        assertEquals(expectedWithoutCrc, HexFormat.of().formatHex(withoutCrc));
        CRC32C crc = new CRC32C();
        crc.update(bytes, SnapshotCodec.CONTENT_POSITION, bytes.length - SnapshotCodec.CONTENT_POSITION);
        assertEquals(crc.getValue(), ByteBuffer.wrap(bytes).getInt(SnapshotCodec.CRC_POSITION) & 0xffffffffL);
    }

    @Test
    void everyDamagedByteIsDetected() {
        byte[] good = encoded(130, PRODUCERS);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 + i % 255);
            int position = i;
            assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(ByteBuffer.wrap(bad), 130),
                "damage at byte " + position);
        }
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] good = encoded(130, PRODUCERS);
        for (int length = 0; length < good.length; length++) {
            ByteBuffer torn = ByteBuffer.wrap(good, 0, length);
            int size = length;
            assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(torn, 130),
                "torn at " + size + " of " + good.length + " bytes");
        }
    }

    @Test
    void aSnapshotForAnotherOffsetIsRejected() {
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class,
            () -> SnapshotCodec.decode(ByteBuffer.wrap(encoded(130, PRODUCERS)), 131));
        assertTrue(e.getMessage().contains("00000000000000000131.snapshot")
            && e.getMessage().contains("offset 130"), e.getMessage());
    }

    @Test
    void anUnknownVersionIsRejectedEvenWithAValidCrc() {
        byte[] bytes = encoded(130, PRODUCERS);
        ByteBuffer.wrap(bytes).putShort(4, (short) 2);
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class,
            () -> SnapshotCodec.decode(ByteBuffer.wrap(bytes), 130));
        assertTrue(e.getMessage().contains("unsupported version 2"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejectedEvenWithAValidCrc() {
        byte[] good = encoded(130, PRODUCERS);
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        fixCrc(longer);
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class,
            () -> SnapshotCodec.decode(ByteBuffer.wrap(longer), 130));
        assertTrue(e.getMessage().contains("unexpected bytes"), e.getMessage());
    }

    @Test
    void outOfRangeValuesAreRejectedEvenWithAValidCrc() {
        byte[] tooManyBatches = encoded(1, List.of(new ProducerState(1, (short) 0, List.of(), 0)));
        tooManyBatches[SnapshotCodec.HEADER_SIZE + 18] = 6;
        fixCrc(tooManyBatches);
        assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(ByteBuffer.wrap(tooManyBatches), 1));

        byte[] negativeProducerId = encoded(1, List.of(new ProducerState(1, (short) 0, List.of(), 0)));
        ByteBuffer.wrap(negativeProducerId).putLong(SnapshotCodec.HEADER_SIZE, -5);
        fixCrc(negativeProducerId);
        assertThrows(CorruptSnapshotException.class,
            () -> SnapshotCodec.decode(ByteBuffer.wrap(negativeProducerId), 1));

        byte[] duplicateIds = encoded(1, List.of(new ProducerState(1, (short) 0, List.of(), 0),
            new ProducerState(2, (short) 0, List.of(), 0)));
        ByteBuffer.wrap(duplicateIds).putLong(SnapshotCodec.HEADER_SIZE + 19, 1);
        fixCrc(duplicateIds);
        assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(ByteBuffer.wrap(duplicateIds), 1));
    }

    private static void fixCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, SnapshotCodec.CONTENT_POSITION, bytes.length - SnapshotCodec.CONTENT_POSITION);
        ByteBuffer.wrap(bytes).putInt(SnapshotCodec.CRC_POSITION, (int) crc.getValue());
    }
}

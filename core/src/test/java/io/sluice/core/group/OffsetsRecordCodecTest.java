package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The __consumer_offsets formats against hand-assembled bytes (design doc section 5), and round trips. */
class OffsetsRecordCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long TS = 1_700_000_000_000L;      // 0x0000018bcfe56800

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("[\\s|]", ""));
    }

    private static GroupRecord decode(byte[] key, byte[] value) {
        return OffsetsRecordCodec.decode(ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value))
            .orElseThrow();
    }

    @Test
    void offsetCommitKeyVersion1() {
        GroupRecord r = new GroupRecord.OffsetCommit("g", new TopicPartitionKey("t", 5),
            Optional.of(new OffsetAndMetadata(42, 3, "m", TS)));
        byte[] key = hex("0001 | 0001 67 | 0001 74 | 00000005");
        assertArrayEquals(key, OffsetsRecordCodec.key(r));
    }

    @Test
    void offsetCommitValueVersion3() {
        GroupRecord r = new GroupRecord.OffsetCommit("g", new TopicPartitionKey("t", 5),
            Optional.of(new OffsetAndMetadata(42, 3, "m", TS)));
        byte[] value = hex("0003 | 000000000000002a | 00000003 | 0001 6d | 0000018bcfe56800");
        assertArrayEquals(value, OffsetsRecordCodec.value(r));
        assertEquals(r, decode(OffsetsRecordCodec.key(r), value));
    }

    @Test
    void aCommitWithAnExpiryIsWrittenAsValueVersion1() {
        OffsetAndMetadata v = new OffsetAndMetadata(1, -1, "", 10, OptionalLong.of(20));
        byte[] value = hex("0001 | 0000000000000001 | 0000 | 000000000000000a | 0000000000000014");
        assertArrayEquals(value, OffsetsRecordCodec.offsetValue(v));
        assertEquals(v, OffsetsRecordCodec.decodeOffsetValue(ByteBuffer.wrap(value)));
    }

    @Test
    void olderAndFlexibleOffsetValuesAreRead() {
        assertEquals(new OffsetAndMetadata(7, -1, "x", 5),
            OffsetsRecordCodec.decodeOffsetValue(ByteBuffer.wrap(hex("0000 0000000000000007 0001 78 0000000000000005"))));
        assertEquals(new OffsetAndMetadata(7, -1, "x", 5),
            OffsetsRecordCodec.decodeOffsetValue(ByteBuffer.wrap(hex("0002 0000000000000007 0001 78 0000000000000005"))));
        assertEquals(new OffsetAndMetadata(8, 2, "ab", 9), OffsetsRecordCodec.decodeOffsetValue(ByteBuffer.wrap(
            hex("0004 0000000000000008 00000002 03 6162 0000000000000009 01 05 02 ffff"))),
            "flexible: compact string, tagged fields skipped");
        assertThrows(IllegalArgumentException.class,
            () -> OffsetsRecordCodec.decodeOffsetValue(ByteBuffer.wrap(hex("0009 00"))));
    }

    @Test
    void groupMetadataKeyVersion2AndValueVersion3() {
        GroupMetadataValue v = new GroupMetadataValue("consumer", 1, "range", "m1", TS, List.of(
            new GroupMetadataValue.MemberValue("m1", null, "c", "/h", 300_000, 45_000, new byte[] {1, 2}, new byte[] {3})));
        GroupRecord r = new GroupRecord.GroupMetadata("g", Optional.of(v));
        assertArrayEquals(hex("0002 0001 67"), OffsetsRecordCodec.key(r));
        byte[] value = hex("""
            0003
            0008 636f6e73756d6572
            00000001
            0005 72616e6765
            0002 6d31
            0000018bcfe56800
            00000001
              0002 6d31
              ffff
              0001 63
              0002 2f68
              000493e0
              0000afc8
              00000002 0102
              00000001 03
            """);
        assertArrayEquals(value, OffsetsRecordCodec.value(r));
        assertEquals(r, decode(OffsetsRecordCodec.key(r), value));
    }

    @Test
    void olderGroupValuesAreRead() {
        GroupMetadataValue v0 = OffsetsRecordCodec.decodeGroupValue(ByteBuffer.wrap(hex("""
            0000 0000 00000002 ffff ffff
            00000001 0001 61 0001 63 0001 68 00001388 00000000 00000000
            """)));
        assertEquals(new GroupMetadataValue("", 2, null, null, -1, List.of(
            new GroupMetadataValue.MemberValue("a", null, "c", "h", 5_000, 5_000, new byte[0], new byte[0]))), v0);
        GroupMetadataValue v2 = OffsetsRecordCodec.decodeGroupValue(ByteBuffer.wrap(hex(
            "0002 0000 00000003 ffff ffff 0000000000000063 00000000")));
        assertEquals(99, v2.currentStateTimestamp());
    }

    @Test
    void tombstonesHaveNoValue() {
        GroupRecord offset = GroupRecord.OffsetCommit.tombstone("g", new TopicPartitionKey("t", 0));
        GroupRecord group = GroupRecord.GroupMetadata.tombstone("g");
        assertNull(OffsetsRecordCodec.value(offset));
        assertNull(OffsetsRecordCodec.value(group));
        assertEquals(offset, decode(OffsetsRecordCodec.key(offset), null));
        assertEquals(group, decode(OffsetsRecordCodec.key(group), null));
    }

    @Test
    void unknownKeyVersionsAreSkippedAndBrokenBytesRefused() {
        assertTrue(OffsetsRecordCodec.decode(ByteBuffer.wrap(hex("0003 0001 67")), null).isEmpty());
        assertThrows(IllegalArgumentException.class,
            () -> OffsetsRecordCodec.decode(ByteBuffer.wrap(hex("0001 0005 67")), null));
    }

    @Test
    void aBatchHoldsTheRecordsInOrderWithTheirTimestamp() {
        List<GroupRecord> records = List.of(
            new GroupRecord.OffsetCommit("g", new TopicPartitionKey("t", 0), Optional.of(new OffsetAndMetadata(1, -1, "", TS))),
            GroupRecord.OffsetCommit.tombstone("g", new TopicPartitionKey("t", 1)),
            GroupRecord.GroupMetadata.tombstone("g"));
        MemoryRecords batch = OffsetsRecordCodec.toBatch(records, TS);
        List<GroupRecord> decoded = new ArrayList<>();
        for (RecordBatch b : batch.batches()) {
            for (Record r : b.records()) {
                assertEquals(TS, r.timestamp());
                decoded.add(OffsetsRecordCodec.decode(r.key(), r.value()).orElseThrow());
            }
        }
        assertEquals(records, decoded);
    }

    @Test
    void groupsMapToPartitionsAsInKafka() {
        assertEquals(12, OffsetsTopic.partitionFor("my-group", 50));
        assertEquals(12, OffsetsTopic.partitionFor("test-group", 50));
        assertEquals(6, OffsetsTopic.partitionFor("console-consumer-12345", 50));
        assertEquals(0, OffsetsTopic.partitionFor("", 50));
        assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());
        assertEquals(0, OffsetsTopic.partitionFor("polygenelubricants", 50), "abs(Integer.MIN_VALUE) is taken as 0");
    }

    @Test
    void consumerSubscriptionsGiveTheirTopics() {
        assertEquals(Optional.of(java.util.Set.of("a", "b")),
            ConsumerProtocol.subscribedTopics(MachineHarness.subscription("a", "b")));
        assertEquals(Optional.empty(), ConsumerProtocol.subscribedTopics(new byte[] {0, 0, 0, 0, 0, 9}));
    }
}

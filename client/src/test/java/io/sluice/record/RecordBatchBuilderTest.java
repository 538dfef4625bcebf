package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.record.TestRecords.Spec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The builder: its size estimate is an upper bound, the room checks a producer relies on, and its rules. */
class RecordBatchBuilderTest {
    private static final long SEED = 4_242L;

    private static List<Spec> variedSpecs(Random random, int count) {
        List<Spec> specs = new ArrayList<>(TestRecords.randomSpecs(random, count));
        for (int i = 0; i < count / 4; i++) { // some large incompressible values, the worst case for the bound
            specs.set(random.nextInt(specs.size()), new Spec(TestRecords.T0 - random.nextInt(1_000_000),
                TestRecords.bytes(random, 8), TestRecords.bytes(random, random.nextInt(100_000)), List.of()));
        }
        return specs;
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void estimateIsAnUpperBoundOfTheBuiltSize(CompressionType codec) {
        Random random = new Random(SEED + codec.id());
        for (int round = 0; round < 30; round++) {
            List<Spec> specs = variedSpecs(random, 1 + random.nextInt(30));
            RecordBatchBuilder builder = new RecordBatchBuilder().compression(codec)
                .producerState(1, (short) 0, random.nextInt(1000));
            for (Spec spec : specs) {
                builder.append(spec.timestamp(), spec.key(), spec.value(), spec.headers());
            }
            int estimate = builder.estimatedSizeInBytes();
            int actual = builder.build().sizeInBytes();
            assertTrue(actual <= estimate, "seed " + SEED + " round " + round + ": built " + actual
                + " bytes, estimate " + estimate);
            if (codec == CompressionType.NONE) {
                assertEquals(actual, estimate, "uncompressed estimate is exact");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void producerLoopStaysWithinTheLimit(CompressionType codec) {
        Random random = new Random(SEED * 3 + codec.id());
        int limit = 16_384;
        List<Spec> specs = variedSpecs(random, 200);
        int index = 0;
        while (index < specs.size()) {
            RecordBatchBuilder builder = new RecordBatchBuilder().compression(codec);
            int appended = 0;
            while (index < specs.size()) {
                Spec spec = specs.get(index);
                ByteBuffer key = spec.key() == null ? null : ByteBuffer.wrap(spec.key());
                ByteBuffer value = spec.value() == null ? null : ByteBuffer.wrap(spec.value());
                if (!builder.hasRoomFor(spec.timestamp(), key, value, spec.headers(), limit)) {
                    assertTrue(appended > 0, "an empty batch always has room");
                    break;
                }
                builder.append(spec.timestamp(), key, value, spec.headers());
                appended++;
                index++;
            }
            int estimate = builder.estimatedSizeInBytes();
            MemoryRecords built = builder.build();
            assertTrue(built.sizeInBytes() <= estimate);
            if (appended > 1) {
                assertTrue(estimate <= limit, "a batch of several records must respect the limit: " + estimate);
            }
            assertTrue(builder.isFull(limit), "a built builder is full");
        }
    }

    @Test
    void isFullOnceTheEstimateReachesTheLimit() {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        assertFalse(builder.isFull(100));
        builder.append(TestRecords.T0, null, new byte[50]);
        assertTrue(builder.isFull(builder.estimatedSizeInBytes()));
        assertFalse(builder.isFull(builder.estimatedSizeInBytes() + 1));
    }

    @Test
    void emptyBuilderBuildsNothingAndBuildIsIdempotent() {
        assertSame(MemoryRecords.EMPTY, new RecordBatchBuilder().build());
        RecordBatchBuilder builder = new RecordBatchBuilder();
        builder.append(TestRecords.T0, null, new byte[] {1});
        int estimate = builder.estimatedSizeInBytes();
        assertSame(builder.build(), builder.build());
        assertEquals(estimate, builder.estimatedSizeInBytes(), "the estimate survives build");
        assertThrows(IllegalStateException.class, () -> builder.append(TestRecords.T0, null, new byte[] {2}));
        assertThrows(IllegalStateException.class, () -> builder.compression(CompressionType.GZIP));
    }

    @Test
    void appendWithOffsetAllowsGapsThatBothReadersSee() {
        RecordBatchBuilder builder = new RecordBatchBuilder().baseOffset(10).compression(CompressionType.GZIP);
        builder.appendWithOffset(10, TestRecords.T0, null, ByteBuffer.wrap(new byte[] {1}), List.of());
        builder.appendWithOffset(13, TestRecords.T0, null, ByteBuffer.wrap(new byte[] {2}), List.of());
        builder.appendWithOffset(20, TestRecords.T0, null, ByteBuffer.wrap(new byte[] {3}), List.of());
        MemoryRecords records = builder.build();

        RecordBatch batch = records.batches().iterator().next();
        assertEquals(List.of(10L, 13L, 20L), batch.records().stream().map(Record::offset).toList());
        assertEquals(20L, batch.lastOffset());
        assertEquals(TestRecords.readWithSluice(records.buffer()), KafkaOracle.read(records.buffer()));
    }

    @Test
    void appendRules() {
        RecordBatchBuilder builder = new RecordBatchBuilder().baseOffset(5);
        assertThrows(IllegalArgumentException.class, () -> builder.append(-2, null, new byte[0]));
        assertEquals(5L, builder.append(RecordBatch.NO_TIMESTAMP, null, new byte[0]));
        assertThrows(IllegalStateException.class, () -> builder.baseOffset(7));
        assertThrows(IllegalArgumentException.class,
            () -> builder.appendWithOffset(5, TestRecords.T0, null, null, List.of()));
        assertThrows(IllegalArgumentException.class,
            () -> builder.appendWithOffset(5L + Integer.MAX_VALUE + 1, TestRecords.T0, null, null, List.of()));
        assertThrows(IllegalStateException.class,
            () -> builder.appendControlRecord(TestRecords.T0, ControlRecordType.COMMIT, null));
        assertThrows(IllegalStateException.class, () -> builder.control(true));

        RecordBatchBuilder control = new RecordBatchBuilder().control(true);
        assertThrows(IllegalStateException.class, () -> control.append(TestRecords.T0, null, new byte[0]));

        RecordBatchBuilder transactional = new RecordBatchBuilder().transactional(true);
        transactional.append(TestRecords.T0, null, new byte[0]);
        assertThrows(IllegalStateException.class, transactional::build);
    }

    @Test
    void appendCopiesFromTheBufferPositionWithoutMovingIt() {
        ByteBuffer value = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        value.position(2);
        RecordBatchBuilder builder = new RecordBatchBuilder();
        builder.append(TestRecords.T0, null, value, List.of());
        value.put(2, (byte) 0); // changing the caller's buffer afterwards does not change the batch

        assertEquals(2, value.position());
        Record record = builder.build().batches().iterator().next().records().get(0);
        assertEquals(ByteBuffer.wrap(new byte[] {7, 6}), record.value());
    }

    @Test
    void controlBatchesCarryOnlyControlRecordsAndAreRecognised() {
        RecordBatchBuilder builder = new RecordBatchBuilder().control(true).transactional(true)
            .producerState(9, (short) 2, RecordBatch.NO_SEQUENCE);
        builder.appendEndTransactionMarker(TestRecords.T0, new EndTransactionMarker(ControlRecordType.ABORT, 4));
        RecordBatch batch = builder.build().batches().iterator().next();

        assertTrue(batch.isControlBatch());
        Record record = batch.records().get(0);
        assertEquals(ControlRecordType.ABORT, ControlRecordType.fromKey(record.key()));
        assertEquals(new EndTransactionMarker(ControlRecordType.ABORT, 4), EndTransactionMarker.fromRecord(record));
    }
}

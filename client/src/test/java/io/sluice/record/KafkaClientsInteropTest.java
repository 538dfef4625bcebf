package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.record.KafkaOracle.Variant;
import io.sluice.record.TestRecords.BatchView;
import io.sluice.record.TestRecords.Flat;
import io.sluice.record.TestRecords.Spec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wire compatibility with kafka-clients 4.1.1, both ways, for every codec and every batch variant: what one
 * writes, the other reads with the same offsets, timestamps, sequences, keys, values, headers and attributes.
 * Uncompressed batches must also be byte-identical.
 */
class KafkaClientsInteropTest {
    private static final long SEED = 20_251_122L;

    static Stream<Arguments> codecsAndVariants() {
        List<Arguments> cases = new ArrayList<>();
        for (CompressionType type : CompressionType.values()) {
            for (Variant variant : KafkaOracle.variants()) {
                cases.add(Arguments.of(type, variant));
            }
        }
        return cases.stream();
    }

    private static List<Spec> specs(CompressionType type, Variant variant) {
        Random random = new Random(SEED + type.id() * 31L + variant.name().hashCode());
        return TestRecords.randomSpecs(random, 1 + random.nextInt(40));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndVariants")
    void sluiceReadsWhatKafkaWrites(CompressionType type, Variant variant) {
        List<Spec> specs = specs(type, variant);
        ByteBuffer kafkaBytes = KafkaOracle.build(type, variant, specs);

        List<BatchView> ours = TestRecords.readWithSluice(kafkaBytes);

        assertEquals(KafkaOracle.read(kafkaBytes), ours);
        assertEquals(expectedRecords(variant, specs), ours.get(0).records());
        assertEquals(type.id(), ours.get(0).codec());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndVariants")
    void kafkaReadsWhatSluiceWrites(CompressionType type, Variant variant) {
        List<Spec> specs = specs(type, variant);
        ByteBuffer ourBytes = KafkaOracle.buildWithSluice(type, variant, specs).buffer();

        List<BatchView> kafka = KafkaOracle.read(ourBytes);

        assertEquals(TestRecords.readWithSluice(ourBytes), kafka);
        assertEquals(expectedRecords(variant, specs), kafka.get(0).records());
        assertEquals(type.id(), kafka.get(0).codec());
        if (type == CompressionType.NONE) {
            assertArrayEquals(bytes(KafkaOracle.build(type, variant, specs)), bytes(ourBytes),
                "uncompressed batches must be byte-identical");
        }
    }

    @Test
    void endTransactionMarkersAreByteIdenticalAndReadBothWays() {
        for (ControlRecordType type : List.of(ControlRecordType.ABORT, ControlRecordType.COMMIT)) {
            org.apache.kafka.common.record.ControlRecordType kafkaType = type == ControlRecordType.ABORT
                ? org.apache.kafka.common.record.ControlRecordType.ABORT
                : org.apache.kafka.common.record.ControlRecordType.COMMIT;
            ByteBuffer kafkaBytes = org.apache.kafka.common.record.MemoryRecords.withEndTransactionMarker(
                77L, TestRecords.T0, 4, 1234L, (short) 5,
                new org.apache.kafka.common.record.EndTransactionMarker(kafkaType, 19)).buffer();
            MemoryRecords ours = MemoryRecords.withEndTransactionMarker(77L, TestRecords.T0, 4, 1234L, (short) 5,
                new EndTransactionMarker(type, 19));

            assertArrayEquals(bytes(kafkaBytes), bytes(ours.buffer()));

            RecordBatch batch = ours.batches().iterator().next();
            batch.ensureValid();
            assertTrue(batch.isControlBatch());
            assertTrue(batch.isTransactional());
            Record record = MemoryRecords.readableRecords(kafkaBytes).batches().iterator().next().records().get(0);
            assertEquals(type, ControlRecordType.fromKey(record.key()));
            assertEquals(new EndTransactionMarker(type, 19), EndTransactionMarker.fromRecord(record));

            org.apache.kafka.common.record.Record kafkaRecord =
                org.apache.kafka.common.record.MemoryRecords.readableRecords(ours.buffer()).batches().iterator()
                    .next().iterator().next();
            org.apache.kafka.common.record.EndTransactionMarker kafkaMarker =
                org.apache.kafka.common.record.EndTransactionMarker.deserialize(kafkaRecord);
            assertEquals(kafkaType, kafkaMarker.controlType());
            assertEquals(19, kafkaMarker.coordinatorEpoch());
        }
    }

    @ParameterizedTest
    @MethodSource("io.sluice.record.KafkaClientsInteropTest#codecs")
    void severalBatchesBackToBackReadInOrder(CompressionType type) {
        List<Variant> variants = KafkaOracle.variants();
        List<Records> parts = new ArrayList<>();
        List<Spec> all = new ArrayList<>();
        long nextOffset = 0;
        for (int i = 0; i < variants.size(); i++) {
            Variant base = variants.get(i);
            Variant shifted = new Variant(base.name(), nextOffset, base.partitionLeaderEpoch(), base.producerId(),
                base.producerEpoch(), base.baseSequence(), base.transactional(), base.logAppendTime());
            List<Spec> specs = specs(type, base);
            all.addAll(specs);
            parts.add(i % 2 == 0 ? KafkaOracle.buildWithSluice(type, shifted, specs)
                : MemoryRecords.readableRecords(KafkaOracle.build(type, shifted, specs)));
            nextOffset += specs.size();
        }
        ByteBuffer joined = MemoryRecords.concat(parts).buffer();

        List<BatchView> ours = TestRecords.readWithSluice(joined);

        assertEquals(KafkaOracle.read(joined), ours);
        assertEquals(variants.size(), ours.size());
        assertEquals(all.size(), ours.stream().mapToInt(view -> view.records().size()).sum());
        assertEquals(nextOffset - 1, ours.get(ours.size() - 1).lastOffset());
    }

    static Stream<CompressionType> codecs() {
        return Stream.of(CompressionType.values());
    }

    /** What both sides must read back: offsets from baseOffset, LogAppendTime applied, sequences wrapping. */
    private static List<Flat> expectedRecords(Variant variant, List<Spec> specs) {
        List<Flat> expected = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec spec = specs.get(i);
            long timestamp = variant.logAppendTime() >= 0 ? variant.logAppendTime() : spec.timestamp();
            int sequence = variant.baseSequence() < 0 ? -1
                : (int) ((variant.baseSequence() + (long) i) % (Integer.MAX_VALUE + 1L));
            expected.add(TestRecords.flat(spec, variant.baseOffset() + i, timestamp, sequence));
        }
        return expected;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}

package io.sluice.record;

import io.sluice.record.TestRecords.BatchView;
import io.sluice.record.TestRecords.Flat;
import io.sluice.record.TestRecords.Spec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;

/**
 * kafka-clients 4.1.1 as the independent oracle: builds batches with its {@code MemoryRecordsBuilder} and reads
 * batches with its {@code MemoryRecords}. Every Kafka type is named in full here so the tests stay readable.
 */
final class KafkaOracle {
    private KafkaOracle() {
    }

    /** Batch settings shared by both builders. {@code logAppendTime} -1 means CreateTime. */
    record Variant(String name, long baseOffset, int partitionLeaderEpoch, long producerId, short producerEpoch,
                   int baseSequence, boolean transactional, long logAppendTime) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Variant> variants() {
        return List.of(
            new Variant("plain", 0, -1, -1, (short) -1, -1, false, -1),
            new Variant("idempotent", 42, 7, 1234, (short) 3, 17, false, -1),
            new Variant("sequence-wraps", 100, 0, 99, (short) 0, Integer.MAX_VALUE - 2, false, -1),
            new Variant("transactional", 5, 2, 4321, (short) 9, 0, true, -1),
            new Variant("log-append-time", 1_000_000, 11, -1, (short) -1, -1, false, TestRecords.T0 + 555));
    }

    static org.apache.kafka.common.record.CompressionType kafkaType(CompressionType type) {
        return org.apache.kafka.common.record.CompressionType.forId(type.id());
    }

    static ByteBuffer build(CompressionType type, Variant variant, List<Spec> specs) {
        MemoryRecordsBuilder builder = org.apache.kafka.common.record.MemoryRecords.builder(
            ByteBuffer.allocate(1024), org.apache.kafka.common.record.RecordBatch.CURRENT_MAGIC_VALUE,
            Compression.of(kafkaType(type)).build(),
            variant.logAppendTime() < 0 ? org.apache.kafka.common.record.TimestampType.CREATE_TIME
                : org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME,
            variant.baseOffset(), variant.logAppendTime(), variant.producerId(), variant.producerEpoch(),
            variant.baseSequence(), variant.transactional(), variant.partitionLeaderEpoch());
        for (Spec spec : specs) {
            builder.append(spec.timestamp(), spec.key(), spec.value(), kafkaHeaders(spec.headers()));
        }
        return builder.build().buffer();
    }

    static MemoryRecords buildWithSluice(CompressionType type, Variant variant, List<Spec> specs) {
        RecordBatchBuilder builder = new RecordBatchBuilder()
            .compression(type)
            .baseOffset(variant.baseOffset())
            .partitionLeaderEpoch(variant.partitionLeaderEpoch())
            .producerState(variant.producerId(), variant.producerEpoch(), variant.baseSequence())
            .transactional(variant.transactional());
        if (variant.logAppendTime() >= 0) {
            builder.logAppendTime(variant.logAppendTime());
        }
        for (Spec spec : specs) {
            builder.append(spec.timestamp(), spec.key(), spec.value(), spec.headers());
        }
        return builder.build();
    }

    static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).valueBytes());
        }
        return out;
    }

    /** Kafka's reading of every batch, after its own CRC and record validation. */
    static List<BatchView> read(ByteBuffer bytes) {
        org.apache.kafka.common.record.MemoryRecords records =
            org.apache.kafka.common.record.MemoryRecords.readableRecords(bytes.duplicate());
        List<BatchView> views = new ArrayList<>();
        for (MutableRecordBatch batch : records.batches()) {
            batch.ensureValid();
            List<Flat> flats = new ArrayList<>();
            for (org.apache.kafka.common.record.Record record : batch) {
                record.ensureValid();
                flats.add(flat(record));
            }
            org.apache.kafka.common.record.DefaultRecordBatch v2 =
                (org.apache.kafka.common.record.DefaultRecordBatch) batch;
            views.add(new BatchView(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                batch.compressionType().id,
                batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME,
                batch.isTransactional(), batch.isControlBatch(), batch.producerId(), batch.producerEpoch(),
                batch.baseSequence(), batch.lastSequence(), v2.baseTimestamp(), batch.maxTimestamp(),
                batch.countOrNull(), flats));
        }
        return views;
    }

    static Flat flat(org.apache.kafka.common.record.Record record) {
        List<String> headers = new ArrayList<>();
        for (org.apache.kafka.common.header.Header header : record.headers()) {
            headers.add(header.key() + "=" + TestRecords.hex(header.value()));
        }
        return new Flat(record.offset(), record.timestamp(), record.sequence(), TestRecords.hex(record.key()),
            TestRecords.hex(record.value()), headers);
    }
}

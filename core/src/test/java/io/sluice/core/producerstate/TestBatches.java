package io.sluice.core.producerstate;

import io.sluice.record.ControlRecordType;
import io.sluice.record.EndTransactionMarker;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;

/** Builds the record batches the producer-state tests feed in. */
final class TestBatches {
    static final long TIMESTAMP = 1_700_000_000_000L;

    private TestBatches() {
    }

    /** A data batch of {@code records} records with consecutive sequences from {@code baseSequence}. */
    static RecordBatch batch(long producerId, int epoch, int baseSequence, int records, long baseOffset) {
        return batch(producerId, epoch, baseSequence, records, baseOffset, false);
    }

    static RecordBatch batch(long producerId, int epoch, int baseSequence, int records, long baseOffset,
                             boolean transactional) {
        RecordBatchBuilder builder = new RecordBatchBuilder()
            .baseOffset(baseOffset)
            .producerState(producerId, (short) epoch, baseSequence)
            .transactional(transactional);
        for (int i = 0; i < records; i++) {
            builder.append(TIMESTAMP + i, ("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return only(builder.build());
    }

    /** A batch as a client sends it: the same producer fields, but base offset 0. */
    static RecordBatch resend(long producerId, int epoch, int baseSequence, int records) {
        return batch(producerId, epoch, baseSequence, records, 0);
    }

    static RecordBatch withoutProducer(int records, long baseOffset) {
        return batch(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, records,
            baseOffset);
    }

    static RecordBatch commitMarker(long producerId, int epoch, long offset) {
        return only(MemoryRecords.withEndTransactionMarker(offset, TIMESTAMP, 0, producerId, (short) epoch,
            new EndTransactionMarker(ControlRecordType.COMMIT, 0)));
    }

    private static RecordBatch only(MemoryRecords records) {
        return RecordBatch.wrap(records.buffer());
    }
}

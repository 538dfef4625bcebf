package io.sluice.core.group;

import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Rebuilds a partition's groups and offsets by replaying its log from the start to the end (what this broker
 * has when it becomes leader) into a fresh {@link GroupStateMachine}. Control batches are skipped; records whose
 * key version is unknown, or that cannot be decoded, are skipped with a warning (a corrupt record must not make
 * every group of the partition unavailable).
 *
 * <p>Runs on the coordinator's loader thread; the state machine is not shared until the load is handed over.
 */
final class OffsetsLoader {
    private static final Logger log = LogManager.getLogger(OffsetsLoader.class);
    static final int READ_BYTES = 5 * 1024 * 1024;

    /** What a load read. */
    record Summary(long records, long skipped, long endOffset) {
    }

    private OffsetsLoader() {
    }

    static Summary load(PartitionReader reader, int partition, GroupStateMachine machine) {
        long offset = reader.logStartOffset(partition);
        long end = reader.logEndOffset(partition);
        long records = 0;
        long skipped = 0;
        while (offset < end) {
            MemoryRecords chunk = reader.read(partition, offset, READ_BYTES);
            long before = offset;
            for (RecordBatch batch : chunk.batches()) {
                if (batch.lastOffset() < offset) {
                    continue;
                }
                if (!batch.isControlBatch()) {
                    for (Record r : batch.records()) {
                        if (r.offset() < offset) {
                            continue;
                        }
                        try {
                            Optional<GroupRecord> decoded = OffsetsRecordCodec.decode(r.key(), r.value());
                            if (decoded.isPresent()) {
                                machine.replay(decoded.get());
                                records++;
                            } else {
                                skipped++;
                            }
                        } catch (IllegalArgumentException e) {
                            skipped++;
                            log.warn("Skipping undecodable record at offset {} of {}-{}: {}", r.offset(),
                                OffsetsTopic.NAME, partition, e.getMessage());
                        }
                    }
                }
                offset = batch.nextOffset();
            }
            if (offset == before) {
                // Nothing complete was returned (an empty read, or a batch larger than the read size).
                throw new IllegalStateException("Loading " + OffsetsTopic.NAME + "-" + partition + " made no progress at "
                    + "offset " + offset + " (log end " + end + ")");
            }
        }
        return new Summary(records, skipped, end);
    }
}

package io.sluice.core.group;

import io.sluice.record.MemoryRecords;

/**
 * Reads this broker's replica of a {@code __consumer_offsets} partition, for loading it after becoming its leader.
 * Blocking disk reads: called only on the coordinator's loader thread.
 */
public interface PartitionReader {

    /** The first offset of the local log. @throws io.sluice.common.ApiException if the partition is not hosted */
    long logStartOffset(int partition);

    /** The offset after the last record of the local log. */
    long logEndOffset(int partition);

    /**
     * Whole batches from the one holding {@code offset}, about {@code maxBytes} of them (at least one batch; the
     * last one may be cut short and is then ignored by the caller).
     */
    MemoryRecords read(int partition, long offset, int maxBytes);
}

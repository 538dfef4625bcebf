package io.sluice.core.group;

import io.sluice.record.MemoryRecords;
import java.util.concurrent.CompletableFuture;

/**
 * Appends the group coordinator's records to a partition of {@code __consumer_offsets} that this broker leads.
 * Implemented over the replica manager by the broker ({@code GroupCoordinatorAdapters}); faked in tests.
 */
public interface PartitionWriter {

    /**
     * Appends one batch as leader at {@code leaderEpoch} with acks=-1.
     *
     * @param records the batch; the writer assigns offsets and the leader epoch (the caller does not reuse it)
     * @return completes when the batch is replicated to the in-sync replicas; fails with an
     *         {@link io.sluice.common.ApiException}: NOT_LEADER_OR_FOLLOWER (not the leader, or not at that epoch),
     *         NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT (not replicated within {@code timeoutMs}),
     *         MESSAGE_TOO_LARGE, KAFKA_STORAGE_ERROR, ... May complete on any thread.
     */
    CompletableFuture<Void> append(int partition, int leaderEpoch, MemoryRecords records, long timeoutMs);
}

package io.sluice.core.replication;

import io.sluice.common.Errors;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Records;
import java.util.Optional;

/**
 * What one partition contributes to a fetch response. Immutable; {@code records} may be a slice of a log file
 * that the network layer sends without copying.
 */
public record FetchResult(Errors error, String errorMessage, long highWatermark, long lastStableOffset,
                          long logStartOffset, Records records, Optional<DivergingEpoch> divergingEpoch,
                          int leaderId, int leaderEpoch) {

    /** Set when a follower's last fetched epoch ends earlier on the leader: it must truncate there. */
    public record DivergingEpoch(int epoch, long endOffset) {
    }

    public static FetchResult error(Errors error, String message, int leaderId, int leaderEpoch) {
        return new FetchResult(error, message, -1, -1, -1, MemoryRecords.EMPTY, Optional.empty(), leaderId, leaderEpoch);
    }

    public int sizeInBytes() {
        return records == null ? 0 : records.sizeInBytes();
    }
}

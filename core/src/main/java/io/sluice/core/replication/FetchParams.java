package io.sluice.core.replication;

import io.sluice.core.log.TopicPartition;
import java.util.List;

/**
 * A fetch, stripped of its wire form: who fetches (replica id -1 for consumers), how long it may wait for how
 * many bytes, and the partitions in request order. Immutable.
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, boolean readCommitted,
                          List<PartitionFetch> partitions) {

    /**
     * One partition of a fetch. {@code lastFetchedEpoch} (followers, Fetch v12+) is the epoch of the follower's
     * last batch, -1 if unknown; {@code logStartOffset} is the follower's log start offset, -1 for consumers.
     */
    public record PartitionFetch(TopicPartition tp, long fetchOffset, int currentLeaderEpoch, int maxBytes,
                                 int lastFetchedEpoch, long logStartOffset) {
        public PartitionFetch(TopicPartition tp, long fetchOffset, int currentLeaderEpoch, int maxBytes,
                              int lastFetchedEpoch) {
            this(tp, fetchOffset, currentLeaderEpoch, maxBytes, lastFetchedEpoch, -1L);
        }
    }

    public FetchParams {
        partitions = List.copyOf(partitions);
    }

    public boolean fromFollower() {
        return replicaId >= 0;
    }
}

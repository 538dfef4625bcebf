package io.sluice.core.replication;

import io.sluice.core.log.TopicPartition;
import java.util.List;

/**
 * A fetch, stripped of its wire form: who fetches (replica id -1 for consumers), how long it may wait for how
 * many bytes, and the partitions in request order. Immutable.
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, boolean readCommitted,
                          List<PartitionFetch> partitions) {

    public record PartitionFetch(TopicPartition tp, long fetchOffset, int currentLeaderEpoch, int maxBytes,
                                 int lastFetchedEpoch) {
    }

    public FetchParams {
        partitions = List.copyOf(partitions);
    }

    public boolean fromFollower() {
        return replicaId >= 0;
    }
}

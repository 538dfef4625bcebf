package io.sluice.client.metadata;

import io.sluice.common.Errors;
import io.sluice.common.TopicPartition;
import java.util.List;

/**
 * What metadata says about one partition: its leader (-1 if none), leader epoch, replicas and in-sync replicas
 * (broker ids), and the error the broker reported for it. Immutable.
 */
public record PartitionInfo(TopicPartition topicPartition, int leader, int leaderEpoch, List<Integer> replicas,
                            List<Integer> isr, List<Integer> offlineReplicas, Errors error) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        offlineReplicas = offlineReplicas == null ? List.of() : List.copyOf(offlineReplicas);
    }

    public boolean hasLeader() {
        return leader >= 0;
    }
}

package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.PartitionInfo;
import io.sluice.client.metadata.TopicInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The current "sticky" partition of each topic for keyless records: kept until a batch for it is started, then
 * replaced by another random partition, preferring partitions with a leader. Thread-safe.
 */
final class StickyPartitionCache {
    private final Map<String, Integer> current = new ConcurrentHashMap<>();

    int partition(String topic, Cluster cluster) {
        Integer p = current.get(topic);
        int count = cluster.partitionCount(topic);
        if (p != null && p < count) {
            return p;
        }
        return next(topic, cluster, -1);
    }

    int next(String topic, Cluster cluster, int previous) {
        TopicInfo t = cluster.topics().get(topic);
        List<PartitionInfo> all = t.partitions();
        List<PartitionInfo> available = all.stream().filter(PartitionInfo::hasLeader).toList();
        List<PartitionInfo> choices = available.isEmpty() ? all : available;
        int chosen;
        if (choices.size() == 1) {
            chosen = choices.get(0).topicPartition().partition();
        } else {
            do {
                chosen = choices.get(ThreadLocalRandom.current().nextInt(choices.size())).topicPartition().partition();
            } while (chosen == previous);
        }
        Integer old = current.get(topic);
        if (old == null || old == previous || previous < 0) {
            current.put(topic, chosen);
            return chosen;
        }
        return old;
    }
}

package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.PartitionInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records go to the topic's partitions in turn, keys ignored; partitions with a leader are preferred when some
 * have none. Thread-safe.
 */
public final class RoundRobinPartitioner implements Partitioner {
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int next = counters.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement() & 0x7fffffff;
        List<PartitionInfo> all = cluster.topics().get(topic).partitions();
        List<PartitionInfo> available = all.stream().filter(PartitionInfo::hasLeader).toList();
        List<PartitionInfo> choices = available.isEmpty() ? all : available;
        return choices.get(next % choices.size()).topicPartition().partition();
    }
}

package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.PartitionInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records go to the topic's partitions in turn, keys ignored; partitions with a leader are preferred when some
 * have none. When a record's partition has no open batch, the producer asks {@link #onNewBatch} and partitions
 * the record again; that second call gets the same partition, so every partition still takes its turn (without
 * it, one partition in two would be skipped whenever each record starts a batch). Thread-safe.
 */
public final class RoundRobinPartitioner implements Partitioner {
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    /** Per topic, a partition handed out whose record is being partitioned again after onNewBatch. */
    private final Map<String, Integer> again = new ConcurrentHashMap<>();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        Integer repeat = again.remove(topic);
        if (repeat != null) {
            return repeat;
        }
        int next = counters.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement() & 0x7fffffff;
        List<PartitionInfo> all = cluster.topics().get(topic).partitions();
        List<PartitionInfo> available = all.stream().filter(PartitionInfo::hasLeader).toList();
        List<PartitionInfo> choices = available.isEmpty() ? all : available;
        return choices.get(next % choices.size()).topicPartition().partition();
    }

    @Override
    public void onNewBatch(String topic, Cluster cluster, int previousPartition) {
        again.put(topic, previousPartition);
    }
}

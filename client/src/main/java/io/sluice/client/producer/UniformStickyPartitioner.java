package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;

/** Every record, keyed or not, goes to the topic's sticky partition, which changes per batch. Thread-safe. */
public final class UniformStickyPartitioner implements Partitioner {
    private final StickyPartitionCache sticky = new StickyPartitionCache();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        return sticky.partition(topic, cluster);
    }

    @Override
    public void onNewBatch(String topic, Cluster cluster, int previousPartition) {
        sticky.next(topic, cluster, previousPartition);
    }
}

package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;

/**
 * Keyed records: {@code positive(murmur2(keyBytes)) % partitions}, the same partition Kafka's client picks.
 * Keyless records: a sticky partition per topic, changed whenever a batch for it starts, so batches fill up
 * instead of spreading single records. Thread-safe.
 */
public final class DefaultPartitioner implements Partitioner {
    private final StickyPartitionCache sticky = new StickyPartitionCache();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (keyBytes == null) {
            return sticky.partition(topic, cluster);
        }
        return Murmur2.partitionForKey(keyBytes, cluster.partitionCount(topic));
    }

    @Override
    public void onNewBatch(String topic, Cluster cluster, int previousPartition) {
        sticky.next(topic, cluster, previousPartition);
    }
}

package io.sluice.client.producer;

import io.sluice.client.metadata.Cluster;

/**
 * Chooses the partition of a record sent without one. Called from the sending threads, so implementations
 * must be thread-safe.
 */
public interface Partitioner extends AutoCloseable {
    /**
     * @param keyBytes the serialized key, null for a keyless record
     * @param cluster  current metadata; the topic is present with at least one partition
     */
    int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster);

    /**
     * Called when the record just partitioned would start a new batch of {@code previousPartition}; a sticky
     * partitioner moves to another partition here (the record is then partitioned again).
     */
    default void onNewBatch(String topic, Cluster cluster, int previousPartition) {
    }

    @Override
    default void close() {
    }
}

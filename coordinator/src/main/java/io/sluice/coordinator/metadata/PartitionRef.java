package io.sluice.coordinator.metadata;

import io.sluice.coordinator.zk.ZkPaths;

/** A topic name and a partition index: the key of a partition in requests and decisions. Immutable. */
public record PartitionRef(String topic, int partition) implements Comparable<PartitionRef> {
    public PartitionRef {
        ZkPaths.requireSafeName(topic);
        if (partition < 0) {
            throw new IllegalArgumentException("Partition must be >= 0, got " + partition + " for topic " + topic);
        }
    }

    @Override
    public int compareTo(PartitionRef o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}

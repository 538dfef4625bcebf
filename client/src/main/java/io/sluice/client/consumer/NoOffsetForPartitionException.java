package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import java.util.Set;

/** A partition has no committed offset and {@code auto.offset.reset} is {@code none}. */
public class NoOffsetForPartitionException extends RuntimeException {
    private final Set<TopicPartition> partitions;

    public NoOffsetForPartitionException(Set<TopicPartition> partitions) {
        super("No committed offset and auto.offset.reset=none for " + partitions);
        this.partitions = Set.copyOf(partitions);
    }

    public Set<TopicPartition> partitions() {
        return partitions;
    }
}

package io.sluice.core.group;

import java.util.Comparator;
import java.util.Objects;

/**
 * A topic and partition whose offset a group committed. Unlike the log's {@code TopicPartition} it accepts any
 * name (commits are validated against the metadata before they get here). Immutable; ordered by topic, then
 * partition.
 */
public record TopicPartitionKey(String topic, int partition) implements Comparable<TopicPartitionKey> {
    private static final Comparator<TopicPartitionKey> ORDER =
        Comparator.comparing(TopicPartitionKey::topic).thenComparingInt(TopicPartitionKey::partition);

    public TopicPartitionKey {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public int compareTo(TopicPartitionKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}

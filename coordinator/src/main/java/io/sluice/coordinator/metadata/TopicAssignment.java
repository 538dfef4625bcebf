package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of {@code /brokers/topics/<topic>}: the topic id and, per partition, its ordered replica list
 * (the first replica is the preferred leader).
 *
 * <p>Invariants: partitions are exactly {@code 0..n-1} with n &gt;= 1; every replica list is non-empty, has
 * no duplicates and only non-negative broker ids. The map is sorted by partition and unmodifiable.
 *
 * @param topicId {@link Uuid#ZERO} for a topic written by an old Kafka without topic ids
 */
public record TopicAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> replicas) {
    public TopicAssignment {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
        replicas.forEach((p, r) -> copy.put(p, List.copyOf(r)));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("Topic " + topic + " has no partitions");
        }
        if (copy.firstKey() != 0 || copy.lastKey() != copy.size() - 1) {
            throw new IllegalArgumentException("Partitions of topic " + topic + " must be 0.." + (copy.size() - 1)
                + " without gaps, got " + copy.keySet());
        }
        copy.forEach((p, r) -> {
            if (r.isEmpty()) {
                throw new IllegalArgumentException("Partition " + topic + "-" + p + " has no replicas");
            }
            if (r.stream().distinct().count() != r.size() || r.stream().anyMatch(b -> b < 0)) {
                throw new IllegalArgumentException("Partition " + topic + "-" + p + " has a bad replica list " + r);
            }
        });
        replicas = Collections.unmodifiableSortedMap(copy);
    }

    public int partitionCount() {
        return replicas.size();
    }

    public List<Integer> replicas(int partition) {
        List<Integer> r = replicas.get(partition);
        if (r == null) {
            throw new IllegalArgumentException("Topic " + topic + " has no partition " + partition);
        }
        return r;
    }
}

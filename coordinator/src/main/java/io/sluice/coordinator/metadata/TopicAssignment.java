package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of {@code /brokers/topics/<topic>}: the topic id and, per partition, its ordered replica list
 * (the first replica is the preferred leader), plus the replicas being added and removed by a reassignment in
 * progress (Kafka's v3 topic znode, KIP-455).
 *
 * <p>During a reassignment a partition's {@code replicas} is the union of its target and original replicas,
 * target first; {@code addingReplicas} = target − original and {@code removingReplicas} = original − target,
 * each in replica-list order. So the target is {@code replicas − removing} and the original
 * {@code replicas − adding}. A partition that is not being reassigned has no entry in either map.
 *
 * <p>Invariants: partitions are exactly {@code 0..n-1} with n &gt;= 1; every replica list is non-empty, has
 * no duplicates and only non-negative broker ids; adding and removing lists are non-empty, disjoint subsets of
 * the partition's replicas, and the target (replicas − removing) is not empty. Maps are sorted by partition and
 * unmodifiable.
 *
 * @param topicId {@link Uuid#ZERO} for a topic written by an old Kafka without topic ids
 */
public record TopicAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> replicas,
                              Map<Integer, List<Integer>> addingReplicas, Map<Integer, List<Integer>> removingReplicas) {
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
        addingReplicas = subsets(topic, "adding", addingReplicas, copy);
        removingReplicas = subsets(topic, "removing", removingReplicas, copy);
        for (Map.Entry<Integer, List<Integer>> e : removingReplicas.entrySet()) {
            List<Integer> adding = addingReplicas.getOrDefault(e.getKey(), List.of());
            if (e.getValue().stream().anyMatch(adding::contains)) {
                throw new IllegalArgumentException("Partition " + topic + "-" + e.getKey() + " adds and removes the same"
                    + " replica: adding " + adding + ", removing " + e.getValue());
            }
            if (e.getValue().size() >= copy.get(e.getKey()).size()) {
                throw new IllegalArgumentException("Partition " + topic + "-" + e.getKey() + " would remove every replica");
            }
        }
    }

    /** An assignment without reassignments in progress. */
    public TopicAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> replicas) {
        this(topic, topicId, replicas, Map.of(), Map.of());
    }

    private static Map<Integer, List<Integer>> subsets(String topic, String what, Map<Integer, List<Integer>> lists,
                                                       Map<Integer, List<Integer>> replicas) {
        TreeMap<Integer, List<Integer>> out = new TreeMap<>();
        lists.forEach((p, r) -> {
            if (r == null || r.isEmpty()) {
                return;                       // Kafka writes {} for "nothing"; an empty list means the same
            }
            List<Integer> all = replicas.get(p);
            if (all == null) {
                throw new IllegalArgumentException("Topic " + topic + " lists " + what + " replicas for unknown partition " + p);
            }
            if (r.stream().distinct().count() != r.size() || !all.containsAll(r)) {
                throw new IllegalArgumentException("Partition " + topic + "-" + p + ": " + what + " replicas " + r
                    + " are not distinct members of its replicas " + all);
            }
            out.put(p, List.copyOf(r));
        });
        return Collections.unmodifiableSortedMap(out);
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

    public List<Integer> addingReplicas(int partition) {
        return addingReplicas.getOrDefault(partition, List.of());
    }

    public List<Integer> removingReplicas(int partition) {
        return removingReplicas.getOrDefault(partition, List.of());
    }

    public boolean isReassigning(int partition) {
        return addingReplicas.containsKey(partition) || removingReplicas.containsKey(partition);
    }

    /** The same topic with partition {@code partition} set to {@code replicas}, {@code adding}, {@code removing}. */
    public TopicAssignment withPartition(int partition, List<Integer> newReplicas, List<Integer> adding,
                                         List<Integer> removing) {
        replicas(partition);
        Map<Integer, List<Integer>> r = new TreeMap<>(replicas);
        Map<Integer, List<Integer>> a = new TreeMap<>(addingReplicas);
        Map<Integer, List<Integer>> rm = new TreeMap<>(removingReplicas);
        r.put(partition, newReplicas);
        a.put(partition, adding);
        rm.put(partition, removing);
        return new TopicAssignment(topic, topicId, r, a, rm);
    }
}

package io.sluice.client.admin;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A topic to create: a partition count and replication factor (-1 for the broker's defaults), or an explicit
 * replica assignment (broker ids per partition, in partition order), plus topic configs. Immutable.
 */
public record NewTopic(String name, int partitions, short replicationFactor, List<List<Integer>> replicaAssignment,
                       Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        replicaAssignment = replicaAssignment == null ? List.of() : replicaAssignment.stream().map(List::copyOf).toList();
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int partitions, short replicationFactor) {
        this(name, partitions, replicationFactor, List.of(), Map.of());
    }

    public NewTopic withConfigs(Map<String, String> configs) {
        return new NewTopic(name, partitions, replicationFactor, replicaAssignment, configs);
    }
}

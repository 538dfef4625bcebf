package io.sluice.coordinator.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One partition in the {@link ClusterImage}: its assigned replicas, the replicas a reassignment in progress is
 * adding and removing (both empty when there is none; see {@link TopicAssignment} for the representation) and,
 * once the controller has written it, its leader/ISR state. An empty state means "just created; the controller
 * has not elected a leader yet".
 */
public record PartitionImage(List<Integer> replicas, List<Integer> addingReplicas, List<Integer> removingReplicas,
                             Optional<PartitionState> state) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
        Objects.requireNonNull(state, "state");
    }

    /** A partition that is not being reassigned. */
    public PartitionImage(List<Integer> replicas, Optional<PartitionState> state) {
        this(replicas, List.of(), List.of(), state);
    }

    /** The leader, or {@link PartitionState#NO_LEADER} if there is no state or no leader. */
    public int leader() {
        return state.map(PartitionState::leader).orElse(PartitionState.NO_LEADER);
    }

    /** The preferred leader: the first replica. */
    public int preferredReplica() {
        return replicas.get(0);
    }

    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** Where a reassignment in progress is going: replicas − removing (the replicas themselves if none is). */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** Where a reassignment in progress started from: replicas − adding (the replicas themselves if none is). */
    public List<Integer> originalReplicas() {
        return replicas.stream().filter(r -> !addingReplicas.contains(r)).toList();
    }
}

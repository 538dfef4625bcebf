package io.sluice.coordinator.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One partition in the {@link ClusterImage}: its assigned replicas and, once the controller has written it,
 * its leader/ISR state. An empty state means "just created; the controller has not elected a leader yet".
 */
public record PartitionImage(List<Integer> replicas, Optional<PartitionState> state) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        Objects.requireNonNull(state, "state");
    }

    /** The leader, or {@link PartitionState#NO_LEADER} if there is no state or no leader. */
    public int leader() {
        return state.map(PartitionState::leader).orElse(PartitionState.NO_LEADER);
    }
}

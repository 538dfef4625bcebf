package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link LeaderElection}'s controlled-shutdown rules and the failover preference for brokers not shutting down. */
class ControlledShutdownElectionTest {
    private static final int CONTROLLER_EPOCH = 3;

    private static PartitionState state(int leader, int epoch, List<Integer> isr) {
        return new PartitionState(leader, epoch, isr, 1, 5);
    }

    @Test
    void aLeaderInShutdownHandsOverToAnotherIsrMemberAndLeavesTheIsr() {
        assertEquals(Optional.of(new PartitionState(3, 8, List.of(3, 2), CONTROLLER_EPOCH, 5)),
            LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 3, 2)), List.of(1, 3, 2), Set.of(1, 2, 3),
                Set.of(1), CONTROLLER_EPOCH));
    }

    @Test
    void theNewLeaderIsTheFirstInAssignmentOrderNotInIsrOrder() {
        assertEquals(2, LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 3, 2)), List.of(1, 2, 3),
            Set.of(1, 2, 3), Set.of(1), CONTROLLER_EPOCH).orElseThrow().leader());
    }

    @Test
    void aLeaderAloneInTheIsrKeepsLeading() {
        assertEquals(Optional.empty(), LeaderElection.onControlledShutdown(state(1, 7, List.of(1)), List.of(1, 2, 3),
            Set.of(1, 2, 3), Set.of(1), CONTROLLER_EPOCH));
    }

    @Test
    void otherIsrMembersThatAreDeadOrShuttingDownDoNotQualify() {
        assertEquals(Optional.empty(), LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 2, 3)), List.of(1, 2, 3),
            Set.of(1, 2), Set.of(1, 2), CONTROLLER_EPOCH));
    }

    @Test
    void aFollowerInShutdownLeavesTheIsr() {
        assertEquals(Optional.of(new PartitionState(1, 8, List.of(1, 3), CONTROLLER_EPOCH, 5)),
            LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 2, 3)), List.of(1, 2, 3), Set.of(1, 2, 3),
                Set.of(2), CONTROLLER_EPOCH));
    }

    @Test
    void nothingChangesWithoutShutdownsOrForOfflinePartitions() {
        assertEquals(Optional.empty(), LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 2)), List.of(1, 2),
            Set.of(1, 2), Set.of(), CONTROLLER_EPOCH));
        assertEquals(Optional.empty(), LeaderElection.onControlledShutdown(state(-1, 7, List.of(2)), List.of(1, 2),
            Set.of(1, 2), Set.of(2), CONTROLLER_EPOCH));
        assertEquals(Optional.empty(), LeaderElection.onControlledShutdown(state(1, 7, List.of(1, 2)), List.of(1, 2),
            Set.of(1, 2), Set.of(3), CONTROLLER_EPOCH));
    }

    @Test
    void failoverPrefersABrokerThatIsNotShuttingDown() {
        // Leader 1 died; 2 is shutting down, 3 is not: 3 leads and 2 leaves the ISR with 1.
        assertEquals(Optional.of(new PartitionState(3, 8, List.of(3), CONTROLLER_EPOCH, 5)),
            LeaderElection.onLiveBrokersChanged(state(1, 7, List.of(1, 2, 3)), List.of(1, 2, 3), Set.of(2, 3),
                Set.of(2), false, CONTROLLER_EPOCH));
    }

    @Test
    void failoverFallsBackToABrokerInShutdownRatherThanGoingOffline() {
        assertEquals(Optional.of(new PartitionState(2, 8, List.of(2), CONTROLLER_EPOCH, 5)),
            LeaderElection.onLiveBrokersChanged(state(1, 7, List.of(1, 2)), List.of(1, 2, 3), Set.of(2, 3),
                Set.of(2), false, CONTROLLER_EPOCH));
    }
}

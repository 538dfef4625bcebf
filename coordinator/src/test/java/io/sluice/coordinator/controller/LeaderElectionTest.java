package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.coordinator.controller.LeaderElection.Election;
import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    @Test
    void picksTheFirstLiveIsrMemberInAssignmentOrder() {
        assertEquals(new Election.Elected(2, List.of(3, 2), false),
            LeaderElection.electLeader(List.of(1, 2, 3), List.of(1, 3, 2), Set.of(2, 3), false));
    }

    @Test
    void aLiveReplicaOutsideTheIsrIsNotEligible() {
        assertEquals(new Election.Elected(3, List.of(3), false),
            LeaderElection.electLeader(List.of(1, 2, 3), List.of(1, 3), Set.of(2, 3), false));
    }

    @Test
    void noLiveIsrMemberMeansNoLeaderWhenUncleanIsOff() {
        assertEquals(new Election.NoEligibleReplica(List.of()),
            LeaderElection.electLeader(List.of(1, 2, 3), List.of(1), Set.of(2, 3), false));
    }

    @Test
    void uncleanElectionPicksTheFirstLiveReplicaAlone() {
        assertEquals(new Election.Elected(2, List.of(2), true),
            LeaderElection.electLeader(List.of(1, 2, 3), List.of(1), Set.of(3, 2), true));
    }

    @Test
    void uncleanElectionWithNothingAliveStillFinds() {
        assertEquals(new Election.NoEligibleReplica(List.of()),
            LeaderElection.electLeader(List.of(1, 2), List.of(1), Set.of(), true));
    }

    @Test
    void initialStateUsesLiveReplicasInAssignmentOrder() {
        assertEquals(new PartitionState(3, 0, List.of(3, 1), 5, PartitionState.NEW_ZK_VERSION),
            LeaderElection.initialState(List.of(2, 3, 1), Set.of(1, 3), 5));
    }

    @Test
    void initialStateWithNoLiveReplicaIsOfflineWithTheWholeAssignmentInSync() {
        assertEquals(new PartitionState(-1, 0, List.of(2, 3), 5, PartitionState.NEW_ZK_VERSION),
            LeaderElection.initialState(List.of(2, 3), Set.of(1), 5));
    }

    @Test
    void liveLeaderWithFullLiveIsrIsLeftAlone() {
        PartitionState current = new PartitionState(1, 3, List.of(1, 2), 4, 10);
        assertEquals(Optional.empty(),
            LeaderElection.onLiveBrokersChanged(current, List.of(1, 2, 3), Set.of(1, 2), false, 5));
    }

    @Test
    void deadFollowerLeavesTheIsrAndTheEpochMoves() {
        PartitionState current = new PartitionState(1, 3, List.of(1, 2, 3), 4, 10);
        assertEquals(Optional.of(new PartitionState(1, 4, List.of(1, 3), 5, 10)),
            LeaderElection.onLiveBrokersChanged(current, List.of(1, 2, 3), Set.of(1, 3), false, 5));
    }

    @Test
    void deadLeaderIsReplacedFromTheLiveIsr() {
        PartitionState current = new PartitionState(1, 3, List.of(1, 2, 3), 4, 10);
        assertEquals(Optional.of(new PartitionState(2, 4, List.of(2, 3), 5, 10)),
            LeaderElection.onLiveBrokersChanged(current, List.of(1, 2, 3), Set.of(2, 3), false, 5));
    }

    @Test
    void lastIsrMemberDyingTakesThePartitionOfflineButKeepsTheIsr() {
        PartitionState current = new PartitionState(1, 3, List.of(1), 4, 10);
        assertEquals(Optional.of(new PartitionState(-1, 4, List.of(1), 5, 10)),
            LeaderElection.onLiveBrokersChanged(current, List.of(1, 2), Set.of(2), false, 5));
    }

    @Test
    void offlinePartitionStaysOfflineUntilAnIsrMemberReturns() {
        PartitionState offline = new PartitionState(-1, 4, List.of(1), 5, 11);
        assertEquals(Optional.empty(), LeaderElection.onLiveBrokersChanged(offline, List.of(1, 2), Set.of(2), false, 5));
        assertEquals(Optional.of(new PartitionState(1, 5, List.of(1), 6, 11)),
            LeaderElection.onLiveBrokersChanged(offline, List.of(1, 2), Set.of(1, 2), false, 6));
    }

    @Test
    void uncleanTopicElectsAnOutOfSyncReplica() {
        PartitionState current = new PartitionState(1, 3, List.of(1), 4, 10);
        assertEquals(Optional.of(new PartitionState(2, 4, List.of(2), 5, 10)),
            LeaderElection.onLiveBrokersChanged(current, List.of(1, 2), Set.of(2), true, 5));
    }
}

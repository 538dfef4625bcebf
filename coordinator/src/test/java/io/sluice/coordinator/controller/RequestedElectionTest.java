package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link LeaderElection#electPreferred} and {@link LeaderElection#electUnclean}. */
class RequestedElectionTest {
    private static final int CONTROLLER_EPOCH = 4;

    private static PartitionImage partition(List<Integer> replicas, int leader, List<Integer> isr) {
        return new PartitionImage(replicas, Optional.of(new PartitionState(leader, 6, isr, 1, 9)));
    }

    private static Errors answer(LeaderElection.Requested r) {
        return assertInstanceOf(LeaderElection.Requested.Answered.class, r).outcome().error();
    }

    @Test
    void preferredElectionMovesLeadershipToTheFirstReplicaAndBumpsTheEpoch() {
        LeaderElection.Requested r = LeaderElection.electPreferred("t-0", partition(List.of(1, 2, 3), 2, List.of(2, 1, 3)),
            Set.of(1, 2, 3), Set.of(), CONTROLLER_EPOCH);
        assertEquals(new LeaderElection.Requested.Elected(new PartitionState(1, 7, List.of(2, 1, 3), CONTROLLER_EPOCH, 9)), r);
    }

    @Test
    void preferredElectionIsNotNeededWhenThePreferredReplicaLeads() {
        assertEquals(Errors.ELECTION_NOT_NEEDED, answer(LeaderElection.electPreferred("t-0",
            partition(List.of(1, 2), 1, List.of(1, 2)), Set.of(1, 2), Set.of(), CONTROLLER_EPOCH)));
    }

    @Test
    void preferredReplicaMustBeLiveInTheIsrAndNotShuttingDown() {
        PartitionImage p = partition(List.of(1, 2), 2, List.of(2, 1));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
            answer(LeaderElection.electPreferred("t-0", p, Set.of(2), Set.of(), CONTROLLER_EPOCH)));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
            answer(LeaderElection.electPreferred("t-0", p, Set.of(1, 2), Set.of(1), CONTROLLER_EPOCH)));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, answer(LeaderElection.electPreferred("t-0",
            partition(List.of(1, 2), 2, List.of(2)), Set.of(1, 2), Set.of(), CONTROLLER_EPOCH)));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, answer(LeaderElection.electPreferred("t-0",
            new PartitionImage(List.of(1, 2), Optional.empty()), Set.of(1, 2), Set.of(), CONTROLLER_EPOCH)));
    }

    @Test
    void uncleanElectionIsNotNeededWithALiveLeader() {
        assertEquals(Errors.ELECTION_NOT_NEEDED, answer(LeaderElection.electUnclean("t-0",
            partition(List.of(1, 2), 2, List.of(2)), Set.of(1, 2), CONTROLLER_EPOCH)));
    }

    @Test
    void uncleanElectionStillPrefersALiveIsrMember() {
        assertEquals(new LeaderElection.Requested.Elected(new PartitionState(3, 7, List.of(3), CONTROLLER_EPOCH, 9)),
            LeaderElection.electUnclean("t-0", partition(List.of(1, 2, 3), -1, List.of(1, 3)), Set.of(2, 3), CONTROLLER_EPOCH));
    }

    @Test
    void uncleanElectionTakesAnyLiveReplicaWhenNoIsrMemberLives() {
        assertEquals(new LeaderElection.Requested.Elected(new PartitionState(2, 7, List.of(2), CONTROLLER_EPOCH, 9)),
            LeaderElection.electUnclean("t-0", partition(List.of(1, 2, 3), -1, List.of(1)), Set.of(2, 3), CONTROLLER_EPOCH));
    }

    @Test
    void uncleanElectionWithoutLiveReplicas() {
        assertEquals(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, answer(LeaderElection.electUnclean("t-0",
            partition(List.of(1, 2), -1, List.of(1)), Set.of(3), CONTROLLER_EPOCH)));
    }
}

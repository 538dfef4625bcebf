package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReassignmentProgressTest {
    private static final int CONTROLLER_EPOCH = 2;

    /** Reassigning [1,2,3] to [4,1,2]: replicas [4,1,2,3], adding [4], removing [3]. */
    private static PartitionImage moving(int leader, List<Integer> isr) {
        return new PartitionImage(List.of(4, 1, 2, 3), List.of(4), List.of(3),
            Optional.of(new PartitionState(leader, 5, isr, 1, 11)));
    }

    @Test
    void waitsUntilEveryTargetReplicaIsInTheIsr() {
        assertEquals(new ReassignmentProgress.Step.Waiting(List.of(4)),
            ReassignmentProgress.next(moving(1, List.of(1, 2, 3)), Set.of(1, 2, 3, 4), Set.of(), CONTROLLER_EPOCH));
    }

    @Test
    void completesKeepingALeaderThatIsInTheTarget() {
        assertEquals(new ReassignmentProgress.Step.Complete(List.of(4, 1, 2),
                Optional.of(new PartitionState(1, 6, List.of(1, 2, 4), CONTROLLER_EPOCH, 11))),
            ReassignmentProgress.next(moving(1, List.of(1, 2, 3, 4)), Set.of(1, 2, 3, 4), Set.of(), CONTROLLER_EPOCH));
    }

    @Test
    void movesLeadershipIntoTheTargetWhenTheLeaderIsBeingRemoved() {
        assertEquals(new ReassignmentProgress.Step.Complete(List.of(4, 1, 2),
                Optional.of(new PartitionState(4, 6, List.of(1, 2, 4), CONTROLLER_EPOCH, 11))),
            ReassignmentProgress.next(moving(3, List.of(3, 1, 2, 4)), Set.of(1, 2, 3, 4), Set.of(), CONTROLLER_EPOCH));
    }

    @Test
    void theNewLeaderAvoidsBrokersShuttingDown() {
        assertEquals(1, ((ReassignmentProgress.Step.Complete) ReassignmentProgress.next(moving(3, List.of(3, 1, 2, 4)),
            Set.of(1, 2, 3, 4), Set.of(4), CONTROLLER_EPOCH)).nextState().orElseThrow().leader());
    }

    @Test
    void aPureReorderOrRemovalAlreadyOutOfTheIsrWritesOnlyTheAssignment() {
        PartitionImage shrink = new PartitionImage(List.of(1, 2, 3), List.of(), List.of(3),
            Optional.of(new PartitionState(1, 5, List.of(1, 2), 1, 11)));
        assertEquals(new ReassignmentProgress.Step.Complete(List.of(1, 2), Optional.empty()),
            ReassignmentProgress.next(shrink, Set.of(1, 2), Set.of(), CONTROLLER_EPOCH));
    }

    @Test
    void withoutALiveTargetReplicaItWaits() {
        PartitionImage p = new PartitionImage(List.of(4, 3), List.of(4), List.of(3),
            Optional.of(new PartitionState(3, 5, List.of(3, 4), 1, 11)));
        assertEquals(new ReassignmentProgress.Step.NoEligibleLeader(),
            ReassignmentProgress.next(p, Set.of(3), Set.of(), CONTROLLER_EPOCH));
    }
}

package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReassignmentsTest {
    private static final Set<Integer> LIVE = Set.of(1, 2, 3, 4, 5);
    private static final TopicAssignment STEADY = new TopicAssignment("t", Uuid.ONE, Map.of(0, List.of(1, 2, 3)));
    /** Partition 0 moving from [1,2,3] to [4,1,2]. */
    private static final TopicAssignment MOVING = new TopicAssignment("t", Uuid.ONE, Map.of(0, List.of(4, 1, 2, 3)),
        Map.of(0, List.of(4)), Map.of(0, List.of(3)));

    private static Reassignments.Change plan(TopicAssignment a, List<Integer> target) {
        return Reassignments.plan(a, 0, Optional.ofNullable(target), LIVE, true);
    }

    private static Errors refused(Reassignments.Change change) {
        return assertInstanceOf(Reassignments.Change.Refused.class, change).outcome().error();
    }

    @Test
    void aNewTargetComesFirstFollowedByTheReplicasBeingRemoved() {
        assertEquals(new Reassignments.Change.Update(List.of(4, 1, 2, 3), List.of(4), List.of(3)),
            plan(STEADY, List.of(4, 1, 2)));
        assertEquals(new Reassignments.Change.Update(List.of(4, 5, 1, 2, 3), List.of(4, 5), List.of(1, 2, 3)),
            plan(STEADY, List.of(4, 5)));
    }

    @Test
    void theSameReplicasChangeNothingAndAPermutationOnlyReorders() {
        assertEquals(new Reassignments.Change.Unchanged(), plan(STEADY, List.of(1, 2, 3)));
        assertEquals(new Reassignments.Change.Update(List.of(3, 1, 2), List.of(), List.of()), plan(STEADY, List.of(3, 1, 2)));
    }

    @Test
    void badTargetsAreInvalidReplicaAssignments() {
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, refused(plan(STEADY, List.of())));
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, refused(plan(STEADY, List.of(1, 1, 2))));
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, refused(plan(STEADY, List.of(1, 2, 9))));
    }

    @Test
    void aReplicationFactorChangeCanBeForbidden() {
        assertEquals(Errors.INVALID_REPLICATION_FACTOR,
            refused(Reassignments.plan(STEADY, 0, Optional.of(List.of(1, 2)), LIVE, false)));
        assertInstanceOf(Reassignments.Change.Update.class,
            Reassignments.plan(STEADY, 0, Optional.of(List.of(1, 2, 4)), LIVE, false));
    }

    @Test
    void aRunningReassignmentAcceptsOnlyItsOwnTarget() {
        assertEquals(new Reassignments.Change.Unchanged(), plan(MOVING, List.of(4, 1, 2)));
        assertEquals(Errors.REASSIGNMENT_IN_PROGRESS, refused(plan(MOVING, List.of(5, 1, 2))));
    }

    @Test
    void cancellingTurnsTheReassignmentAround() {
        assertEquals(new Reassignments.Change.Update(List.of(1, 2, 3, 4), List.of(), List.of(4)), plan(MOVING, null));
        TopicAssignment shrinking = new TopicAssignment("t", Uuid.ONE, Map.of(0, List.of(1, 2, 3)), Map.of(),
            Map.of(0, List.of(3)));
        assertEquals(new Reassignments.Change.Update(List.of(1, 2, 3), List.of(), List.of()), plan(shrinking, null));
    }

    @Test
    void cancellingWithoutAReassignment() {
        assertEquals(Errors.NO_REASSIGNMENT_IN_PROGRESS, refused(plan(STEADY, null)));
    }

    @Test
    void assignmentInvariants() {
        PartitionImage image = new PartitionImage(List.of(4, 1, 2, 3), List.of(4), List.of(3), Optional.empty());
        assertEquals(List.of(4, 1, 2), image.targetReplicas());
        assertEquals(List.of(1, 2, 3), image.originalReplicas());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t",
            Uuid.ONE, Map.of(0, List.of(1, 2)), Map.of(0, List.of(3)), Map.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t",
            Uuid.ONE, Map.of(0, List.of(1, 2)), Map.of(0, List.of(1)), Map.of(0, List.of(1))));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t",
            Uuid.ONE, Map.of(0, List.of(1, 2)), Map.of(), Map.of(0, List.of(1, 2))));
    }
}

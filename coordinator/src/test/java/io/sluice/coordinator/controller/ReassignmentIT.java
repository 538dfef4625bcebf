package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReassignmentIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private TestBroker b1;
    private TestBroker b2;
    private TestBroker b3;
    private Uuid topicId;

    /** Brokers 1-3, broker 1 the controller, topic t: partition 0 on [1,2] led by 1, partition 1 on [2,3]. */
    private void cluster() throws Exception {
        b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        b2 = new TestBroker(zk, 2, TestBroker.settings()).startCandidacy();
        b3 = new TestBroker(zk, 3, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("three brokers", i -> i.liveBrokerIds().size() == 3);
        topicId = Uuid.randomUuid();
        b1.store.createTopic("t", topicId, Map.of(0, List.of(1, 2), 1, List.of(2, 3)), Map.of());
        b1.awaitImage("leaders", i -> i.leader("t", 0).isPresent() && i.leader("t", 1).isPresent());
    }

    private Map<Integer, Errors> reassign(Map<Integer, Optional<List<Integer>>> targets) {
        Map<Integer, PartitionOutcome> out = b3.store.alterPartitionReassignments("t", targets, true);
        return out.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().error()));
    }

    private PartitionImage partition(int p) {
        return b1.image().partition("t", p).orElseThrow();
    }

    @Test
    void newReplicasCatchUpThenLeadershipMovesAndTheOldReplicasGoInOneStep() throws Exception {
        cluster();
        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.of(List.of(3, 2)))));
        b1.awaitImage("reassignment recorded", i -> i.partition("t", 0).map(PartitionImage::isReassigning).orElse(false));
        assertEquals(new PartitionImage(List.of(3, 2, 1), List.of(3), List.of(1), Optional.of(b1.state("t", 0))), partition(0));
        assertEquals(new PartitionState(1, 0, List.of(1, 2), 1, 0), b1.state("t", 0));   // waits for 3 to catch up

        b1.expandIsr("t", 0, 3);                              // what the leader does once 3 has caught up

        b1.awaitImage("reassignment completed", i -> !i.partition("t", 0).orElseThrow().isReassigning());
        assertEquals(List.of(3, 2), partition(0).replicas());
        Waits.until("state written", () -> b1.state("t", 0).leader() == 3);
        assertEquals(new PartitionState(3, 1, List.of(2, 3), 1, 2), b1.state("t", 0));
        assertEquals(new TopicAssignment("t", topicId, Map.of(0, List.of(3, 2), 1, List.of(2, 3))),
            b1.store.readTopicAssignment("t").orElseThrow().value());
    }

    @Test
    void cancellingRevertsToTheOriginalReplicas() throws Exception {
        cluster();
        assertEquals(Map.of(0, Errors.NO_REASSIGNMENT_IN_PROGRESS), reassign(Map.of(0, Optional.empty())));
        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.of(List.of(1, 3)))));
        b1.awaitImage("reassignment recorded", i -> i.partition("t", 0).map(PartitionImage::isReassigning).orElse(false));
        assertEquals(Map.of(0, Errors.REASSIGNMENT_IN_PROGRESS), reassign(Map.of(0, Optional.of(List.of(1, 2, 3)))));
        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.of(List.of(1, 3)))));   // the same again: fine

        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.empty())));
        b1.awaitImage("cancelled", i -> !i.partition("t", 0).orElseThrow().isReassigning());
        assertEquals(List.of(1, 2), partition(0).replicas());
        assertEquals(new PartitionState(1, 0, List.of(1, 2), 1, 0), b1.state("t", 0));   // nothing else changed
    }

    @Test
    void invalidRequestsAreRefusedPerPartition() throws Exception {
        cluster();
        b3.deregister();
        b1.awaitImage("broker 3 gone", i -> !i.isLive(3));
        assertEquals(Map.of(0, Errors.INVALID_REPLICA_ASSIGNMENT, 1, Errors.INVALID_REPLICA_ASSIGNMENT, 5,
                Errors.UNKNOWN_TOPIC_OR_PARTITION),
            reassign(Map.of(0, Optional.of(List.of(1, 3)), 1, Optional.of(List.of(2, 2)), 5, Optional.of(List.of(1)))));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, b1.store.alterPartitionReassignments("t",
            Map.of(0, Optional.of(List.of(1))), false).get(0).error());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, b1.store.alterPartitionReassignments("nope",
            Map.of(0, Optional.of(List.of(1))), true).get(0).error());
    }

    @Test
    void aNewControllerFinishesWhatTheOldOneStarted() throws Exception {
        cluster();
        assertEquals(Map.of(1, Errors.NONE), reassign(Map.of(1, Optional.of(List.of(1, 3)))));
        b1.awaitImage("reassignment recorded", i -> i.partition("t", 1).map(PartitionImage::isReassigning).orElse(false));
        b1.election.close();
        Waits.until("controller 2", b2.election::isActive);

        b2.expandIsr("t", 1, 1);
        b2.awaitImage("reassignment completed", i -> !i.partition("t", 1).orElseThrow().isReassigning());
        Waits.until("leader moved to the first target replica", () -> b2.state("t", 1).leader() == 1);
        PartitionState s = b2.state("t", 1);
        assertEquals(List.of(3, 1), s.isr());
        assertEquals(2, s.controllerEpoch());
        assertEquals(List.of(1, 3), b2.image().partition("t", 1).orElseThrow().replicas());
    }

    @Test
    void aControllerWhoseEpochWasTakenCannotCompleteAReassignment() throws Exception {
        cluster();
        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.of(List.of(3, 2)))));
        b1.awaitImage("reassignment recorded", i -> i.partition("t", 0).map(PartitionImage::isReassigning).orElse(false));
        // A newer controller epoch appears (as if another controller had been elected): controller 1's completing
        // write must fail its epoch check; it resigns, and whoever wins next completes under the newer epoch.
        b1.client.setData().forPath(io.sluice.coordinator.zk.ZkPaths.CONTROLLER_EPOCH,
            io.sluice.coordinator.metadata.ZkJson.encodeControllerEpoch(7));
        b1.expandIsr("t", 0, 3);
        Waits.until("completed by a controller of epoch 8", () -> b1.state("t", 0).leader() == 3);
        assertEquals(8, b1.state("t", 0).controllerEpoch());
        assertEquals(List.of(3, 2), b1.store.readTopicAssignment("t").orElseThrow().value().replicas(0));
    }

    @Test
    void addingPartitionsKeepsAReassignmentInProgress() throws Exception {
        cluster();
        assertEquals(Map.of(0, Errors.NONE), reassign(Map.of(0, Optional.of(List.of(1, 3)))));
        var current = b1.store.readTopicAssignment("t").orElseThrow();
        assertTrue(b1.store.addPartitions("t", new TopicAssignment("t", topicId,
            Map.of(0, current.value().replicas(0), 1, List.of(2, 3), 2, List.of(3, 1))), current.zkVersion()).isWritten());
        TopicAssignment after = b1.store.readTopicAssignment("t").orElseThrow().value();
        assertEquals(List.of(3), after.addingReplicas(0));
        assertEquals(List.of(2), after.removingReplicas(0));
        assertEquals(3, after.partitionCount());
    }
}

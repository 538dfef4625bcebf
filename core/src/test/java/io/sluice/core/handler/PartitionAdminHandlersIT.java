package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.protocol.message.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.message.AlterPartitionReassignmentsResponse;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.message.ElectLeadersResponse.ReplicaElectionResult;
import io.sluice.protocol.message.ElectLeadersResponse.ReplicaElectionResult.PartitionResult;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ElectLeaders, AlterPartitionReassignments and ListPartitionReassignments against ZooKeeper and a controller. */
class PartitionAdminHandlersIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private ElectLeadersHandler elect() {
        return new ElectLeadersHandler(zk.store, zk.waiter);
    }

    /** Topic t: partition 0 on [1,2] and partition 1 on [2,1]; broker 2 leads partition 0 (1 is in its ISR). */
    private void topicLedAwayFromItsPreferredReplica() throws Exception {
        zk.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2), 1, List.of(2, 1)), Map.of());
        zk.awaitImage("leaders", i -> i.leader("t", 0).isPresent() && i.leader("t", 1).isPresent());
        PartitionState s = zk.store.readPartitionState("t", 0).orElseThrow();
        assertTrue(zk.store.compareAndSetPartitionState("t", 0, new PartitionState(2, s.leaderEpoch() + 1, List.of(2, 1),
            s.controllerEpoch(), 0), s.zkVersion()).isWritten());
        zk.awaitImage("2 leads t-0", i -> i.leader("t", 0).orElse(-1) == 2);
    }

    private static ElectLeadersRequest request(int type, String topic, Integer... partitions) {
        return new ElectLeadersRequest((byte) type, List.of(new ElectLeadersRequest.TopicPartition(topic,
            Arrays.asList(partitions))), 10_000);
    }

    private static List<Errors> errors(ElectLeadersResponse r) {
        List<Errors> out = new ArrayList<>();
        r.replicaElectionResults().forEach(t -> t.partitionResult().forEach(p -> out.add(Errors.forCode(p.errorCode()))));
        return out;
    }

    @Test
    void preferredElectionMovesLeadershipBackAndReportsPerPartition() throws Exception {
        zk.start(options().brokers(1, 2));
        topicLedAwayFromItsPreferredReplica();

        ElectLeadersResponse r = HandlerCall.call(elect(), request(0, "t", 0, 1, 0, 7), 2);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(List.of(Errors.NONE, Errors.ELECTION_NOT_NEEDED, Errors.UNKNOWN_TOPIC_OR_PARTITION), errors(r));
        assertEquals(List.of(0, 1, 7), r.replicaElectionResults().get(0).partitionResult().stream()
            .map(PartitionResult::partitionId).toList());
        assertEquals(1, zk.store.readPartitionState("t", 0).orElseThrow().leader());

        ElectLeadersResponse v0 = HandlerCall.call(elect(), request(1, "t", 0), 0);    // v0: always preferred
        assertEquals(List.of(Errors.ELECTION_NOT_NEEDED), errors(v0));
        AdminTestCluster.until("answered requests deleted", () -> zk.image().electionRequests().isEmpty());
    }

    @Test
    void nullPartitionsElectsEverywhereAndReportsOnlyWhatNeededAnElection() throws Exception {
        zk.start(options().brokers(1, 2));
        topicLedAwayFromItsPreferredReplica();
        ElectLeadersResponse r = HandlerCall.call(elect(), new ElectLeadersRequest((byte) 0, null, 10_000), 1);
        assertEquals(List.of(new ReplicaElectionResult("t", List.of(new PartitionResult(0, Errors.NONE.code(), null)))),
            r.replicaElectionResults());
        assertEquals(List.of(), HandlerCall.call(elect(), new ElectLeadersRequest((byte) 0, null, 10_000), 2)
            .replicaElectionResults());
    }

    @Test
    void uncleanElectionForALivePartitionIsNotNeededAndUnknownTypesAreInvalid() throws Exception {
        zk.start(options().brokers(1, 2));
        topicLedAwayFromItsPreferredReplica();
        assertEquals(List.of(Errors.ELECTION_NOT_NEEDED), errors(HandlerCall.call(elect(), request(1, "t", 1), 2)));
        ElectLeadersResponse bad = HandlerCall.call(elect(), request(5, "t", 1), 2);
        assertEquals(Errors.INVALID_REQUEST.code(), bad.errorCode());
        assertEquals(List.of(Errors.INVALID_REQUEST), errors(bad));
    }

    @Test
    void withoutAControllerTheElectionTimesOut() throws Exception {
        zk.start(options().brokers(1, 2).withoutController());
        zk.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        zk.awaitImage("topic", i -> i.topic("t").isPresent());
        ElectLeadersResponse r = HandlerCall.call(elect(),
            new ElectLeadersRequest((byte) 0, List.of(new ElectLeadersRequest.TopicPartition("t", List.of(0))), 300), 2);
        assertEquals(List.of(Errors.REQUEST_TIMED_OUT), errors(r));
    }

    @Test
    void reassignListAndCancel() throws Exception {
        zk.start(options().brokers(1, 2, 3));
        zk.store.createTopic("r", Uuid.randomUuid(), Map.of(0, List.of(1, 2), 1, List.of(2, 3)), Map.of());
        zk.awaitImage("leaders", i -> i.leader("r", 1).isPresent());
        AlterPartitionReassignmentsHandler alter = new AlterPartitionReassignmentsHandler(zk.store, zk.waiter);
        ListPartitionReassignmentsHandler list = new ListPartitionReassignmentsHandler(zk.waiter);

        AlterPartitionReassignmentsResponse started = HandlerCall.call(alter, new AlterPartitionReassignmentsRequest(10_000,
            true, List.of(new AlterPartitionReassignmentsRequest.Topic("r", List.of(
                new AlterPartitionReassignmentsRequest.Topic.Partition(0, List.of(3, 2)),
                new AlterPartitionReassignmentsRequest.Topic.Partition(1, null),
                new AlterPartitionReassignmentsRequest.Topic.Partition(5, List.of(1)))),
                new AlterPartitionReassignmentsRequest.Topic("nope", List.of(
                    new AlterPartitionReassignmentsRequest.Topic.Partition(0, List.of(1)))))), 0);
        assertEquals(Errors.NONE.code(), started.errorCode());
        assertEquals(List.of(
                new AlterPartitionReassignmentsResponse.Response("r", List.of(
                    partitionResult(0, Errors.NONE), partitionResult(1, Errors.NO_REASSIGNMENT_IN_PROGRESS),
                    partitionResult(5, Errors.UNKNOWN_TOPIC_OR_PARTITION))),
                new AlterPartitionReassignmentsResponse.Response("nope", List.of(partitionResult(0, Errors.UNKNOWN_TOPIC_OR_PARTITION)))),
            started.responses().stream().map(PartitionAdminHandlersIT::withoutMessages).toList());

        ListPartitionReassignmentsResponse listed = HandlerCall.call(list, new ListPartitionReassignmentsRequest(1000, null), 0);
        assertEquals(List.of(new ListPartitionReassignmentsResponse.Topic("r", List.of(
            new ListPartitionReassignmentsResponse.Topic.Partition(0, List.of(3, 2, 1), List.of(3), List.of(1))))),
            listed.topics());

        AlterPartitionReassignmentsResponse v1 = HandlerCall.call(alter, new AlterPartitionReassignmentsRequest(10_000,
            false, List.of(new AlterPartitionReassignmentsRequest.Topic("r", List.of(
                new AlterPartitionReassignmentsRequest.Topic.Partition(1, List.of(1)))))), 1);
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), v1.responses().get(0).partitions().get(0).errorCode());
        assertEquals(false, v1.allowReplicationFactorChange());

        AlterPartitionReassignmentsResponse cancelled = HandlerCall.call(alter, new AlterPartitionReassignmentsRequest(10_000,
            true, List.of(new AlterPartitionReassignmentsRequest.Topic("r", List.of(
                new AlterPartitionReassignmentsRequest.Topic.Partition(0, null))))), 1);
        assertEquals(Errors.NONE.code(), cancelled.responses().get(0).partitions().get(0).errorCode());
        zk.awaitImage("cancelled", i -> !i.partition("r", 0).orElseThrow().isReassigning());
        // Back on the original brokers; as in Kafka the order is the one of the reassignment's replica list.
        assertEquals(List.of(2, 1), zk.image().partition("r", 0).orElseThrow().replicas());
        assertEquals(List.of(), HandlerCall.call(list, new ListPartitionReassignmentsRequest(1000, null), 0).topics());
    }

    private static AlterPartitionReassignmentsResponse.Response.Partition partitionResult(int p, Errors error) {
        return new AlterPartitionReassignmentsResponse.Response.Partition(p, error.code(), null);
    }

    private static AlterPartitionReassignmentsResponse.Response withoutMessages(AlterPartitionReassignmentsResponse.Response r) {
        return new AlterPartitionReassignmentsResponse.Response(r.name(), r.partitions().stream()
            .map(p -> new AlterPartitionReassignmentsResponse.Response.Partition(p.partitionIndex(), p.errorCode(), null))
            .toList());
    }
}

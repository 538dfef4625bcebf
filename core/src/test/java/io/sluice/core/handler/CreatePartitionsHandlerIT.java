package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsRequest.Topic.Assignment;
import io.sluice.protocol.message.CreatePartitionsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CreatePartitionsHandlerIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private static void create(String name, int partitions, int replicationFactor) {
        CreateTopicsResponse r = HandlerCall.call(new CreateTopicsHandler(zk.admin), new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.Topic(name, partitions, (short) replicationFactor, List.of(), List.of())), 10_000, false), 7);
        assertEquals(Errors.NONE.code(), r.topics().get(0).errorCode(), r.topics().get(0).errorMessage());
    }

    private static CreatePartitionsResponse grow(int version, boolean validateOnly, CreatePartitionsRequest.Topic... topics) {
        return HandlerCall.call(new CreatePartitionsHandler(zk.admin),
            new CreatePartitionsRequest(List.of(topics), 10_000, validateOnly), version);
    }

    private static CreatePartitionsResponse.Result growOne(String name, int count, List<List<Integer>> assignments) {
        List<Assignment> a = assignments == null ? null : assignments.stream().map(Assignment::new).toList();
        return grow(3, false, new CreatePartitionsRequest.Topic(name, count, a)).results().get(0);
    }

    private static void assertError(Errors expected, CreatePartitionsResponse.Result r, String messagePart) {
        assertEquals(expected.code(), r.errorCode(), () -> "got " + Errors.forCode(r.errorCode()) + ": " + r.errorMessage());
        assertNotNull(r.errorMessage());
        assertTrue(r.errorMessage().contains(messagePart), r.errorMessage());
    }

    private static TopicImage image(String topic) {
        return zk.admin.image().topic(topic).orElseThrow();
    }

    @Test
    void addsPartitionsAndAnswersOnceTheyHaveLeaders() throws Exception {
        zk.start();
        create("growing", 1, 1);
        CreatePartitionsResponse.Result r = growOne("growing", 3, null);
        assertEquals(new CreatePartitionsResponse.Result("growing", Errors.NONE.code(), null), r);
        TopicImage t = image("growing");
        assertEquals(3, t.partitionCount());
        t.partitions().values().forEach(p -> assertTrue(p.leader() >= 0, "leader of every partition is visible"));
    }

    @Test
    void everyVersionWorks() throws Exception {
        zk.start();
        create("versions", 1, 1);
        for (int version = 0; version <= 3; version++) {
            CreatePartitionsResponse r = grow(version, false, new CreatePartitionsRequest.Topic("versions", 2 + version, null));
            assertEquals(Errors.NONE.code(), r.results().get(0).errorCode(), "v" + version);
        }
        assertEquals(5, image("versions").partitionCount());
    }

    @Test
    void theSameOrASmallerCountIsInvalidPartitions() throws Exception {
        zk.start();
        create("fixed", 3, 1);
        assertError(Errors.INVALID_PARTITIONS, growOne("fixed", 3, null), "already has 3 partitions");
        assertError(Errors.INVALID_PARTITIONS, growOne("fixed", 2, null), "currently has 3 partitions, which is higher than the requested 2");
        assertError(Errors.INVALID_PARTITIONS, growOne("fixed", 0, null), "higher than the requested 0");
        assertEquals(3, zk.store.readTopicAssignment("fixed").orElseThrow().value().partitionCount());
    }

    @Test
    void explicitAssignmentsNameTheNewPartitionsReplicas() throws Exception {
        zk.start(options().brokers(1, 2));
        create("placed", 1, 2);
        List<Integer> first = zk.store.readTopicAssignment("placed").orElseThrow().value().replicas(0);
        CreatePartitionsResponse.Result r = growOne("placed", 3, List.of(List.of(2, 1), List.of(1, 2)));
        assertEquals(Errors.NONE.code(), r.errorCode(), r.errorMessage());
        var replicas = zk.store.readTopicAssignment("placed").orElseThrow().value().replicas();
        assertEquals(first, replicas.get(0), "existing partitions keep their replicas");
        assertEquals(List.of(2, 1), replicas.get(1));
        assertEquals(List.of(1, 2), replicas.get(2));
    }

    @Test
    void badAssignmentsAreInvalidReplicaAssignment() throws Exception {
        zk.start(options().brokers(1, 2));
        create("strict", 1, 2);
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, growOne("strict", 3, List.of(List.of(1, 2))), "by 2 but 1 assignments");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, growOne("strict", 2, List.of(List.of(1, 7))), "Unknown broker");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, growOne("strict", 2, List.of(List.of(1))), "Inconsistent replication factor");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, growOne("strict", 2, List.of(List.of(2, 2))), "Duplicate");
        assertEquals(1, zk.store.readTopicAssignment("strict").orElseThrow().value().partitionCount());
    }

    @Test
    void tooFewLiveBrokersForTheReplicationFactorIsInvalidReplicationFactor() throws Exception {
        zk.start(options().brokers(1, 2));
        create("wide", 1, 2);
        zk.stopBroker(2);
        zk.awaitImage("broker 2 gone", image -> !image.isLive(2));
        assertError(Errors.INVALID_REPLICATION_FACTOR, growOne("wide", 2, null), "larger than available brokers: 1");
    }

    @Test
    void validateOnlyChangesNothing() throws Exception {
        zk.start();
        create("dry", 1, 1);
        CreatePartitionsResponse r = grow(3, true, new CreatePartitionsRequest.Topic("dry", 4, null));
        assertEquals(Errors.NONE.code(), r.results().get(0).errorCode());
        assertNull(r.results().get(0).errorMessage());
        assertEquals(1, zk.store.readTopicAssignment("dry").orElseThrow().value().partitionCount());
        CreatePartitionsResponse bad = grow(3, true, new CreatePartitionsRequest.Topic("dry", 1, null));
        assertEquals(Errors.INVALID_PARTITIONS.code(), bad.results().get(0).errorCode());
    }

    @Test
    void unknownAndDuplicatedTopics() throws Exception {
        zk.start();
        create("once", 1, 1);
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, growOne("nowhere", 2, null), "does not exist");
        CreatePartitionsResponse r = grow(3, false, new CreatePartitionsRequest.Topic("once", 2, null),
            new CreatePartitionsRequest.Topic("once", 3, null));
        assertEquals(1, r.results().size());
        assertError(Errors.INVALID_REQUEST, r.results().get(0), "more than once");
        assertEquals(1, zk.store.readTopicAssignment("once").orElseThrow().value().partitionCount());
    }

    @Test
    void newPartitionsWithoutLeadersInTimeAreRequestTimedOut() throws Exception {
        zk.start(options().withoutController());
        zk.store.createTopic("quiet", io.sluice.common.Uuid.randomUuid(), java.util.Map.of(0, List.of(1)), java.util.Map.of());
        CreatePartitionsResponse r = HandlerCall.call(new CreatePartitionsHandler(zk.admin), new CreatePartitionsRequest(
            List.of(new CreatePartitionsRequest.Topic("quiet", 2, null)), 200, false), 3);
        assertError(Errors.REQUEST_TIMED_OUT, r.results().get(0), "leader");
        assertEquals(2, zk.store.readTopicAssignment("quiet").orElseThrow().value().partitionCount());
    }

    @Test
    void theErrorResponseCoversEveryTopic() throws Exception {
        zk.start();
        CreatePartitionsResponse r = HandlerCall.errorResponse(new CreatePartitionsHandler(zk.admin),
            new CreatePartitionsRequest(List.of(new CreatePartitionsRequest.Topic("a", 2, null),
                new CreatePartitionsRequest.Topic("b", 2, null)), 100, false), 3, Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(List.of("a", "b"), r.results().stream().map(CreatePartitionsResponse.Result::name).toList());
        r.results().forEach(x -> assertError(Errors.UNKNOWN_SERVER_ERROR, x, ""));
    }
}

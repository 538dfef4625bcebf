package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Metadata against ZooKeeper with an elected controller: auto-creation, live brokers, offline replicas. */
class MetadataHandlerIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private static MetadataResponse metadata(int version, boolean allowAutoCreate, String... topics) {
        List<MetadataRequest.Topic> requested = topics == null ? null
            : List.of(topics).stream().map(t -> new MetadataRequest.Topic(Uuid.ZERO, t)).toList();
        return HandlerCall.call(new MetadataHandler(zk.admin), new MetadataRequest(requested, allowAutoCreate, false, false),
            version);
    }

    @Test
    void anUnknownTopicIsAutoCreatedWithTheBrokerDefaultsAndThenGetsLeaders() throws Exception {
        zk.start(options().prop("num.partitions", "3"));
        MetadataResponse first = metadata(12, true, "auto");
        MetadataResponse.Topic topic = first.topics().get(0);
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), topic.errorCode());
        assertNotEquals(Uuid.ZERO, topic.topicId());
        assertEquals(3, zk.store.readTopicAssignment("auto").orElseThrow().value().partitionCount());

        zk.awaitImage("leaders of auto", image -> image.topic("auto")
            .map(t -> t.partitions().values().stream().allMatch(p -> p.leader() == 1)).orElse(false));
        MetadataResponse later = metadata(12, true, "auto");
        MetadataResponse.Topic ready = later.topics().get(0);
        assertEquals(Errors.NONE.code(), ready.errorCode());
        assertEquals(topic.topicId(), ready.topicId());
        assertEquals(3, ready.partitions().size());
        ready.partitions().forEach(p -> {
            assertEquals(1, p.leaderId());
            assertEquals(List.of(1), p.replicaNodes());
            assertEquals(List.of(1), p.isrNodes());
            assertTrue(p.leaderEpoch() >= 0);
        });
    }

    @Test
    void v0AndV3AutoCreateToo() throws Exception {
        zk.start();
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), metadata(0, true, "implied-v0").topics().get(0).errorCode());
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), metadata(3, false, "implied-v3").topics().get(0).errorCode());
        assertTrue(zk.store.readTopicAssignment("implied-v0").isPresent());
        assertTrue(zk.store.readTopicAssignment("implied-v3").isPresent());
    }

    @Test
    void noAutoCreationWhenTheRequestOrTheBrokerSaysNo() throws Exception {
        zk.start(options().prop("auto.create.topics.enable", "false"));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata(9, true, "off").topics().get(0).errorCode());
        assertTrue(zk.store.topicNames().isEmpty());
    }

    @Test
    void noAutoCreationWhenTheRequestDoesNotAllowIt() throws Exception {
        zk.start();
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata(9, false, "admin-asks").topics().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
            metadata(9, true, "__consumer_offsets").topics().get(0).errorCode(), "internal topics are not auto-created");
        assertTrue(zk.store.topicNames().isEmpty());
    }

    @Test
    void autoCreationWithTooFewBrokersIsInvalidReplicationFactor() throws Exception {
        zk.start(options().prop("default.replication.factor", "3"));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), metadata(9, true, "wide").topics().get(0).errorCode());
        assertTrue(zk.store.topicNames().isEmpty());
    }

    @Test
    void allTopicsLiveBrokersControllerAndClusterId() throws Exception {
        zk.start(options().brokers(1, 2));
        HandlerCall.call(new CreateTopicsHandler(zk.admin), new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.Topic("b", 1, (short) 2, List.of(), List.of()),
            new CreateTopicsRequest.Topic("a", 2, (short) 1, List.of(), List.of())), 10_000, false), 7);
        MetadataResponse r = metadata(9, true, (String[]) null);
        assertEquals(List.of("a", "b"), r.topics().stream().map(MetadataResponse.Topic::name).toList());
        assertEquals(zk.clusterId, r.clusterId());
        assertEquals(1, r.controllerId());
        assertEquals(List.of(new MetadataResponse.Broker(1, "127.0.0.1", 9091, null),
            new MetadataResponse.Broker(2, "127.0.0.1", 9092, null)), r.brokers());
        MetadataResponse external = HandlerCall.call(new MetadataHandler(zk.admin),
            new MetadataRequest(List.of(), false, false, false), 9, "EXTERNAL");
        assertEquals("broker2.example.com", external.brokers().get(1).host());
        assertEquals(19092, external.brokers().get(1).port());
    }

    @Test
    void replicasOnAStoppedBrokerAreOffline() throws Exception {
        zk.start(options().brokers(1, 2));
        zk.store.createTopic("spread", Uuid.randomUuid(), Map.of(0, List.of(1, 2), 1, List.of(2, 1)), Map.of());
        zk.awaitImage("leaders", image -> image.topic("spread")
            .map(t -> t.partitions().values().stream().allMatch(p -> p.leader() >= 0)).orElse(false));
        zk.stopBroker(2);
        zk.awaitImage("broker 2 gone and partition 1 led by 1", image -> !image.isLive(2)
            && image.leader("spread", 1).orElse(-1) == 1);
        MetadataResponse r = metadata(9, false, "spread");
        assertEquals(List.of(new MetadataResponse.Broker(1, "127.0.0.1", 9091, null)), r.brokers());
        MetadataResponse.Topic.Partition p0 = r.topics().get(0).partitions().get(0);
        assertEquals(List.of(1, 2), p0.replicaNodes());
        assertEquals(List.of(2), p0.offlineReplicas());
        assertEquals(1, p0.leaderId());
        MetadataResponse.Topic.Partition p1 = r.topics().get(0).partitions().get(1);
        assertEquals(1, p1.leaderId(), "the controller moved leadership to the live replica");
        assertEquals(List.of(2), p1.offlineReplicas());
    }
}

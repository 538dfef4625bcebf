package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.log.LogConfig;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.core.metadata.ConfigSource;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsRequest.Topic.Assignment;
import io.sluice.protocol.message.CreateTopicsRequest.Topic.Config;
import io.sluice.protocol.message.CreateTopicsResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CreateTopicsHandlerIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    static CreateTopicsRequest.Topic topic(String name, int partitions, int replicationFactor, Config... configs) {
        return new CreateTopicsRequest.Topic(name, partitions, (short) replicationFactor, List.of(), Arrays.asList(configs));
    }

    static CreateTopicsRequest.Topic assigned(String name, List<List<Integer>> replicas) {
        List<Assignment> assignments = new java.util.ArrayList<>();
        for (int p = 0; p < replicas.size(); p++) {
            assignments.add(new Assignment(p, replicas.get(p)));
        }
        return new CreateTopicsRequest.Topic(name, -1, (short) -1, assignments, List.of());
    }

    static CreateTopicsResponse create(int version, boolean validateOnly, CreateTopicsRequest.Topic... topics) {
        return HandlerCall.call(new CreateTopicsHandler(zk.admin), new CreateTopicsRequest(List.of(topics), 10_000,
            validateOnly), version);
    }

    static CreateTopicsResponse.Topic createOne(CreateTopicsRequest.Topic topic) {
        CreateTopicsResponse r = create(7, false, topic);
        assertEquals(1, r.topics().size());
        return r.topics().get(0);
    }

    static void assertError(Errors expected, CreateTopicsResponse.Topic result, String messagePart) {
        assertEquals(expected.code(), result.errorCode(), () -> "got " + Errors.forCode(result.errorCode()) + ": "
            + result.errorMessage());
        assertNotNull(result.errorMessage());
        assertTrue(result.errorMessage().contains(messagePart), result.errorMessage());
    }

    static boolean allLed(ClusterImage image, String topic, int partitions) {
        return image.topic(topic).map(t -> t.partitionCount() == partitions
            && t.partitions().values().stream().allMatch(p -> p.leader() >= 0)).orElse(false);
    }

    @Test
    void createsATopicAndAnswersOnceEveryPartitionHasALeader() throws Exception {
        zk.start();
        CreateTopicsResponse.Topic r = createOne(topic("orders", 3, 1, new Config("retention.ms", "1000")));
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertNull(r.errorMessage());
        assertEquals("orders", r.name());
        assertNotEquals(Uuid.ZERO, r.topicId());
        assertEquals(3, r.numPartitions());
        assertEquals(1, r.replicationFactor());
        assertTrue(allLed(zk.admin.image(), "orders", 3), "leaders are visible when the response arrives");
        TopicImage image = zk.admin.image().topic("orders").orElseThrow();
        assertEquals(r.topicId(), image.id());
        assertEquals(Map.of("retention.ms", "1000"), zk.store.readTopicConfig("orders"));

        assertEquals(LogConfig.DEF.names().size(), r.configs().size(), "v5+: every effective config");
        CreateTopicsResponse.Topic.Config retention = r.configs().stream()
            .filter(c -> c.name().equals("retention.ms")).findFirst().orElseThrow();
        assertEquals("1000", retention.value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id, retention.configSource());
        CreateTopicsResponse.Topic.Config segment = r.configs().stream()
            .filter(c -> c.name().equals("segment.bytes")).findFirst().orElseThrow();
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, segment.configSource());
        assertFalse(segment.readOnly());
    }

    @Test
    void minusOneTakesTheBrokerDefaults() throws Exception {
        zk.start(options().brokers(1, 2).prop("num.partitions", "4").prop("default.replication.factor", "2")
            .prop("log.segment.bytes", "1000000"));
        CreateTopicsResponse.Topic r = createOne(topic("defaults", -1, -1));
        assertEquals(Errors.NONE.code(), r.errorCode(), r.errorMessage());
        assertEquals(4, r.numPartitions());
        assertEquals(2, r.replicationFactor());
        TopicImage t = zk.admin.image().topic("defaults").orElseThrow();
        assertEquals(4, t.partitionCount());
        t.partitions().values().forEach(p -> assertEquals(2, p.replicas().size()));
        CreateTopicsResponse.Topic.Config segment = r.configs().stream()
            .filter(c -> c.name().equals("segment.bytes")).findFirst().orElseThrow();
        assertEquals("1000000", segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id, segment.configSource());
    }

    @Test
    void olderVersionsGetErrorMessagesButNotTheV5Fields() throws Exception {
        zk.start();
        CreateTopicsResponse v2 = create(2, false, topic("v2", 1, 1), topic("v2", 1, 1));
        assertError(Errors.INVALID_REQUEST, v2.topics().get(0), "more than once");
        CreateTopicsResponse ok = create(4, false, topic("v4", 1, 1));
        assertEquals(Errors.NONE.code(), ok.topics().get(0).errorCode());
        assertEquals(-1, ok.topics().get(0).numPartitions(), "not in v4");
        assertEquals(Uuid.ZERO, ok.topics().get(0).topicId(), "not before v7");
        CreateTopicsResponse v6 = create(6, false, topic("v6", 2, 1));
        assertEquals(2, v6.topics().get(0).numPartitions());
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        zk.start();
        CreateTopicsResponse r = create(7, true, topic("dry-run", 2, 1, new Config("cleanup.policy", "compact")));
        CreateTopicsResponse.Topic t = r.topics().get(0);
        assertEquals(Errors.NONE.code(), t.errorCode());
        assertEquals(2, t.numPartitions());
        assertEquals(Uuid.ZERO, t.topicId());
        assertTrue(zk.store.readTopicAssignment("dry-run").isEmpty());
        assertTrue(zk.admin.image().topic("dry-run").isEmpty());

        CreateTopicsResponse bad = create(7, true, topic("dry-run", 0, 1));
        assertError(Errors.INVALID_PARTITIONS, bad.topics().get(0), "larger than 0");
    }

    @Test
    void anExistingTopicIsTopicAlreadyExists() throws Exception {
        zk.start();
        assertEquals(Errors.NONE.code(), createOne(topic("once", 1, 1)).errorCode());
        assertError(Errors.TOPIC_ALREADY_EXISTS, createOne(topic("once", 1, 1)), "already exists");
        assertError(Errors.TOPIC_ALREADY_EXISTS, create(7, true, topic("once", 1, 1)).topics().get(0), "already exists");
    }

    @Test
    void aTopicTwiceInOneRequestIsAnInvalidRequestAndTheOthersProceed() throws Exception {
        zk.start();
        CreateTopicsResponse r = create(7, false, topic("dup", 1, 1), topic("fine", 1, 1), topic("dup", 2, 1));
        assertEquals(List.of("dup", "fine"), r.topics().stream().map(CreateTopicsResponse.Topic::name).toList());
        assertError(Errors.INVALID_REQUEST, r.topics().get(0), "more than once");
        assertEquals(Errors.NONE.code(), r.topics().get(1).errorCode());
        assertTrue(zk.store.readTopicAssignment("dup").isEmpty());
    }

    @Test
    void illegalInternalAndCollidingNamesAreInvalidTopics() throws Exception {
        zk.start();
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("no spaces", 1, 1)), "illegal");
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("..", 1, 1)), "\"..\"");
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("x".repeat(250), 1, 1)), "249");
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("__consumer_offsets", 1, 1)), "internal");
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("__transaction_state", 1, 1)), "internal");
        assertEquals(Errors.NONE.code(), createOne(topic("metrics.cpu", 1, 1)).errorCode());
        assertError(Errors.INVALID_TOPIC_EXCEPTION, createOne(topic("metrics_cpu", 1, 1)), "collides with existing topic 'metrics.cpu'");
    }

    @Test
    void partitionCountsAndReplicationFactorsAreChecked() throws Exception {
        zk.start();
        assertError(Errors.INVALID_PARTITIONS, createOne(topic("p0", 0, 1)), "larger than 0");
        assertError(Errors.INVALID_PARTITIONS, createOne(topic("p-2", -2, 1)), "larger than 0");
        assertError(Errors.INVALID_REPLICATION_FACTOR, createOne(topic("rf0", 1, 0)), "larger than 0");
        assertError(Errors.INVALID_REPLICATION_FACTOR, createOne(topic("rf3", 1, 3)),
            "Replication factor: 3 larger than available brokers: 1.");
    }

    @Test
    void explicitAssignmentsAreUsedAndChecked() throws Exception {
        zk.start(options().brokers(1, 2));
        CreateTopicsResponse.Topic ok = createOne(assigned("manual", List.of(List.of(2, 1), List.of(1, 2))));
        assertEquals(Errors.NONE.code(), ok.errorCode(), ok.errorMessage());
        assertEquals(2, ok.numPartitions());
        assertEquals(2, ok.replicationFactor());
        assertEquals(Map.of(0, List.of(2, 1), 1, List.of(1, 2)),
            zk.store.readTopicAssignment("manual").orElseThrow().value().replicas());

        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, createOne(assigned("a1", List.of(List.of(1, 3)))), "Unknown broker");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, createOne(assigned("a2", List.of(List.of(1, 1)))), "Duplicate");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, createOne(assigned("a3", List.of(List.of(1), List.of(1, 2)))),
            "same number of replicas");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, createOne(assigned("a4", List.of(List.of()))), "no replicas");
        CreateTopicsRequest.Topic gap = new CreateTopicsRequest.Topic("a5", -1, (short) -1,
            List.of(new Assignment(0, List.of(1)), new Assignment(2, List.of(2))), List.of());
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, createOne(gap), "consecutive");
        CreateTopicsRequest.Topic both = new CreateTopicsRequest.Topic("a6", 2, (short) -1,
            List.of(new Assignment(0, List.of(1))), List.of());
        assertError(Errors.INVALID_REQUEST, createOne(both), "Both cannot be used");
    }

    @Test
    void configsAreValidatedNamingTheKey() throws Exception {
        zk.start();
        assertError(Errors.INVALID_CONFIG, createOne(topic("c1", 1, 1, new Config("no.such.config", "1"))), "no.such.config");
        assertError(Errors.INVALID_CONFIG, createOne(topic("c2", 1, 1, new Config("retention.ms", "soon"))), "retention.ms");
        assertError(Errors.INVALID_CONFIG, createOne(topic("c3", 1, 1, new Config("cleanup.policy", "shred"))), "cleanup.policy");
        assertError(Errors.INVALID_CONFIG, createOne(topic("c4", 1, 1, new Config("segment.bytes", null))), "segment.bytes");
        assertError(Errors.INVALID_REQUEST, createOne(topic("c5", 1, 1, new Config("retention.ms", "1"),
            new Config("retention.ms", "2"))), "more than once");
        assertTrue(zk.store.topicNames().isEmpty());
    }

    @Test
    void leadersThatDoNotAppearInTimeAreRequestTimedOut() throws Exception {
        zk.start(options().withoutController());
        CreateTopicsResponse r = HandlerCall.call(new CreateTopicsHandler(zk.admin),
            new CreateTopicsRequest(List.of(topic("slow", 1, 1)), 300, false), 7);
        assertError(Errors.REQUEST_TIMED_OUT, r.topics().get(0), "leader");
        assertTrue(zk.store.readTopicAssignment("slow").isPresent(), "the topic was created all the same");

        CreateTopicsResponse immediate = HandlerCall.call(new CreateTopicsHandler(zk.admin),
            new CreateTopicsRequest(List.of(topic("no-wait", 1, 1)), 0, false), 7);
        assertEquals(Errors.NONE.code(), immediate.topics().get(0).errorCode(), "timeout 0 does not wait");
        assertEquals(0, zk.waiter.pendingCount());
    }

    @Test
    void theResponseWaitsWithoutBlockingTheCaller() throws Exception {
        zk.start(options().withoutController());
        CompletableFuture<CreateTopicsResponse> f = HandlerCall.callAsync(new CreateTopicsHandler(zk.admin),
            new CreateTopicsRequest(List.of(topic("parked", 1, 1)), 2000, false), 7);
        assertFalse(f.isDone(), "handle() returned before leaders exist");
        assertEquals(1, zk.waiter.pendingCount());
    }

    @Test
    void theErrorResponseCoversEveryTopic() throws Exception {
        zk.start();
        CreateTopicsResponse r = HandlerCall.errorResponse(new CreateTopicsHandler(zk.admin),
            new CreateTopicsRequest(List.of(topic("a", 1, 1), topic("b", 1, 1), topic("a", 1, 1)), 100, false), 7,
            Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(List.of("a", "b"), r.topics().stream().map(CreateTopicsResponse.Topic::name).toList());
        r.topics().forEach(t -> assertError(Errors.UNKNOWN_SERVER_ERROR, t, ""));
    }
}

package io.sluice.core.handler;

import static io.sluice.core.metadata.TestImages.broker;
import static io.sluice.core.metadata.TestImages.image;
import static io.sluice.core.metadata.TestImages.led;
import static io.sluice.core.metadata.TestImages.plaintextOnly;
import static io.sluice.core.metadata.TestImages.topic;
import static io.sluice.core.metadata.TestImages.withoutState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.core.metadata.TestImages;
import io.sluice.core.metadata.TopicAutoCreator;
import io.sluice.core.metadata.TopicAutoCreator.AutoCreation;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.MetadataResponse.Topic.Partition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Metadata responses built from hand-made images: no ZooKeeper. */
class MetadataHandlerTest {
    private static final Uuid ORDERS_ID = new Uuid(1, 1);
    private static final Uuid OFFSETS_ID = new Uuid(2, 2);
    private static final Uuid GONE_ID = new Uuid(3, 3);

    /** Brokers 1, 2 (rack r2), 3; orders has 2 partitions, one with a replica on dead broker 4. */
    private final ClusterImage image = image(
        List.of(broker(1), broker(2, "r2"), broker(3)), 2,
        List.of(
            topic("orders", ORDERS_ID,
                led(List.of(1, 2), 1, 5, List.of(1, 2)),
                led(List.of(2, 4), 2, 7, List.of(2, 4))),
            topic("__consumer_offsets", OFFSETS_ID, led(List.of(3), 3, 0, List.of(3))),
            topic("deleting", GONE_ID, led(List.of(1), 1, 0, List.of(1)))),
        Set.of("deleting"));

    private final List<String> autoCreated = new ArrayList<>();
    private TopicAutoCreator creator = topic -> {
        autoCreated.add(topic);
        return new AutoCreation.Created(new Uuid(9, 9));
    };

    private MetadataHandler handler() {
        return new MetadataHandler(() -> image, t -> creator.autoCreate(t));
    }

    private static MetadataRequest request(boolean allowAutoCreate, String... names) {
        List<MetadataRequest.Topic> topics = names == null ? null
            : Arrays.stream(names).map(n -> new MetadataRequest.Topic(Uuid.ZERO, n)).toList();
        return new MetadataRequest(topics, allowAutoCreate, false, false);
    }

    private static MetadataResponse.Topic find(MetadataResponse r, String name) {
        return r.topics().stream().filter(t -> name.equals(t.name())).findFirst()
            .orElseThrow(() -> new AssertionError("no topic " + name + " in " + r.topics()));
    }

    private static List<String> names(MetadataResponse r) {
        return r.topics().stream().map(MetadataResponse.Topic::name).toList();
    }

    @Test
    void v0EmptyListMeansAllTopicsAndOnlyLiveReplicasAreListed() {
        MetadataResponse r = HandlerCall.call(handler(), request(true), 0);
        assertEquals(List.of("__consumer_offsets", "orders"), names(r), "all topics but the one being deleted");
        assertEquals(List.of(1, 2, 3), r.brokers().stream().map(MetadataResponse.Broker::nodeId).toList());
        assertEquals("127.0.0.1", r.brokers().get(0).host());
        assertEquals(9091, r.brokers().get(0).port());
        List<Partition> partitions = find(r, "orders").partitions();
        assertEquals(new Partition(Errors.NONE.code(), 0, 1, -1, List.of(1, 2), List.of(1, 2), List.of()), partitions.get(0));
        assertEquals(new Partition(Errors.REPLICA_NOT_AVAILABLE.code(), 1, 2, -1, List.of(2), List.of(2), List.of()),
            partitions.get(1), "v0 lists only live replicas and says some are missing");
        assertTrue(autoCreated.isEmpty());
    }

    @Test
    void v1NullMeansAllAndEmptyMeansNone() {
        MetadataResponse all = HandlerCall.call(handler(), request(true, (String[]) null), 1);
        assertEquals(List.of("__consumer_offsets", "orders"), names(all));
        assertEquals(2, all.controllerId());
        assertTrue(find(all, "__consumer_offsets").isInternal());
        assertEquals(false, find(all, "orders").isInternal());
        assertEquals("r2", all.brokers().get(1).rack());
        assertNull(all.brokers().get(0).rack());
        assertEquals(TestImages.CLUSTER_ID, HandlerCall.call(handler(), request(true), 2).clusterId(), "v2+");

        MetadataResponse none = HandlerCall.call(handler(), request(true), 1);
        assertEquals(List.of(), none.topics());
        assertEquals(3, none.brokers().size());
    }

    @Test
    void v1ListsDeadReplicasWithoutAnError() {
        MetadataResponse r = HandlerCall.call(handler(), request(false, "orders"), 1);
        assertEquals(new Partition(Errors.NONE.code(), 1, 2, -1, List.of(2, 4), List.of(2, 4), List.of()),
            find(r, "orders").partitions().get(1));
    }

    @Test
    void v9CarriesLeaderEpochsOfflineReplicasAndClusterId() {
        MetadataResponse r = HandlerCall.call(handler(), request(false, "orders"), 9);
        assertEquals(TestImages.CLUSTER_ID, r.clusterId());
        MetadataResponse.Topic orders = find(r, "orders");
        assertEquals(Errors.NONE.code(), orders.errorCode());
        assertEquals(new Partition(Errors.NONE.code(), 0, 1, 5, List.of(1, 2), List.of(1, 2), List.of()),
            orders.partitions().get(0));
        assertEquals(new Partition(Errors.NONE.code(), 1, 2, 7, List.of(2, 4), List.of(2, 4), List.of(4)),
            orders.partitions().get(1));
        assertEquals(Integer.MIN_VALUE, orders.topicAuthorizedOperations(), "not requested");
        assertEquals(Integer.MIN_VALUE, r.clusterAuthorizedOperations());
        assertEquals(Uuid.ZERO, orders.topicId(), "no topic ids before v10");
    }

    @Test
    void v9AuthorizedOperationsWhenAsked() {
        MetadataResponse r = HandlerCall.call(handler(), new MetadataRequest(
            List.of(new MetadataRequest.Topic(Uuid.ZERO, "orders")), false, true, true), 9);
        assertEquals(AuthorizedOperations.ALL_TOPIC, find(r, "orders").topicAuthorizedOperations());
        assertEquals(AuthorizedOperations.ALL_CLUSTER, r.clusterAuthorizedOperations());
    }

    @Test
    void v9SomeTopicsInRequestOrderWithErrorsForUnknownAndInvalidOnes() {
        MetadataResponse r = HandlerCall.call(handler(), request(false, "nope", "orders", "bad name", "deleting"), 9);
        assertEquals(List.of("nope", "orders", "bad name", "deleting"), names(r));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), find(r, "nope").errorCode());
        assertEquals(List.of(), find(r, "nope").partitions());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), find(r, "bad name").errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), find(r, "deleting").errorCode(),
            "a topic being deleted is reported as unknown");
        assertTrue(autoCreated.isEmpty(), "the request did not allow auto-creation");
    }

    @Test
    void aRepeatedTopicIsAnsweredOnce() {
        MetadataResponse r = HandlerCall.call(handler(), request(false, "orders", "orders"), 9);
        assertEquals(List.of("orders"), names(r));
    }

    @Test
    void aPartitionWithoutLeaderIsLeaderNotAvailable() {
        ClusterImage noLeader = image(List.of(broker(1)), List.of(
            topic("fresh", ORDERS_ID, withoutState(List.of(1))),
            topic("orphan", OFFSETS_ID, led(List.of(5), 5, 3, List.of(5)))));
        MetadataHandler h = new MetadataHandler(() -> noLeader, TopicAutoCreator.DISABLED);
        MetadataResponse r = HandlerCall.call(h, request(false, "fresh", "orphan"), 9);
        assertEquals(new Partition(Errors.LEADER_NOT_AVAILABLE.code(), 0, -1, -1, List.of(1), List.of(), List.of()),
            find(r, "fresh").partitions().get(0));
        assertEquals(new Partition(Errors.LEADER_NOT_AVAILABLE.code(), 0, -1, 3, List.of(5), List.of(5), List.of(5)),
            find(r, "orphan").partitions().get(0), "a leader that is not live is no leader");
    }

    @Test
    void brokersAreAdvertisedForTheListenerTheRequestCameIn() {
        ClusterImage mixed = image(List.of(broker(1), plaintextOnly(2)), 1,
            List.of(topic("t", ORDERS_ID, led(List.of(2, 1), 2, 1, List.of(2, 1)))), Set.of());
        MetadataHandler h = new MetadataHandler(() -> mixed, TopicAutoCreator.DISABLED);
        MetadataResponse r = HandlerCall.call(h, request(false, "t"), 9, "EXTERNAL");
        assertEquals(List.of(new MetadataResponse.Broker(1, "broker1.example.com", 19091, null)), r.brokers(),
            "broker 2 has no EXTERNAL endpoint");
        assertEquals(new Partition(Errors.LISTENER_NOT_FOUND.code(), 0, -1, 1, List.of(2, 1), List.of(2, 1), List.of()),
            find(r, "t").partitions().get(0));
    }

    @Test
    void v10And12CarryTopicIdsAndV12LooksTopicsUpById() {
        MetadataResponse v10 = HandlerCall.call(handler(), request(false, "orders"), 10);
        assertEquals(ORDERS_ID, find(v10, "orders").topicId());

        MetadataResponse v12 = HandlerCall.call(handler(), new MetadataRequest(List.of(
            new MetadataRequest.Topic(ORDERS_ID, null),
            new MetadataRequest.Topic(new Uuid(7, 7), null),
            new MetadataRequest.Topic(GONE_ID, null)), false, false, false), 12);
        assertEquals(3, v12.topics().size());
        MetadataResponse.Topic byId = v12.topics().get(0);
        assertEquals("orders", byId.name());
        assertEquals(ORDERS_ID, byId.topicId());
        assertEquals(2, byId.partitions().size());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), v12.topics().get(1).errorCode());
        assertNull(v12.topics().get(1).name());
        assertEquals(new Uuid(7, 7), v12.topics().get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), v12.topics().get(2).errorCode(), "being deleted");
    }

    @Test
    void v12AllTopicsWithIds() {
        MetadataResponse r = HandlerCall.call(handler(), request(false, (String[]) null), 12);
        assertEquals(List.of("__consumer_offsets", "orders"), names(r));
        assertEquals(OFFSETS_ID, r.topics().get(0).topicId());
    }

    @Test
    void v12TopicWithNeitherNameNorIdIsAnInvalidRequest() {
        MetadataResponse r = HandlerCall.call(handler(), new MetadataRequest(
            List.of(new MetadataRequest.Topic(Uuid.ZERO, null)), false, false, false), 12);
        assertEquals(Errors.INVALID_REQUEST.code(), r.topics().get(0).errorCode());
    }

    @Test
    void unknownTopicsAreAutoCreatedWhenTheRequestAllowsIt() {
        MetadataResponse r = HandlerCall.call(handler(), request(true, "new-topic", "orders"), 12);
        assertEquals(List.of("new-topic"), autoCreated);
        MetadataResponse.Topic created = find(r, "new-topic");
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), created.errorCode());
        assertEquals(new Uuid(9, 9), created.topicId());
        assertEquals(List.of(), created.partitions());
        assertEquals(Errors.NONE.code(), find(r, "orders").errorCode());
    }

    @Test
    void beforeV4AutoCreationIsImplied() {
        HandlerCall.call(handler(), request(false, "implied"), 3);
        assertEquals(List.of("implied"), autoCreated);
    }

    @Test
    void invalidNamesAreNeverAutoCreated() {
        MetadataResponse r = HandlerCall.call(handler(), request(true, "no/slashes"), 9);
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), r.topics().get(0).errorCode());
        assertTrue(autoCreated.isEmpty());
    }

    @Test
    void aRefusedAutoCreationReportsItsError() {
        creator = topic -> new AutoCreation.Refused(Errors.INVALID_REPLICATION_FACTOR, "too few brokers");
        MetadataResponse r = HandlerCall.call(handler(), request(true, "x"), 9);
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), r.topics().get(0).errorCode());
        creator = TopicAutoCreator.DISABLED;
        r = HandlerCall.call(handler(), request(true, "x"), 9);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.topics().get(0).errorCode());
    }

    @Test
    void anEmptyImageHasNoBrokersAndNoController() {
        MetadataHandler h = new MetadataHandler(() -> ClusterImage.EMPTY, TopicAutoCreator.DISABLED);
        MetadataResponse r = HandlerCall.call(h, request(false, (String[]) null), 12);
        assertEquals(List.of(), r.brokers());
        assertEquals(-1, r.controllerId());
        assertNull(r.clusterId());
    }

    @Test
    void theErrorResponseNamesEveryRequestedTopic() {
        MetadataResponse r = HandlerCall.errorResponse(handler(), request(false, "a", "b"), 9, Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(List.of("a", "b"), names(r));
        r.topics().forEach(t -> assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), t.errorCode()));
        MetadataResponse v12 = HandlerCall.errorResponse(handler(), new MetadataRequest(
            List.of(new MetadataRequest.Topic(ORDERS_ID, null)), false, false, false), 12, Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(ORDERS_ID, v12.topics().get(0).topicId());
    }
}

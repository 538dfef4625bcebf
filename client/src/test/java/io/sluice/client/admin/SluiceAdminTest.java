package io.sluice.client.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeBroker;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigException;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.MetadataResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SluiceAdminTest {
    private FakeBroker b0;
    private FakeBroker b1;
    private volatile int controller = 0;
    private volatile int leader = 0;

    @BeforeEach
    void setUp() throws Exception {
        b0 = new FakeBroker(0);
        b1 = new FakeBroker(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        b0.close();
        b1.close();
    }

    private MetadataResponse metadata(ApiCodec.Request r) {
        var req = (io.sluice.protocol.message.MetadataRequest) r.body();
        List<MetadataResponse.Topic> topics = req.topics() == null || req.topics().isEmpty() ? List.of()
            : req.topics().stream().map(t -> new MetadataResponse.Topic((short) 0, t.name(), io.sluice.common.Uuid.ZERO, false,
                List.of(new MetadataResponse.Topic.Partition((short) 0, 0, leader, 0, List.of(0, 1), List.of(0, 1), List.of())),
                Integer.MIN_VALUE)).toList();
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(0, "127.0.0.1", b0.port(), null),
            new MetadataResponse.Broker(1, "127.0.0.1", b1.port(), null)), "cluster", controller, topics,
            Integer.MIN_VALUE);
    }

    private Function<ApiCodec.Request, ApiMessage> route(Function<ApiCodec.Request, ApiMessage> other) {
        return r -> r.apiKey() == ApiKey.METADATA ? metadata(r) : other.apply(r);
    }

    private SluiceAdmin admin() {
        return SluiceAdmin.builder().bootstrapServers(b0.address() + "," + b1.address())
            .retryBackoff(Duration.ofMillis(10)).defaultApiTimeout(Duration.ofSeconds(30)).build();
    }

    private static CreateTopicsResponse created(ApiCodec.Request r, Errors error) {
        var req = (CreateTopicsRequest) r.body();
        return new CreateTopicsResponse(0, req.topics().stream().map(t -> new CreateTopicsResponse.Topic(t.name(),
            io.sluice.common.Uuid.ZERO, error.code(), null, -1, (short) -1, null, (short) 0)).toList());
    }

    @Test
    void createTopicsFollowsTheControllerAfterNotController() throws Exception {
        b0.handler = route(r -> {
            controller = 1;
            return created(r, Errors.NOT_CONTROLLER);
        });
        b1.handler = route(r -> created(r, Errors.NONE));
        try (SluiceAdmin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 2))).get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, b0.requests(ApiKey.CREATE_TOPICS).size());
        assertEquals(1, b1.requests(ApiKey.CREATE_TOPICS).size());
    }

    @Test
    void aNonRetriableErrorFailsAtOnceWithItsCode() throws Exception {
        b0.handler = route(r -> created(r, Errors.TOPIC_ALREADY_EXISTS));
        b1.handler = b0.handler;
        try (SluiceAdmin admin = admin()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).get(30, TimeUnit.SECONDS));
            assertEquals(Errors.TOPIC_ALREADY_EXISTS, ((ApiException) e.getCause()).error());
            assertTrue(e.getCause().getMessage().contains("t: TOPIC_ALREADY_EXISTS"), e.getCause().getMessage());
        }
    }

    @Test
    void listOffsetsGoesToTheLeaderAndRetriesOnNotLeader() throws Exception {
        try (SluiceAdmin admin = admin()) {
            // Broker 0 is the leader at first, answers once, then leadership moves to 1.
            leader = 0;
            b0.handler = route(r -> {
                leader = 1;
                return new ListOffsetsResponse(0, List.of(new ListOffsetsResponse.Topic("t", List.of(
                    new ListOffsetsResponse.Topic.Partition(0, Errors.NOT_LEADER_OR_FOLLOWER.code(), -1, -1, -1)))));
            });
            b1.handler = route(r -> new ListOffsetsResponse(0, List.of(new ListOffsetsResponse.Topic("t", List.of(
                new ListOffsetsResponse.Topic.Partition(0, (short) 0, -1, 42, 3))))));
            Map<TopicPartition, ListedOffset> result = admin.listOffsets(Map.of(new TopicPartition("t", 0),
                OffsetSpec.latest())).get(30, TimeUnit.SECONDS);
            assertEquals(42, result.get(new TopicPartition("t", 0)).offset());
            assertEquals(-1, ((io.sluice.protocol.message.ListOffsetsRequest) b0.requests(ApiKey.LIST_OFFSETS).get(0).body())
                .topics().get(0).partitions().get(0).timestamp());
            assertEquals(1, b1.requests(ApiKey.LIST_OFFSETS).size());
        }
    }

    @Test
    void groupOperationsGoToTheCoordinatorAndWaitOutLoading() throws Exception {
        AtomicInteger describes = new AtomicInteger();
        Function<ApiCodec.Request, ApiMessage> find = r -> r.apiKey() == ApiKey.FIND_COORDINATOR
            ? new FindCoordinatorResponse(0, List.of(new FindCoordinatorResponse.Coordinator("g", 1, "127.0.0.1",
                b1.port(), (short) 0, null)), (short) 0, null, 1, "127.0.0.1", b1.port())
            : null;
        b0.handler = route(find);
        b1.handler = route(r -> {
            if (r.apiKey() == ApiKey.FIND_COORDINATOR) {
                return find.apply(r);
            }
            short error = describes.getAndIncrement() == 0 ? Errors.COORDINATOR_LOAD_IN_PROGRESS.code() : 0;
            return new DescribeGroupsResponse(0, List.of(new DescribeGroupsResponse.Group(error, "g", "Stable",
                "consumer", "range", List.of(new DescribeGroupsResponse.Group.Member("m1", null, "c1", "/1.2.3.4",
                    java.nio.ByteBuffer.allocate(0), assignment())), Integer.MIN_VALUE)));
        });
        try (SluiceAdmin admin = admin()) {
            GroupDescription g = admin.describeConsumerGroups(List.of("g")).get(30, TimeUnit.SECONDS).get("g");
            assertEquals("Stable", g.state());
            assertEquals("range", g.protocol());
            assertEquals(1, g.coordinator().id());
            assertEquals(List.of(new TopicPartition("a", 0), new TopicPartition("a", 2)), g.members().get(0).assignment());
        }
        assertEquals(2, b1.requests(ApiKey.DESCRIBE_GROUPS).size());
        assertEquals(0, b0.requests(ApiKey.DESCRIBE_GROUPS).size());
    }

    private static java.nio.ByteBuffer assignment() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + 4 + 2 + 1 + 4 + 8 + 4);
        b.putShort((short) 0).putInt(1).putShort((short) 1).put((byte) 'a').putInt(2).putInt(2).putInt(0).putInt(-1);
        return b.flip();
    }

    @Test
    void unknownOrUnsupportedConfigsAreRefused() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> SluiceAdmin.create(Map.of(
            "bootstrap.servers", "localhost:9092", "sasl.mechanism", "PLAIN")));
        assertTrue(unknown.getMessage().contains("sasl.mechanism"), unknown.getMessage());
        assertThrows(ConfigException.class, () -> SluiceAdmin.create(Map.of(
            "bootstrap.servers", "localhost:9092", "security.protocol", "SSL")));
        assertThrows(ConfigException.class, () -> SluiceAdmin.create(Map.of("bootstrap.servers", "localhost")));
        assertThrows(ConfigException.class, () -> SluiceAdmin.create(Map.of()));
    }
}

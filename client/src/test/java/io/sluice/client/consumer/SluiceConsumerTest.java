package io.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeBroker;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.Errors;
import io.sluice.common.TopicPartition;
import io.sluice.common.Uuid;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import io.sluice.record.CompressionType;
import io.sluice.record.MemoryRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SluiceConsumer against a scripted broker that is also a one-member group coordinator: poll, commit,
 * committed, rebalance listener order, and what happens after {@code max.poll.interval.ms}.
 */
class SluiceConsumerTest {
    private static final String TOPIC = "t";
    private static final int PARTITIONS = 2;
    private static final String MEMBER = "member-1";

    private FakeBroker broker;
    private final Map<Integer, List<byte[]>> log = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final List<Integer> commitGenerations = new CopyOnWriteArrayList<>();
    private final AtomicInteger generation = new AtomicInteger();
    /** While set, heartbeats answer REBALANCE_IN_PROGRESS. */
    private final AtomicBoolean rebalance = new AtomicBoolean();
    private final AtomicBoolean left = new AtomicBoolean();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        broker = new FakeBroker(0);
        broker.handler = this::handle;
        for (int p = 0; p < PARTITIONS; p++) {
            List<byte[]> values = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                values.add(("p" + p + "-" + i).getBytes(StandardCharsets.UTF_8));
            }
            log.put(p, values);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    private ApiMessage handle(ApiCodec.Request r) {
        return switch (r.apiKey()) {
            case METADATA -> metadata((MetadataRequest) r.body());
            case FIND_COORDINATOR -> {
                var req = (FindCoordinatorRequest) r.body();
                yield new FindCoordinatorResponse(0, req.coordinatorKeys() == null ? List.of()
                    : req.coordinatorKeys().stream().map(k -> new FindCoordinatorResponse.Coordinator(k, 0, "127.0.0.1",
                        broker.port(), (short) 0, null)).toList(), (short) 0, null, 0, "127.0.0.1", broker.port());
            }
            case JOIN_GROUP -> {
                var req = (JoinGroupRequest) r.body();
                rebalance.set(false);
                left.set(false);
                JoinGroupRequest.Protocol chosen = req.protocols().get(0);
                yield new JoinGroupResponse(0, (short) 0, generation.incrementAndGet(), "consumer", chosen.name(), MEMBER,
                    false, MEMBER, List.of(new JoinGroupResponse.Member(MEMBER, null, chosen.metadata())));
            }
            case SYNC_GROUP -> {
                var req = (SyncGroupRequest) r.body();
                var mine = req.assignments().stream().filter(a -> a.memberId().equals(MEMBER)).findFirst().orElseThrow();
                yield new SyncGroupResponse(0, (short) 0, "consumer", req.protocolName(), mine.assignment());
            }
            case HEARTBEAT -> new HeartbeatResponse(0, (rebalance.get() ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE).code());
            case LEAVE_GROUP -> {
                left.set(true);
                yield new LeaveGroupResponse(0, (short) 0, List.of(new LeaveGroupResponse.Member(MEMBER, null, (short) 0)));
            }
            case OFFSET_COMMIT -> offsetCommit((OffsetCommitRequest) r.body());
            case OFFSET_FETCH -> offsetFetch((OffsetFetchRequest) r.body());
            case LIST_OFFSETS -> listOffsets((ListOffsetsRequest) r.body());
            case FETCH -> fetch((FetchRequest) r.body());
            default -> null;
        };
    }

    private MetadataResponse metadata(MetadataRequest req) {
        List<MetadataResponse.Topic.Partition> ps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            ps.add(new MetadataResponse.Topic.Partition((short) 0, p, 0, 0, List.of(0), List.of(0), List.of()));
        }
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(0, "127.0.0.1", broker.port(), null)), "c", 0,
            List.of(new MetadataResponse.Topic((short) 0, TOPIC, Uuid.ZERO, false, ps, Integer.MIN_VALUE)),
            Integer.MIN_VALUE);
    }

    private OffsetCommitResponse offsetCommit(OffsetCommitRequest req) {
        commitGenerations.add(req.generationIdOrMemberEpoch());
        Errors error = req.generationIdOrMemberEpoch() == generation.get() && !left.get() ? Errors.NONE
            : Errors.ILLEGAL_GENERATION;
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (var t : req.topics()) {
            List<OffsetCommitResponse.Topic.Partition> ps = new ArrayList<>();
            for (var p : t.partitions()) {
                if (error == Errors.NONE) {
                    committed.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                }
                ps.add(new OffsetCommitResponse.Topic.Partition(p.partitionIndex(), error.code()));
            }
            topics.add(new OffsetCommitResponse.Topic(t.name(), ps));
        }
        return new OffsetCommitResponse(0, topics);
    }

    private OffsetFetchResponse offsetFetch(OffsetFetchRequest req) {
        List<OffsetFetchResponse.Group> groups = new ArrayList<>();
        for (var g : req.groups() == null ? List.<OffsetFetchRequest.Group>of() : req.groups()) {
            List<OffsetFetchResponse.Group.Topic> topics = new ArrayList<>();
            for (var t : g.topics()) {
                topics.add(new OffsetFetchResponse.Group.Topic(t.name(), t.partitionIndexes().stream()
                    .map(p -> new OffsetFetchResponse.Group.Topic.Partition(p,
                        committed.getOrDefault(new TopicPartition(t.name(), p), -1L), -1, "", (short) 0)).toList()));
            }
            groups.add(new OffsetFetchResponse.Group(g.groupId(), topics, (short) 0));
        }
        List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        for (var t : req.topics() == null ? List.<OffsetFetchRequest.Topic>of() : req.topics()) {
            topics.add(new OffsetFetchResponse.Topic(t.name(), t.partitionIndexes().stream()
                .map(p -> new OffsetFetchResponse.Topic.Partition(p,
                    committed.getOrDefault(new TopicPartition(t.name(), p), -1L), -1, "", (short) 0)).toList()));
        }
        return new OffsetFetchResponse(0, groups, topics, (short) 0);
    }

    private ListOffsetsResponse listOffsets(ListOffsetsRequest req) {
        List<ListOffsetsResponse.Topic> topics = new ArrayList<>();
        for (var t : req.topics()) {
            topics.add(new ListOffsetsResponse.Topic(t.name(), t.partitions().stream()
                .map(p -> new ListOffsetsResponse.Topic.Partition(p.partitionIndex(), (short) 0, -1,
                    p.timestamp() == -2 ? 0 : log.get(p.partitionIndex()).size(), 0)).toList()));
        }
        return new ListOffsetsResponse(0, topics);
    }

    private FetchResponse fetch(FetchRequest req) {
        boolean any = false;
        List<FetchResponse.Response> responses = new ArrayList<>();
        for (var t : req.topics()) {
            List<FetchResponse.Response.Partition> ps = new ArrayList<>();
            for (var p : t.partitions()) {
                List<byte[]> values = log.get(p.partition());
                int from = (int) p.fetchOffset();
                MemoryRecords records = from < values.size()
                    ? MemoryRecords.withValues(from, CompressionType.NONE, 1_000L,
                        values.subList(from, values.size()).toArray(new byte[0][]))
                    : MemoryRecords.EMPTY;
                any |= from < values.size();
                ps.add(new FetchResponse.Response.Partition(p.partition(), (short) 0, values.size(), values.size(), 0,
                    List.of(), -1, records, null, null, null));
            }
            responses.add(new FetchResponse.Response(t.topic(), ps));
        }
        if (!any) {
            // A long poll with nothing to return, bounded like a real broker's fetch.max.wait.ms.
            try {
                Thread.sleep(Math.min(req.maxWaitMs(), 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new FetchResponse(0, (short) 0, 0, responses);
    }

    private SluiceConsumer<String, String> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("group.id", "g");
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", false);
        config.put("partition.assignment.strategy", "range");
        config.put("heartbeat.interval.ms", 100);
        config.put("fetch.max.wait.ms", 50);
        config.put("retry.backoff.ms", 20);
        config.putAll(overrides);
        return SluiceConsumer.create(config, Serdes.stringDeserializer(), Serdes.stringDeserializer());
    }

    private ConsumerRebalanceListener recording() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + partitions.size());
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + partitions.size());
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                events.add("lost " + partitions.size());
            }
        };
    }

    private static List<String> pollUntil(SluiceConsumer<String, String> consumer, BooleanSupplier done) {
        List<String> read = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "condition not met within 20 s; events so far");
            consumer.poll(Duration.ofMillis(50)).forEach(r -> read.add(r.value()));
        }
        return read;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what);
            Thread.sleep(20);
        }
    }

    @Test
    void pollsEveryRecordCommitsPositionsAndLeavesOnClose() {
        List<String> read = new ArrayList<>();
        try (SluiceConsumer<String, String> consumer = consumer(Map.of())) {
            consumer.subscribe(List.of(TOPIC), recording());
            read.addAll(pollUntil(consumer, () -> consumer.assignment().size() == PARTITIONS
                && consumer.position(new TopicPartition(TOPIC, 0)) == 5
                && consumer.position(new TopicPartition(TOPIC, 1)) == 5));
            assertEquals(10, read.size(), "every record once: " + read);
            assertEquals(List.of("assigned 2"), events);
            consumer.commitSync();
            assertEquals(Map.of(new TopicPartition(TOPIC, 0), 5L, new TopicPartition(TOPIC, 1), 5L), committed);
            assertEquals(5, consumer.committed(Set.of(new TopicPartition(TOPIC, 1))).get(new TopicPartition(TOPIC, 1)).offset());
        }
        assertEquals(List.of("assigned 2", "revoked 2"), events, "close hands the partitions back");
        assertTrue(left.get(), "close sent LeaveGroup");
    }

    @Test
    void startsFromTheCommittedOffset() {
        committed.put(new TopicPartition(TOPIC, 0), 3L);
        try (SluiceConsumer<String, String> consumer = consumer(Map.of())) {
            consumer.subscribe(List.of(TOPIC));
            List<String> read = pollUntil(consumer, () -> consumer.assignment().size() == PARTITIONS
                && consumer.position(new TopicPartition(TOPIC, 0)) == 5
                && consumer.position(new TopicPartition(TOPIC, 1)) == 5);
            assertEquals(List.of("p0-3", "p0-4"), read.stream().filter(v -> v.startsWith("p0")).toList());
            assertEquals(5, read.stream().filter(v -> v.startsWith("p1")).count(), "no commit: earliest");
        }
    }

    @Test
    void aRebalanceRevokesBeforeItAssignsAndLaterCommitsCarryTheNewGeneration() {
        try (SluiceConsumer<String, String> consumer = consumer(Map.of())) {
            consumer.subscribe(List.of(TOPIC), recording());
            pollUntil(consumer, () -> consumer.assignment().size() == PARTITIONS);
            int first = generation.get();
            rebalance.set(true);
            pollUntil(consumer, () -> generation.get() == first + 1 && events.size() == 3
                && consumer.assignment().size() == PARTITIONS && consumer.position(new TopicPartition(TOPIC, 0)) == 5
                && consumer.position(new TopicPartition(TOPIC, 1)) == 5);
            assertEquals(List.of("assigned 2", "revoked 2", "assigned 2"), events);
            consumer.commitSync();
            assertEquals(first + 1, commitGenerations.get(commitGenerations.size() - 1));
        }
    }

    @Test
    void afterMaxPollIntervalTheMemberLeavesItsCommitFailsAndItsPartitionsAreLost() throws Exception {
        try (SluiceConsumer<String, String> consumer = consumer(Map.of("max.poll.interval.ms", 1_000,
                "session.timeout.ms", 6_000))) {
            consumer.subscribe(List.of(TOPIC), recording());
            pollUntil(consumer, () -> consumer.assignment().size() == PARTITIONS
                && consumer.position(new TopicPartition(TOPIC, 0)) == 5);
            // No poll now: the heartbeat thread gives up the membership after max.poll.interval.ms.
            awaitTrue(left::get, "LeaveGroup after max.poll.interval.ms");
            int commitsBefore = commitGenerations.size();
            assertThrows(CommitFailedException.class, consumer::commitSync);
            assertEquals(commitsBefore, commitGenerations.size(), "refused without asking the broker");
            assertEquals(List.of("assigned 2"), events, "listeners run only inside poll");
            pollUntil(consumer, () -> events.size() == 3 && consumer.position(new TopicPartition(TOPIC, 0)) == 5
                && consumer.position(new TopicPartition(TOPIC, 1)) == 5);
            assertEquals(List.of("assigned 2", "lost 2", "assigned 2"), events);
            consumer.commitSync();
            assertEquals(generation.get(), commitGenerations.get(commitGenerations.size() - 1));
        }
    }
}

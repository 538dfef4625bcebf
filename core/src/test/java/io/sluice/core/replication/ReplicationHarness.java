package io.sluice.core.replication;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.handler.FetchHandler;
import io.sluice.core.handler.OffsetForLeaderEpochHandler;
import io.sluice.core.handler.RequestContext;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.FetchDataInfo;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogDirFailureHandler;
import io.sluice.core.log.LogManager;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.network.RequestProcessor;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.protocol.schema.MessageCodec;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Several brokers' replica managers in one JVM, without sockets or ZooKeeper: an in-memory "ZooKeeper" of
 * partition states with versions (the {@link IsrWriter} compare-and-sets it), images published by hand, and
 * fetchers whose {@link LeaderEndpoint} calls the leader's real Fetch and OffsetForLeaderEpoch handlers through a
 * codec round trip. No threads run: tests drive each fetcher round ({@link #fetchRound}) and each group commit
 * ({@link #flushLeaders}) themselves, and time is a {@link MockTime}.
 */
final class ReplicationHarness implements AutoCloseable {
    static final String TOPIC = "t";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final Uuid topicId = Uuid.randomUuid();
    final Path root;
    final ReplicationConfig config;
    final Map<String, String> topicConfig;
    final Map<Integer, Node> nodes = new TreeMap<>();
    final Set<Integer> live = new HashSet<>();
    final List<Integer> replicas;
    /** The in-memory partition state znode and its version. */
    PartitionState zkState;
    int zkVersion;
    /** When set, ISR writes are held here until {@link #completeIsrWrites}. */
    boolean holdIsrWrites;
    final List<Map.Entry<IsrUpdate, CompletableFuture<IsrWriteResult>>> heldIsrWrites = new ArrayList<>();
    final List<IsrUpdate> isrWrites = new ArrayList<>();

    final class Node implements AutoCloseable {
        final int id;
        final LogManager logs;
        final ReplicaManager replicas;
        final FetchHandler fetchHandler;
        final OffsetForLeaderEpochHandler epochHandler;

        Node(int id) throws IOException {
            this.id = id;
            Path dir = Files.createDirectories(root.resolve("broker-" + id));
            LogManager.Settings settings = new LogManager.Settings(List.of(dir), 1_000_000, 1_000_000, 1_000_000,
                1_000_000, 86_400_000L, 600_000L, false, 1 << 20, 100, 1);
            LogConfig logConfig = LogConfig.of(Map.of(), topicConfig);
            this.logs = new LogManager(settings, logConfig, t -> logConfig, scheduler, time, LogDirFailureHandler.IGNORE);
            logs.startup();
            this.replicas = new ReplicaManager(id, logs, new HighWatermarkCheckpoints(List.of(dir)), topicConfig, time,
                Runnable::run, config, ReplicationHarness.this::writeIsr, leader -> new InMemoryEndpoint(leader), false);
            this.fetchHandler = new FetchHandler(replicas, 64 << 20);
            this.epochHandler = new OffsetForLeaderEpochHandler(replicas);
        }

        Partition partition() {
            return replicas.partition(TP).orElseThrow();
        }

        PartitionLog log() {
            return partition().log();
        }

        @Override
        public void close() {
            replicas.close();
            logs.close();
        }
    }

    /** Calls a leader's handlers as the network would, encoding and decoding both ways at the fetcher's versions. */
    final class InMemoryEndpoint implements LeaderEndpoint {
        private final int leaderId;
        private int correlationId;

        InMemoryEndpoint(int leaderId) {
            this.leaderId = leaderId;
        }

        private Node leader() throws IOException {
            Node n = nodes.get(leaderId);
            if (n == null || !live.contains(leaderId)) {
                throw new IOException("broker " + leaderId + " is down");
            }
            return n;
        }

        private RequestContext context(ApiKey key, short version) {
            return new RequestContext(new RequestHeader(key, version, ++correlationId, "fetcher"), key,
                new RequestProcessor.Connection("c", "PLAINTEXT", "127.0.0.1", 1));
        }

        @Override
        public FetchResponse fetch(FetchRequest request) throws IOException {
            Node n = leader();
            short v = RemoteLeaderEndpoint.FETCH_VERSION;
            FetchRequest wire = roundTrip(request, v);
            return roundTrip(await(n.fetchHandler.handle(context(ApiKey.FETCH, v), wire)), v);
        }

        @Override
        public OffsetForLeaderEpochResponse offsetsForLeaderEpoch(OffsetForLeaderEpochRequest request) throws IOException {
            Node n = leader();
            short v = RemoteLeaderEndpoint.OFFSET_FOR_LEADER_EPOCH_VERSION;
            OffsetForLeaderEpochRequest wire = roundTrip(request, v);
            return roundTrip(await(n.epochHandler.handle(context(ApiKey.OFFSET_FOR_LEADER_EPOCH, v), wire)), v);
        }

        @Override
        public void close() {
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <M extends ApiMessage> M roundTrip(M message, short version) {
        return (M) MessageCodec.read(message.getClass(), MessageCodec.write(message, version), version);
    }

    ReplicationHarness(Path root, ReplicationConfig config, Map<String, String> topicConfig, int... brokerIds)
            throws IOException {
        this.root = root;
        this.config = config;
        this.topicConfig = Map.copyOf(topicConfig);
        List<Integer> ids = new ArrayList<>();
        for (int id : brokerIds) {
            ids.add(id);
            nodes.put(id, new Node(id));
            live.add(id);
        }
        this.replicas = List.copyOf(ids);
    }

    /** Fetch wait 0 (answers at once), 30 s lag time, durability as given. */
    static ReplicationConfig config(boolean ackRequiresFsync) {
        return new ReplicationConfig(30_000, 0, 1, 1 << 20, 10 << 20, 1_000, 30_000, 1, ackRequiresFsync, "PLAINTEXT");
    }

    Node node(int id) {
        return nodes.get(id);
    }

    // ------------------------------------------------------------------ "ZooKeeper"

    /** The controller elects {@code leader} with {@code isr}: leader epoch + 1, written and published. */
    void elect(int leader, List<Integer> isr) {
        int epoch = zkState == null ? 0 : zkState.leaderEpoch() + 1;
        zkState = new PartitionState(leader, epoch, isr, 1, ++zkVersion);
        publish();
    }

    /** The controller changes only the ISR (same leader epoch). */
    void controllerSetsIsr(List<Integer> isr) {
        zkState = new PartitionState(zkState.leader(), zkState.leaderEpoch(), isr, 1, ++zkVersion);
    }

    /** Brokers with a controlled-shutdown znode. */
    final Set<Integer> shuttingDown = new java.util.HashSet<>();

    ClusterImage image() {
        Map<Integer, BrokerInfo> brokers = new LinkedHashMap<>();
        for (int id : live) {
            brokers.put(id, new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id,
                "PLAINTEXT")), Optional.empty(), 100 + id));
        }
        PartitionImage pi = new PartitionImage(replicas, Optional.ofNullable(zkState));
        TopicImage topic = new TopicImage(TOPIC, topicId, Map.of(0, pi), topicConfig, 0);
        return new ClusterImage(Optional.of("cluster"), brokers, replicas.get(0), 1, Map.of(TOPIC, topic), Set.of(),
            shuttingDown, Map.of(), Map.of());
    }

    /** Every live broker applies the current image. */
    void publish() {
        ClusterImage img = image();
        for (int id : live) {
            nodes.get(id).replicas.applyImage(img);
        }
    }

    private CompletableFuture<IsrWriteResult> writeIsr(IsrUpdate update) {
        isrWrites.add(update);
        CompletableFuture<IsrWriteResult> f = new CompletableFuture<>();
        if (holdIsrWrites) {
            heldIsrWrites.add(Map.entry(update, f));
            return f;
        }
        f.complete(applyIsrWrite(update));
        return f;
    }

    private IsrWriteResult applyIsrWrite(IsrUpdate update) {
        if (update.expectedZkVersion() != zkVersion) {
            return new IsrWriteResult.Conflict(Optional.of(zkState));
        }
        zkState = new PartitionState(update.leaderId(), update.leaderEpoch(), update.newIsr(), update.controllerEpoch(),
            ++zkVersion);
        return new IsrWriteResult.Written(zkVersion);
    }

    /** Completes held ISR writes against the in-memory state (conflicts if it moved meanwhile). */
    void completeIsrWrites() {
        List<Map.Entry<IsrUpdate, CompletableFuture<IsrWriteResult>>> held = new ArrayList<>(heldIsrWrites);
        heldIsrWrites.clear();
        for (Map.Entry<IsrUpdate, CompletableFuture<IsrWriteResult>> e : held) {
            e.getValue().complete(applyIsrWrite(e.getKey()));
        }
    }

    // ------------------------------------------------------------------ driving

    /** One fetch round of {@code follower}'s fetcher for the current leader. */
    long fetchRound(int follower) {
        Node n = nodes.get(follower);
        int leader = n.partition().leaderId();
        ReplicaFetcherThread fetcher = n.replicas.fetcherManager().fetcher(leader)
            .orElseThrow(() -> new AssertionError("broker " + follower + " has no fetcher for leader " + leader));
        return fetcher.doWork();
    }

    /** Group commit on every live broker. */
    void flushLeaders() {
        for (int id : live) {
            nodes.get(id).replicas.flusher().flushScheduled();
        }
    }

    /** Rounds of fetch (and flush) for every live follower until nothing changes, bounded. */
    void replicate() {
        for (int round = 0; round < 20; round++) {
            flushLeaders();
            boolean progress = false;
            for (int id : live) {
                Partition p = nodes.get(id).partition();
                if (p.isLeader() || p.leaderId() < 0 || !live.contains(p.leaderId())) {
                    continue;
                }
                long before = p.logEndOffset();
                long hwBefore = p.highWatermark();
                fetchRound(id);
                progress |= p.logEndOffset() != before || p.highWatermark() != hwBefore;
            }
            flushLeaders();
            if (!progress && round > 1) {
                return;
            }
        }
    }

    CompletableFuture<Map<TopicPartition, ProduceResult>> produce(int leader, short acks, String... values) {
        return nodes.get(leader).replicas.appendRecords(30_000, acks, Map.of(TP, batch(values)), AppendOrigin.CLIENT);
    }

    static MemoryRecords batch(String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder();
        for (String v : values) {
            b.append(1_700_000_000_000L, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** (offset, leader epoch, value) of every record of a log. */
    static List<String> contents(PartitionLog log) {
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            FetchDataInfo read = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
            if (read.isEmpty()) {
                break;
            }
            long next = offset;
            for (RecordBatch batch : read.records().toMemoryRecords().batches()) {
                for (Record r : batch.records()) {
                    byte[] bytes = new byte[r.value().remaining()];
                    r.value().duplicate().get(bytes);
                    out.add(r.offset() + "@" + batch.partitionLeaderEpoch() + ":" + new String(bytes, StandardCharsets.UTF_8));
                }
                next = batch.nextOffset();
            }
            offset = next;
        }
        return out;
    }

    /** Kill: the broker stops taking part (its state stays as it was). */
    void stop(int id) {
        live.remove(id);
    }

    void start(int id) {
        live.add(id);
    }

    Map<Integer, Long> logEnds() {
        Map<Integer, Long> m = new HashMap<>();
        nodes.forEach((id, n) -> m.put(id, n.partition().logEndOffset()));
        return m;
    }

    Function<TopicPartition, Optional<PartitionState>> zkReader() {
        return tp -> Optional.ofNullable(zkState);
    }

    @Override
    public void close() {
        nodes.values().forEach(Node::close);
    }
}

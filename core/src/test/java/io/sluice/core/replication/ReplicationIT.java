package io.sluice.core.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.network.NetworkClient;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.Time;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.network.Listener;
import io.sluice.core.server.BrokerConfig;
import io.sluice.core.server.BrokerServer;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real brokers ({@link BrokerServer}, in this JVM) on one in-process ZooKeeper: follower fetchers over
 * TCP, the controller's leader election, ISR writes, acks=all. Stops a leader, produces through the new one,
 * restarts the old one and checks that it catches up, rejoins the ISR and that every replica holds the same log.
 */
class ReplicationIT {
    private static final String TOPIC = "replicated";
    private static final long WAIT_MS = 60_000;

    @TempDir
    Path dir;
    private TestingServer zookeeper;
    private CuratorFramework zk;
    private ZkMetadataStore store;
    private String connect;
    private final Map<Integer, BrokerServer> brokers = new TreeMap<>();
    private final Map<Integer, Map<String, String>> configs = new HashMap<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
        connect = zookeeper.getConnectString() + "/replication-" + UUID.randomUUID();
        zk = ZooKeeperClients.start(new ZooKeeperConfig(connect, 10_000, 10_000));
        store = new ZkMetadataStore(zk);
        store.ensurePersistentPaths();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (BrokerServer b : brokers.values()) {
            b.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    private void startBroker(int id) throws Exception {
        Map<String, String> props = configs.computeIfAbsent(id, k -> {
            Map<String, String> m = new HashMap<>();
            m.put("broker.id", Integer.toString(id));
            m.put("listeners", "PLAINTEXT://127.0.0.1:0");
            m.put("log.dirs", dir.resolve("broker-" + id).toString());
            m.put("zookeeper.connect", connect);
            m.put("zookeeper.session.timeout.ms", "10000");
            m.put("replica.lag.time.max.ms", "10000");
            m.put("replica.fetch.wait.max.ms", "200");
            m.put("replica.fetch.backoff.ms", "100");
            m.put("num.io.threads", "2");
            m.put("num.network.threads", "1");
            return m;
        });
        BrokerServer server = new BrokerServer(new BrokerConfig(props), Time.SYSTEM);
        server.startup();
        brokers.put(id, server);
    }

    private void stopBroker(int id) {
        brokers.remove(id).close();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private Optional<PartitionState> state(int partition) {
        return store.readPartitionState(TOPIC, partition);
    }

    private Partition replica(int broker, int partition) {
        return brokers.get(broker).replicaManager().orElseThrow().partition(new TopicPartition(TOPIC, partition))
            .orElseThrow();
    }

    /** Sends a v9 Produce to {@code broker} and waits for the answer. */
    private ProduceResponse produce(NetworkClient client, int broker, ProduceRequest request) throws Exception {
        InetSocketAddress a = address(broker);
        return client.<ProduceResponse>send(new Node(broker, a.getHostString(), a.getPort()), ApiKey.PRODUCE, (short) 9,
            v -> request).get(30, TimeUnit.SECONDS);
    }

    private InetSocketAddress address(int broker) {
        Listener l = brokers.get(broker).boundListeners().get(0);
        return new InetSocketAddress("127.0.0.1", l.port());
    }

    /**
     * Produces one batch with acks=all to the partition's current leader, retrying retriable errors (leader
     * moves, too few replicas) for a bounded time. Returns the base offset.
     */
    private long produce(int partition, String... values) throws Exception {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        String last = "no leader";
        while (System.nanoTime() < deadline) {
            Optional<PartitionState> s = state(partition);
            if (s.isPresent() && s.get().hasLeader() && brokers.containsKey(s.get().leader())) {
                try (NetworkClient c = new NetworkClient(NetworkClient.Settings.defaults("replication-it"))) {
                    ProduceRequest request = new ProduceRequest(null, (short) -1, 20_000, List.of(
                        new ProduceRequest.TopicData(TOPIC, List.of(new ProduceRequest.TopicData.PartitionData(partition,
                            ReplicationHarness.batch(values))))));
                    ProduceResponse response = produce(c, s.get().leader(), request);
                    ProduceResponse.Response.PartitionResponse r = response.responses().get(0).partitionResponses().get(0);
                    Errors error = Errors.forCode(r.errorCode());
                    if (error == Errors.NONE) {
                        return r.baseOffset();
                    }
                    if (!error.retriable()) {
                        throw new AssertionError("Produce failed with " + error + ": " + r.errorMessage());
                    }
                    last = error + ": " + r.errorMessage();
                } catch (ExecutionException e) {
                    last = e.getCause().toString();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Could not produce to partition " + partition + " (last error " + last + ")");
    }

    private void awaitInSyncEverywhere(int partition, List<Integer> expectedIsr) throws InterruptedException {
        await("ISR " + expectedIsr + " of partition " + partition + " and identical logs", () -> {
            Optional<PartitionState> s = state(partition);
            if (s.isEmpty() || !s.get().hasLeader() || s.get().isr().stream().sorted().toList().equals(expectedIsr) == false) {
                return false;
            }
            try {
                Partition leader = replica(s.get().leader(), partition);
                long leo = leader.logEndOffset();
                for (int id : expectedIsr) {
                    Partition p = replica(id, partition);
                    if (p.logEndOffset() != leo || p.highWatermark() != leo) {
                        return false;
                    }
                }
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
        List<String> leaderContents = ReplicationHarness.contents(replica(state(partition).get().leader(), partition).log());
        for (int id : expectedIsr) {
            assertEquals(leaderContents, ReplicationHarness.contents(replica(id, partition).log()), "replica on broker " + id);
        }
    }

    private static List<String> values(List<String> contents) {
        List<String> out = new ArrayList<>();
        for (String c : contents) {
            out.add(c.substring(c.indexOf(':') + 1));
        }
        return out;
    }

    @Test
    void threeBrokersReplicateFailOverAndTheRestartedLeaderCatchesUpAndRejoins() throws Exception {
        for (int id = 1; id <= 3; id++) {
            startBroker(id);
        }
        store.createTopic(TOPIC, Uuid.randomUuid(), Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1)),
            Map.of("min.insync.replicas", "2"));
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        awaitInSyncEverywhere(1, List.of(1, 2, 3));

        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String v = "before-" + i;
            assertEquals(i, produce(0, v));
            acknowledged.add(v);
        }
        produce(1, "p1-a", "p1-b");
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        awaitInSyncEverywhere(1, List.of(1, 2, 3));
        assertEquals(acknowledged, values(ReplicationHarness.contents(replica(2, 0).log())));

        int oldLeader = state(0).orElseThrow().leader();
        int oldEpoch = state(0).orElseThrow().leaderEpoch();
        stopBroker(oldLeader);
        await("a new leader for partition 0", () -> state(0).map(s -> s.hasLeader() && s.leader() != oldLeader
            && s.leaderEpoch() > oldEpoch).orElse(false));
        List<Integer> survivors = new ArrayList<>(brokers.keySet());
        for (int i = 0; i < 20; i++) {
            String v = "after-" + i;
            produce(0, v);
            acknowledged.add(v);
        }
        awaitInSyncEverywhere(0, survivors);

        startBroker(oldLeader);
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        awaitInSyncEverywhere(1, List.of(1, 2, 3));
        for (int id = 1; id <= 3; id++) {
            assertEquals(acknowledged, values(ReplicationHarness.contents(replica(id, 0).log())), "broker " + id);
        }
        // The restarted broker follows and keeps following: one more record reaches it.
        produce(0, "last");
        acknowledged.add("last");
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        assertEquals(acknowledged, values(ReplicationHarness.contents(replica(oldLeader, 0).log())));
        assertTrue(replica(oldLeader, 0).log().leaderEpochCache().entries().size() >= 2,
            "the epochs of both leaders are recorded: " + replica(oldLeader, 0).log().leaderEpochCache().entries());
    }
    @Test
    void aLeaderCutOffFromZooKeeperRefusesProduceUntilItsSessionIsBack() throws Exception {
        for (int id = 1; id <= 3; id++) {
            startBroker(id);
        }
        store.createTopic(TOPIC, Uuid.randomUuid(), Map.of(0, List.of(1, 2, 3)), Map.of("min.insync.replicas", "2"));
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        produce(0, "before");
        int leader = state(0).orElseThrow().leader();
        ReplicaManager leaderReplicas = brokers.get(leader).replicaManager().orElseThrow();

        zookeeper.stop();
        await("the leader noticing the lost connection", () -> !leaderReplicas.isZooKeeperSessionValid());
        try (NetworkClient c = new NetworkClient(NetworkClient.Settings.defaults("it"))) {
            ProduceResponse response = produce(c, leader, new ProduceRequest(null, (short) 1, 5_000, List.of(
                new ProduceRequest.TopicData(TOPIC, List.of(new ProduceRequest.TopicData.PartitionData(0,
                    ReplicationHarness.batch("while-cut-off")))))));
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                response.responses().get(0).partitionResponses().get(0).errorCode());
        }
        assertEquals(1, replica(leader, 0).logEndOffset(), "nothing appended");

        zookeeper.restart();
        await("the session back and the state re-read", leaderReplicas::isZooKeeperSessionValid);
        produce(0, "after");
        awaitInSyncEverywhere(0, List.of(1, 2, 3));
        for (int id = 1; id <= 3; id++) {
            assertEquals(List.of("before", "after"), values(ReplicationHarness.contents(replica(id, 0).log())));
        }
    }
}

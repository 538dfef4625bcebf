package io.sluice.cli.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolRunner;
import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.LeaderElectionRequest;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The ZooKeeper tools against a real in-process ZooKeeper, with brokers and a controller played by the test. */
class ZooKeeperToolsTest {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    @TempDir
    Path dir;

    CuratorFramework client;
    ZkMetadataStore store;

    record Result(int code, String out, String err) {
    }

    static Result run(ToolCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ToolRunner.run(command, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void cluster() throws Exception {
        client = zk.newClient();
        store = new ZkMetadataStore(client);
        store.ensurePersistentPaths();
        store.getOrCreateClusterId();
        for (int id = 1; id <= 3; id++) {
            BrokerInfo info = new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + id, "PLAINTEXT")),
                id == 1 ? Optional.of("rack-a") : Optional.empty(), -1);
            client.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.brokerId(id),
                ZkJson.encodeBrokerRegistration(info, System.currentTimeMillis()));
        }
        client.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, ZkJson.encodeController(2, 1L));
        client.create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.encodeControllerEpoch(4));
        store.createTopic("orders", Uuid.randomUuid(), Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1)), Map.of());
        writeState("orders", 0, new PartitionState(2, 3, List.of(2, 1, 3), 4, 0));   // not the preferred leader
        writeState("orders", 1, new PartitionState(2, 1, List.of(2, 3), 4, 0));      // under-replicated
    }

    void writeState(String topic, int partition, PartitionState state) throws Exception {
        client.create().creatingParentsIfNeeded().forPath(ZkPaths.partitionState(topic, partition),
            ZkJson.encodePartitionState(state));
    }

    @Test
    void clusterStatusPrintsTheClusterAndExitsZeroWithoutOfflinePartitions() {
        Result r = run(new ClusterStatusCommand(), "--zookeeper", zk.connectString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Controller: broker 2, epoch 4"), r.out());
        assertTrue(r.out().contains("Live brokers: 3"), r.out());
        assertTrue(r.out().contains("1       rack-a  PLAINTEXT://127.0.0.1:9091"), r.out());
        assertTrue(r.out().contains("Topics: 1, partitions: 2, under-replicated: 1, offline: 0"), r.out());
        assertTrue(r.out().contains("orders  1          2       2,3,1     2,3    under-replicated"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void clusterStatusExitsThreeWhenAPartitionIsOffline() throws Exception {
        store.createTopic("fresh", Uuid.randomUuid(), Map.of(0, List.of(3)), Map.of());
        Result r = run(new ClusterStatusCommand(), "--zookeeper", zk.connectString(), "--json");
        assertEquals(ExitCodes.UNHEALTHY, r.code());
        assertTrue(r.out().contains("\"offline_partitions\" : 1"), r.out());
        assertEquals("cluster-status.sh: 1 offline partition\n", r.err());
    }

    @Test
    void anUnreachableZooKeeperFailsWithinTheTimeoutInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        Result r = run(new ClusterStatusCommand(), "--zookeeper", "127.0.0.1:" + closedPort, "--zk-connection-timeout-ms", "500");
        assertEquals(ExitCodes.FAILED, r.code());
        assertEquals("cluster-status.sh: Could not connect to ZooKeeper at 127.0.0.1:" + closedPort
            + " within 500 ms (is it running? check --zookeeper)\n", r.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void aMissingChrootIsAnErrorNotAnEmptyCluster() {
        Result r = run(new ClusterStatusCommand(), "--zookeeper", zk.serverConnectString() + "/no-such-chroot");
        assertEquals(ExitCodes.FAILED, r.code());
        assertTrue(r.err().contains("has no znode /no-such-chroot"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMalformedConnectStringIsBadInput() {
        Result r = run(new ClusterStatusCommand(), "--zookeeper", "127.0.0.1:notaport");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("'notaport' is not a port number"), r.err());
        r = run(new ClusterStatusCommand(), "--zookeeper", "x:1", "--zk-connection-timeout-ms", "0");
        assertEquals(ExitCodes.USAGE, r.code());
    }

    @Test
    void zookeeperShellListsGetsAndStats() throws Exception {
        Result ls = run(new ZooKeeperShellCommand(), zk.connectString(), "ls", "/brokers/ids");
        assertEquals(0, ls.code(), ls.err());
        assertEquals("[1, 2, 3]\n", ls.out());
        Result get = run(new ZooKeeperShellCommand(), "--zookeeper", zk.connectString(), "get", "/controller_epoch");
        assertEquals("4\n", get.out());
        Result stat = run(new ZooKeeperShellCommand(), zk.connectString(), "stat", "/brokers/ids/1");
        Stat expected = client.checkExists().forPath("/brokers/ids/1");
        assertTrue(stat.out().contains("ephemeralOwner = 0x" + Long.toHexString(expected.getEphemeralOwner()) + "\n"), stat.out());
        assertTrue(stat.out().contains("numChildren = 0\n") && stat.out().startsWith("cZxid = 0x"), stat.out());
        Result missing = run(new ZooKeeperShellCommand(), zk.connectString(), "get", "/nope");
        assertEquals(ExitCodes.FAILED, missing.code());
        assertEquals("zookeeper-shell.sh: Node does not exist: /nope\n", missing.err());
        Result bad = run(new ZooKeeperShellCommand(), zk.connectString(), "rmr", "/brokers");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("Unknown command 'rmr'"), bad.err());
        Result none = run(new ZooKeeperShellCommand());
        assertEquals(ExitCodes.USAGE, none.code());
    }

    @Test
    void zookeeperShellRunsCommandsFromStdin() {
        String script = "ls /brokers\n\n# comment\nget /nope\nget /controller_epoch\n";
        Result r = run(new ZooKeeperShellCommand(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8))),
            zk.connectString());
        assertEquals(ExitCodes.FAILED, r.code());
        assertEquals("[ids, seqid, topics]\n4\n", r.out());
        assertEquals("zookeeper-shell.sh: Node does not exist: /nope\n", r.err());
    }

    @Test
    void preferredElectionSubmitsARequestAndPrintsTheControllersAnswer() throws Exception {
        Thread controller = new Thread(() -> answerOneElection(Errors.NONE), "fake-controller");
        controller.start();
        Result r = run(new PreferredLeaderElectionCommand(), "--zookeeper", zk.connectString(), "--topic", "orders",
            "--partition", "0");
        controller.join(30_000);
        assertEquals(0, r.code(), r.err());
        assertEquals("Successfully completed leader election (PREFERRED) for partitions orders-0\n", r.out());
        assertEquals(List.of(), client.getChildren().forPath(ZkPaths.ADMIN_ELECT_LEADERS), "the request is deleted");
    }

    @Test
    void preferredElectionReportsFailedPartitions() throws Exception {
        Thread controller = new Thread(() -> answerOneElection(Errors.PREFERRED_LEADER_NOT_AVAILABLE), "fake-controller");
        controller.start();
        Result r = run(new PreferredLeaderElectionCommand(), "--zookeeper", zk.connectString(), "--topic", "orders");
        controller.join(30_000);
        assertEquals(ExitCodes.FAILED, r.code());
        assertTrue(r.out().contains("Error completing leader election (PREFERRED) for partition orders-0: "
            + "PREFERRED_LEADER_NOT_AVAILABLE"), r.out());
        assertEquals("preferred-leader-election.sh: the election failed for 2 partitions\n", r.err());
    }

    @Test
    void preferredElectionWithoutAControllerTimesOut() throws Exception {
        client.delete().forPath(ZkPaths.CONTROLLER);
        Result r = run(new PreferredLeaderElectionCommand(), "--zookeeper", zk.connectString(), "--all", "--timeout-ms", "300");
        assertEquals(ExitCodes.FAILED, r.code());
        assertTrue(r.err().contains("did not answer within 300 ms (no broker is controller"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void preferredElectionValidatesItsInput() {
        assertEquals(ExitCodes.USAGE, run(new PreferredLeaderElectionCommand(), "--zookeeper", "x:1").code());
        assertEquals(ExitCodes.USAGE, run(new PreferredLeaderElectionCommand(), "--zookeeper", "x:1", "--all", "--topic", "t").code());
        assertEquals(ExitCodes.USAGE, run(new PreferredLeaderElectionCommand(), "--zookeeper", "x:1", "--all", "--partition", "1").code());
        Result unknown = run(new PreferredLeaderElectionCommand(), "--zookeeper", zk.connectString(), "--topic", "orders",
            "--partition", "9");
        assertEquals(ExitCodes.FAILED, unknown.code());
        assertEquals("preferred-leader-election.sh: Topic 'orders' has no partition 9 (it has 2)\n", unknown.err());
    }

    @Test
    void reassignGeneratesExecutesVerifiesAndCancels() throws Exception {
        Path topics = Files.writeString(dir.resolve("topics.json"), "{\"version\":1,\"topics\":[{\"topic\":\"orders\"}]}");
        Result gen = run(new ReassignPartitionsCommand(new java.util.Random(1)), "--zookeeper", zk.connectString(),
            "--generate", "--topics-to-move-json-file", topics.toString(), "--broker-list", "1,2,3");
        assertEquals(0, gen.code(), gen.err());
        String[] lines = gen.out().split("\n");
        assertEquals("Current partition replica assignment", lines[0]);
        assertEquals(ReassignmentJson.format(new TreeMap<>(Map.of(new PartitionRef("orders", 0), List.of(1, 2, 3),
            new PartitionRef("orders", 1), List.of(2, 3, 1)))), lines[1]);
        assertEquals("Proposed partition reassignment configuration", lines[3]);
        Map<PartitionRef, List<Integer>> proposed = ReassignmentJson.parseReassignment(lines[4], "proposal");
        assertEquals(2, proposed.size());
        proposed.values().forEach(r -> assertEquals(3, r.size()));

        Path plan = Files.writeString(dir.resolve("plan.json"),
            "{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[3,2]}]}");
        Result exec = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--execute",
            "--reassignment-json-file", plan.toString());
        assertEquals(0, exec.code(), exec.err());
        assertTrue(exec.out().contains("Save this to use as the --reassignment-json-file option during rollback"), exec.out());
        assertTrue(exec.out().endsWith("Successfully started partition reassignment for orders-0\n"), exec.out());
        assertTrue(store.readTopicAssignment("orders").orElseThrow().value().isReassigning(0));

        Result verify = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--verify",
            "--reassignment-json-file", plan.toString());
        assertEquals(ExitCodes.UNHEALTHY, verify.code());
        assertTrue(verify.out().contains("Reassignment of partition orders-0 is still in progress."), verify.out());

        Result list = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--list");
        assertTrue(list.out().contains("orders-0: replicas: "), list.out());

        Result cancel = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--cancel",
            "--reassignment-json-file", plan.toString());
        assertEquals(0, cancel.code(), cancel.err());
        assertFalse(store.readTopicAssignment("orders").orElseThrow().value().isReassigning(0));
        Result after = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--verify",
            "--reassignment-json-file", plan.toString());
        // Cancelling restores the original replica set (the coordinator keeps the target's order).
        assertEquals(java.util.Set.of(1, 2, 3),
            java.util.Set.copyOf(store.readTopicAssignment("orders").orElseThrow().value().replicas(0)));
        assertEquals(ExitCodes.UNHEALTHY, after.code());
        assertTrue(after.out().contains("There is no active reassignment of partition orders-0, but replica set is "), after.out());
        assertTrue(after.out().contains(" rather than [3, 2]."), after.out());
    }

    @Test
    void reassignRejectsBadInputBeforeConnecting() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"version\":1,\"partitions\":[{\"topic\":\"orders\"}]}");
        Result r = run(new ReassignPartitionsCommand(), "--zookeeper", "127.0.0.1:1", "--execute",
            "--reassignment-json-file", bad.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(ExitCodes.USAGE, run(new ReassignPartitionsCommand(), "--zookeeper", "x:1", "--execute", "--verify").code());
        assertEquals(ExitCodes.USAGE, run(new ReassignPartitionsCommand(), "--zookeeper", "x:1", "--verify").code());
        Result missingFile = run(new ReassignPartitionsCommand(), "--zookeeper", "x:1", "--verify",
            "--reassignment-json-file", dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.USAGE, missingFile.code());
        assertTrue(missingFile.err().contains("Cannot read"), missingFile.err());
        Path topics = Files.writeString(dir.resolve("t.json"), "{\"topics\":[{\"topic\":\"orders\"}]}");
        Result badList = run(new ReassignPartitionsCommand(), "--zookeeper", "x:1", "--generate",
            "--topics-to-move-json-file", topics.toString(), "--broker-list", "1,x");
        assertEquals(ExitCodes.USAGE, badList.code());
        Result notLive = run(new ReassignPartitionsCommand(), "--zookeeper", zk.connectString(), "--generate",
            "--topics-to-move-json-file", topics.toString(), "--broker-list", "1,2,7");
        assertEquals(ExitCodes.FAILED, notLive.code());
        assertTrue(notLive.err().contains("Broker 7 of --broker-list is not registered (live brokers: 1,2,3)"), notLive.err());
    }

    /** Plays the controller: answers the next election request with {@code error} for each requested partition. */
    private void answerOneElection(Errors error) {
        try {
            while (true) {
                CountDownLatch changed = new CountDownLatch(1);
                List<String> requests = client.getChildren().usingWatcher((CuratorWatcher) e -> changed.countDown())
                    .forPath(ZkPaths.ADMIN_ELECT_LEADERS);
                if (!requests.isEmpty()) {
                    String name = requests.get(0);
                    Stat stat = new Stat();
                    byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.electLeadersRequest(name));
                    LeaderElectionRequest request = ZkJson.decodeLeaderElectionRequest(name, data, stat.getVersion());
                    Map<PartitionRef, PartitionOutcome> answer = new TreeMap<>();
                    request.partitions().orElseThrow().forEach(p -> answer.put(p, PartitionOutcome.of(error, null)));
                    client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.electLeadersRequest(name),
                        ZkJson.encodeLeaderElectionRequest(request.withResults(answer)));
                    return;
                }
                if (!changed.await(30, TimeUnit.SECONDS)) {
                    return;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

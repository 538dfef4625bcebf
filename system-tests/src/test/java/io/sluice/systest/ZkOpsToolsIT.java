package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZooKeeper ops scripts (cluster-status, zookeeper-shell, reassign-partitions, preferred-leader-election) run
 * as processes against a real ZooKeeper and three broker processes, including their bad-input cases: exit code,
 * one line on stderr, no stack trace.
 */
class ZkOpsToolsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static final List<BrokerProcess> brokers = new ArrayList<>();
    static String zkConnect;
    static Path cwd;

    @BeforeAll
    static void startCluster() throws Exception {
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        String chroot = ZooKeeperProcess.uniqueChroot(ZkOpsToolsIT.class);
        zkConnect = zk.connectString(chroot);
        for (int id = 1; id <= 3; id++) {
            brokers.add(BrokerProcess.builder(zk, workDir.resolve("broker-" + id)).brokerId(id).chroot(chroot).start());
        }
        cwd = Files.createDirectories(workDir.resolve("cwd"));
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            Await.until(WAIT, () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3,
                    () -> "three brokers registered");
            admin.createTopics(List.of(new NewTopic("ops", Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1),
                    2, List.of(3, 1, 2))))).all().get(30, TimeUnit.SECONDS);
            Await.until(WAIT, () -> {
                TopicDescription d = admin.describeTopics(List.of("ops")).allTopicNames().get(10, TimeUnit.SECONDS).get("ops");
                return d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3);
            }, () -> "every partition of ops has a leader and a full ISR");
        }
    }

    @AfterAll
    static void stopCluster() {
        try {
            brokers.forEach(BrokerProcess::close);
        } finally {
            if (zk != null) {
                zk.close();
            }
        }
    }

    static String bootstrap() {
        return String.join(",", brokers.stream().map(BrokerProcess::bootstrapServers).toList());
    }

    static ScriptRun.Result run(String script, String... args) {
        return ScriptRun.run(cwd, script, args);
    }

    static JsonNode status() throws Exception {
        ScriptRun.Result r = run("cluster-status.sh", "--zookeeper", zkConnect, "--json");
        return JSON.readTree(r.out());
    }

    static JsonNode partition(JsonNode status, String topic, int partition) {
        for (JsonNode t : status.get("topics")) {
            if (t.get("topic").asText().equals(topic)) {
                return t.get("partitions").get(partition);
            }
        }
        throw new AssertionError("no topic " + topic + " in " + status);
    }

    static void assertOneLineFailure(ScriptRun.Result r, int code, String script, String contains) {
        assertEquals(code, r.code(), r.describe());
        assertEquals(1, r.errLines().size(), r.describe());
        assertTrue(r.err().startsWith(script + ": "), r.describe());
        assertTrue(r.err().contains(contains), r.describe());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.describe());
    }

    @Test
    void clusterStatusPrintsBrokersControllerAndPartitions() throws Exception {
        ScriptRun.Result r = run("cluster-status.sh", "--zookeeper", zkConnect);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), r.describe());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Cluster id: ") && !lines.get(0).endsWith("none"), r.describe());
        assertTrue(lines.get(1).matches("Controller: broker [123], epoch [0-9]+"), r.describe());
        assertEquals("Live brokers: 3", lines.get(2));
        assertEquals(List.of("BROKER", "RACK", "ENDPOINTS"), List.of(lines.get(3).split("\\s+")));
        for (int i = 0; i < 3; i++) {
            BrokerProcess b = brokers.get(i);
            assertEquals(List.of(String.valueOf(b.brokerId()), "-", "PLAINTEXT://" + b.bootstrapServers()),
                    List.of(lines.get(4 + i).split("\\s+")), r.describe());
        }
        assertTrue(lines.get(7).startsWith("Topics: "), r.describe());
        assertTrue(lines.get(7).endsWith("under-replicated: 0, offline: 0"), r.describe());
        assertEquals(List.of("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "STATUS"), List.of(lines.get(8).split("\\s+")));
        List<String> p1 = lines.stream().filter(l -> l.startsWith("ops ")).map(l -> l.split("\\s+"))
                .filter(c -> c[1].equals("1")).map(c -> String.join(" ", c)).toList();
        assertEquals(1, p1.size(), r.describe());
        String[] cells = p1.get(0).split(" ");
        assertEquals("2,3,1", cells[3], r.describe());
        assertEquals(3, cells[4].split(",").length, r.describe());
        assertEquals("ok", cells[5], r.describe());

        JsonNode json = status();
        assertEquals(3, json.get("brokers").size());
        assertEquals(0, json.get("summary").get("offline_partitions").asInt());
        assertEquals("[3,1,2]", partition(json, "ops", 2).get("replicas").toString());
        assertTrue(json.get("controller").get("epoch").asInt() >= 1, json.toString());
    }

    @Test
    void clusterStatusExitsThreeWhileAPartitionIsOffline() throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic("single", Map.of(0, List.of(3))))).all().get(30, TimeUnit.SECONDS);
        }
        Await.until(WAIT, () -> partition(status(), "single", 0).get("leader").asInt() == 3, () -> "single-0 led by 3");
        BrokerProcess third = brokers.get(2);
        third.stop();
        try {
            Await.until(WAIT, () -> run("cluster-status.sh", "--zookeeper", zkConnect).code() == 3,
                    () -> "cluster-status.sh exits 3 once single-0 is offline");
            ScriptRun.Result r = run("cluster-status.sh", "--zookeeper", zkConnect);
            assertEquals(3, r.code(), r.describe());
            assertTrue(r.out().contains("offline: 1"), r.describe());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("single\\s+0\\s+none\\s+3\\s+\\S+\\s+offline")), r.describe());
            assertEquals("cluster-status.sh: 1 offline partition\n", r.err(), r.describe());
        } finally {
            third.start();
        }
        Await.until(WAIT, () -> {
            JsonNode summary = status().get("summary");
            return summary.get("offline_partitions").asInt() == 0 && summary.get("under_replicated_partitions").asInt() == 0;
        }, () -> "no offline or under-replicated partition once broker 3 is back");
    }

    @Test
    void zookeeperShellReadsZnodes() {
        ScriptRun.Result ls = run("zookeeper-shell.sh", zkConnect, "ls", "/brokers/ids");
        assertEquals(0, ls.code(), ls.describe());
        assertEquals("[1, 2, 3]\n", ls.out());
        ScriptRun.Result get = run("zookeeper-shell.sh", "--zookeeper", zkConnect, "get", "/brokers/topics/ops");
        assertEquals(0, get.code(), get.describe());
        assertTrue(get.out().contains("\"partitions\""), get.describe());
        ScriptRun.Result stat = run("zookeeper-shell.sh", zkConnect, "stat", "/controller");
        assertEquals(0, stat.code(), stat.describe());
        assertTrue(stat.out().contains("ephemeralOwner = 0x") && stat.out().contains("numChildren = 0"), stat.describe());
        ScriptRun.Result script = ScriptRun.run(cwd, ScriptRun.DEFAULT_TIMEOUT, Map.of(),
                "ls /brokers\nget /controller_epoch\n", "zookeeper-shell.sh", zkConnect);
        assertEquals(0, script.code(), script.describe());
        assertTrue(script.out().startsWith("[ids, seqid, topics]\n"), script.describe());
        assertOneLineFailure(run("zookeeper-shell.sh", zkConnect, "get", "/no/such"), 1, "zookeeper-shell.sh",
                "Node does not exist: /no/such");
        assertOneLineFailure(run("zookeeper-shell.sh", zkConnect, "delete", "/brokers"), 2, "zookeeper-shell.sh",
                "Unknown command 'delete'");
    }

    @Test
    void reassignmentThenPreferredLeaderElection() throws Exception {
        Path topics = Files.writeString(cwd.resolve("topics.json"), "{\"version\":1,\"topics\":[{\"topic\":\"ops\"}]}");
        ScriptRun.Result generate = run("reassign-partitions.sh", "--zookeeper", zkConnect, "--generate",
                "--topics-to-move-json-file", topics.toString(), "--broker-list", "1,2,3");
        assertEquals(0, generate.code(), generate.describe());
        List<String> lines = generate.out().lines().toList();
        assertEquals("Current partition replica assignment", lines.get(0));
        JsonNode current = JSON.readTree(lines.get(1));
        assertEquals(3, current.get("partitions").size());
        assertEquals("Proposed partition reassignment configuration", lines.get(3));
        JsonNode proposed = JSON.readTree(lines.get(4));
        assertEquals(3, proposed.get("partitions").size());
        proposed.get("partitions").forEach(p -> assertEquals(3, p.get("replicas").size()));

        // Reorder ops-0's replicas: broker 2 becomes the preferred leader; no data has to move.
        Path plan = Files.writeString(cwd.resolve("plan.json"),
                "{\"version\":1,\"partitions\":[{\"topic\":\"ops\",\"partition\":0,\"replicas\":[2,1,3],"
                        + "\"log_dirs\":[\"any\",\"any\",\"any\"]}]}");
        ScriptRun.Result execute = run("reassign-partitions.sh", "--zookeeper", zkConnect, "--execute",
                "--reassignment-json-file", plan.toString());
        assertEquals(0, execute.code(), execute.describe());
        assertTrue(execute.out().contains("\"topic\":\"ops\",\"partition\":0,\"replicas\":[1,2,3]"), execute.describe());
        assertTrue(execute.out().contains("Successfully started partition reassignment for ops-0"), execute.describe());
        Await.until(WAIT, () -> run("reassign-partitions.sh", "--zookeeper", zkConnect, "--verify",
                "--reassignment-json-file", plan.toString()).code() == 0, () -> "the reassignment of ops-0 completes");
        ScriptRun.Result verify = run("reassign-partitions.sh", "--zookeeper", zkConnect, "--verify",
                "--reassignment-json-file", plan.toString());
        assertTrue(verify.out().contains("Reassignment of partition ops-0 is completed."), verify.describe());
        assertEquals("No partition reassignments found.\n",
                run("reassign-partitions.sh", "--zookeeper", zkConnect, "--list").out());

        ScriptRun.Result elect = run("preferred-leader-election.sh", "--zookeeper", zkConnect, "--topic", "ops",
                "--partition", "0");
        assertEquals(0, elect.code(), elect.describe());
        assertTrue(elect.out().equals("Successfully completed leader election (PREFERRED) for partitions ops-0\n")
                || elect.out().equals("Valid replica already elected for partitions ops-0\n"), elect.describe());
        Await.until(WAIT, () -> partition(status(), "ops", 0).get("leader").asInt() == 2, () -> "broker 2 leads ops-0");
        ScriptRun.Result again = run("preferred-leader-election.sh", "--zookeeper", zkConnect, "--all");
        assertEquals(0, again.code(), again.describe());
        assertFalse(again.out().contains("Error"), again.describe());
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertOneLineFailure(run("cluster-status.sh", "--zookeeper", "127.0.0.1:" + closedPort,
                "--zk-connection-timeout-ms", "1500"), 1, "cluster-status.sh",
                "Could not connect to ZooKeeper at 127.0.0.1:" + closedPort + " within 1500 ms");
        assertOneLineFailure(run("cluster-status.sh", "--zookeper", zkConnect), 2, "cluster-status.sh",
                "'--zookeper'");
        assertOneLineFailure(run("cluster-status.sh"), 2, "cluster-status.sh", "Missing required option: '--zookeeper");
        assertOneLineFailure(run("cluster-status.sh", "--zookeeper", zkConnect, "--zk-connection-timeout-ms", "soon"), 2,
                "cluster-status.sh", "'soon' is not an int");
        assertOneLineFailure(run("cluster-status.sh", "--zookeeper", zk.connectString() + "/typo"), 1,
                "cluster-status.sh", "has no znode /typo");
        assertOneLineFailure(run("preferred-leader-election.sh", "--zookeeper", zkConnect), 2,
                "preferred-leader-election.sh", "exactly one of --topic");
        assertOneLineFailure(run("preferred-leader-election.sh", "--zookeeper", zkConnect, "--topic", "nope"), 1,
                "preferred-leader-election.sh", "Topic 'nope' does not exist");
        assertOneLineFailure(run("preferred-leader-election.sh", "--zookeeper", zkConnect, "--all", "--partition", "x"), 2,
                "preferred-leader-election.sh", "'x' is not an int");
        Path bad = Files.writeString(cwd.resolve("bad.json"), "{\"version\":1,\"partitions\":[{\"topic\":\"ops\",");
        assertOneLineFailure(run("reassign-partitions.sh", "--zookeeper", zkConnect, "--execute",
                "--reassignment-json-file", bad.toString()), 2, "reassign-partitions.sh", "is not valid JSON");
        assertOneLineFailure(run("reassign-partitions.sh", "--zookeeper", zkConnect, "--execute"), 2,
                "reassign-partitions.sh", "--execute needs --reassignment-json-file");
        Path unknownBroker = Files.writeString(cwd.resolve("unknown-broker.json"),
                "{\"version\":1,\"partitions\":[{\"topic\":\"ops\",\"partition\":1,\"replicas\":[1,9]}]}");
        ScriptRun.Result refused = run("reassign-partitions.sh", "--zookeeper", zkConnect, "--execute",
                "--reassignment-json-file", unknownBroker.toString());
        assertEquals(1, refused.code(), refused.describe());
        assertTrue(refused.out().contains("Failed to start the reassignment of ops-1"), refused.describe());
        assertOneLineFailure(run("zookeeper-shell.sh", zkConnect, "ls"), 2, "zookeeper-shell.sh", "exactly one znode path");
        assertOneLineFailure(run("stop-broker.sh"), 2, "stop-broker.sh", "missing required option --pid-file");
        assertOneLineFailure(run("stop-broker.sh", "--pid-file", cwd.resolve("none.pid").toString()), 1,
                "stop-broker.sh", "no pid file");
        for (String script : List.of("cluster-status.sh", "preferred-leader-election.sh", "reassign-partitions.sh",
                "zookeeper-shell.sh", "stop-broker.sh", "stop-zookeeper.sh", "quickstart.sh")) {
            ScriptRun.Result help = run(script, "--help");
            assertEquals(0, help.code(), help.describe());
            assertTrue(help.out().contains("Usage"), help.describe());
        }
    }
}

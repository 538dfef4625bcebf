package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 (replication failover), with real processes: one ZooKeeper and three brokers (ids 0, 1, 2), driven by
 * kafka-clients 4.1 only (the failover behaviour does not depend on the client version, and the test is long).
 * <ul>
 *   <li>An idempotent acks=all producer streams numbered records to an RF=3, min.insync.replicas=2 topic while
 *       partition leaders and the controller are SIGKILLed and restarted; afterwards every acknowledged record is
 *       present exactly once, at its acknowledged offset and in order, and every replica of every partition holds
 *       the same log up to the high watermark (each replica is made the leader in turn and read in full).
 *       Measured failover times are printed as {@code FAILOVER-TIMES:} lines.</li>
 *   <li>With two of three replicas down, acks=all gets NOT_ENOUGH_REPLICAS and nothing is appended; acks=1
 *       works.</li>
 *   <li>A SIGSTOPped follower leaves the ISR after replica.lag.time.max.ms and rejoins after SIGCONT.</li>
 * </ul>
 * Every test leaves all three brokers running with every replica in sync.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BROKERS = 3;
    private static final String LAG_MS = "6000";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static final List<BrokerProcess> brokers = new ArrayList<>();
    static Admin admin;
    /** Reads partition state znodes: the ISR as ZooKeeper has it, whatever broker a client would ask. */
    static CuratorFramework zkClient;

    @BeforeAll
    static void startCluster() {
        Assumptions.assumeTrue("4.1.1".equals(System.getProperty("sluice.expected.kafka.clients.version")),
                "FailoverIT runs only in the kafka-clients 4.1.1 execution");
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        String chroot = ZooKeeperProcess.uniqueChroot(FailoverIT.class);
        zkClient = CuratorFrameworkFactory.newClient(zk.connectString(chroot), 30_000, 10_000,
                new ExponentialBackoffRetry(200, 5));
        zkClient.start();
        for (int id = 0; id < BROKERS; id++) {
            brokers.add(BrokerProcess.builder(zk, workDir.resolve("broker-" + id))
                    .brokerId(id)
                    .chroot(chroot)
                    .property("auto.leader.rebalance.enable", "false")
                    .override("replica.lag.time.max.ms", LAG_MS)
                    .override("zookeeper.session.timeout.ms", "6000")
                    .start());
        }
        // Every broker's port stays the same across restarts: bootstrap from all three, whichever are alive.
        admin = KafkaClients.admin(allBootstrap());
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (zkClient != null) {
                zkClient.close();
            }
        } finally {
            try {
                for (BrokerProcess b : brokers) {
                    resume(b); // never leave a SIGSTOPped process behind: SIGTERM would not be handled
                    b.close();
                }
            } finally {
                if (zk != null) {
                    zk.close();
                }
            }
        }
    }

    /**
     * Each test starts from a whole cluster, whatever the one before it left: no paused process, every broker
     * running and registered (a broker whose ZooKeeper session expired re-registers a moment after SIGCONT).
     */
    @BeforeEach
    void wholeCluster() {
        for (BrokerProcess b : brokers) {
            resume(b);
            if (!b.isAlive()) {
                b.start();
            }
        }
        Await.until(WAIT, () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size() == BROKERS,
                () -> "all " + BROKERS + " brokers are registered");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. SIGKILL of partition leaders and of the controller under an acks=all idempotent stream
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void acknowledgedRecordsSurviveLeaderAndControllerKills() throws Exception {
        String topic = "failover-stream";
        int partitions = 3;
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        for (int p = 0; p < partitions; p++) {
            awaitIsr(topic, p, Set.of(0, 1, 2));
        }

        Map<Integer, List<String>> firstRead;
        try (NumberedStream stream = NumberedStream.start(topic, partitions, allBootstrap(), "failover-stream")) {
            stream.awaitMoreAcks(300, WAIT);
            for (int cycle = 1; cycle <= 5; cycle++) {
                // SIGKILL the leader of partition 0.
                int leader = describe(topic, 0).leader().id();
                long ackedBefore = stream.ackCount();
                long t0 = System.nanoTime();
                brokers.get(leader).kill();
                awaitPartition(topic, 0, "has a leader other than the killed " + leader,
                        p -> p.leader() != null && !p.leader().isEmpty() && p.leader().id() != leader);
                long electedMs = millisSince(t0);
                int newLeader = describe(topic, 0).leader().id();
                Await.until(WAIT, () -> stream.lastAckNanos(0) > t0 + TimeUnit.MILLISECONDS.toNanos(electedMs),
                        () -> "the producer gets acks on partition 0 again after the failover; failures: "
                                + stream.firstFailures());
                long resumedMs = (stream.lastAckNanos(0) - t0) / 1_000_000;
                brokers.get(leader).start();
                long t1 = System.nanoTime();
                for (int p = 0; p < partitions; p++) {
                    awaitIsr(topic, p, Set.of(0, 1, 2));
                }
                long rejoinMs = millisSince(t1);

                // SIGKILL the controller.
                int controller = controllerId();
                long t2 = System.nanoTime();
                brokers.get(controller).kill();
                Await.until(WAIT, () -> {
                    int c = controllerId();
                    return c >= 0 && c != controller;
                }, () -> "a controller other than the killed " + controller + " is elected");
                long controllerMs = millisSince(t2);
                int newController = controllerId();
                for (int p = 0; p < partitions; p++) {
                    awaitPartition(topic, p, "has a live leader (not " + controller + ")",
                            i -> i.leader() != null && !i.leader().isEmpty() && i.leader().id() != controller);
                }
                long allLedMs = millisSince(t2);
                brokers.get(controller).start();
                for (int p = 0; p < partitions; p++) {
                    awaitIsr(topic, p, Set.of(0, 1, 2));
                }
                long ackedAfter = stream.ackCount();
                assertTrue(ackedAfter > ackedBefore, "the producer made progress during cycle " + cycle);
                String line = String.format("FAILOVER-TIMES: cycle %d: SIGKILL leader %d of %s-0 -> new leader %d"
                                + " after %d ms, acks on partition 0 resumed after %d ms, restarted %d back in every"
                                + " ISR after %d ms; SIGKILL controller %d -> new controller %d after %d ms, every"
                                + " partition led by a live broker after %d ms; acked so far %d, failed sends %d",
                        cycle, leader, topic, newLeader, electedMs, resumedMs, leader, rejoinMs, controller,
                        newController, controllerMs, allLedMs, ackedAfter, stream.failureCount());
                System.out.println(line);
            }
            // Every send is answered now. Read every partition once (from whichever broker leads it) and check it.
            firstRead = stream.stopAndVerify(allBootstrap());
        }
        assertReplicasIdentical(topic, partitions, firstRead);
    }

    /**
     * Replicas identical up to the HW: with no producer and every replica in sync, make each broker in turn the
     * only live one (controlled shutdown, SIGTERM, of the two others hands it every leadership), read everything
     * from it and compare with {@code firstRead}.
     */
    private static void assertReplicasIdentical(String topic, int partitions, Map<Integer, List<String>> firstRead)
            throws Exception {
        long compareStart = System.nanoTime();
        for (int target = 0; target < BROKERS; target++) {
            int t = target;
            List<Integer> others = new ArrayList<>();
            for (int id = 0; id < BROKERS; id++) {
                if (id != t) {
                    others.add(id);
                }
            }
            for (int other : others) {
                assertTrue(brokers.get(other).stop(), "broker " + other + " exits by itself on SIGTERM");
            }
            try {
                for (int p = 0; p < partitions; p++) {
                    awaitPartition(topic, p, "is led by " + t,
                            i -> i.leader() != null && !i.leader().isEmpty() && i.leader().id() == t);
                }
                Map<Integer, List<String>> read = readAll(topic, partitions, brokers.get(t).bootstrapServers());
                for (int p = 0; p < partitions; p++) {
                    List<String> expected = firstRead.get(p);
                    List<String> actual = read.get(p);
                    assertEquals(expected.size(), actual.size(),
                            "replica of " + topic + "-" + p + " on broker " + t + " has as many records up to the HW");
                    if (!expected.equals(actual)) {
                        fail("replica of " + topic + "-" + p + " on broker " + t + " differs from the first read; first"
                                + " difference: " + firstDifference(expected, actual));
                    }
                }
            } finally {
                startInParallel(others);
            }
            for (int p = 0; p < partitions; p++) {
                awaitIsr(topic, p, Set.of(0, 1, 2));
            }
        }
        System.out.printf("FAILOVER-TIMES: the 3 replicas of each of %d partitions of %s are identical (%s records);"
                + " comparing them took %d ms%n", partitions, topic,
                firstRead.values().stream().map(l -> Integer.toString(l.size())).collect(Collectors.joining("+")),
                millisSince(compareStart));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Two of three replicas down
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void twoOfThreeDownRefusesAcksAllButAcks1Works() throws Exception {
        String topic = "two-down";
        TopicPartition tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);
        awaitIsr(topic, 0, Set.of(0, 1, 2));
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(allBootstrap(), Map.of())) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, bytes("before-" + i))).get(30, TimeUnit.SECONDS);
            }
        }
        int leader = describe(topic, 0).leader().id();
        List<Integer> others = new ArrayList<>();
        for (int id = 0; id < BROKERS; id++) {
            if (id != leader) {
                others.add(id);
            }
        }
        try {
            for (int id : others) {
                brokers.get(id).kill();
            }
            long t0 = System.nanoTime();
            awaitIsr(topic, 0, Set.of(leader));
            System.out.printf("FAILOVER-TIMES: ISR of %s shrank to [%d] %d ms after SIGKILL of %s%n", tp, leader,
                    millisSince(t0), others);
            String leaderOnly = brokers.get(leader).bootstrapServers();
            long endBefore = endOffset(leaderOnly, tp);
            assertEquals(5, endBefore, "end offset before the refused send");

            // acks=all: refused with NOT_ENOUGH_REPLICAS (retriable; no retries so that error itself is reported).
            try (KafkaProducer<byte[], byte[]> all = KafkaClients.producer(leaderOnly, Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                    ProducerConfig.RETRIES_CONFIG, 0,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> all.send(new ProducerRecord<>(topic, 0, null, bytes("refused"))).get(30, TimeUnit.SECONDS));
                assertTrue(causeChainHas(refused, NotEnoughReplicasException.class),
                        () -> "acks=all fails with NotEnoughReplicasException, not " + chain(refused));
            }
            assertEquals(endBefore, endOffset(leaderOnly, tp), "the refused acks=all record was not appended");

            // acks=1 still works on the live leader.
            try (KafkaProducer<byte[], byte[]> one = KafkaClients.producer(leaderOnly, Map.of(
                    ProducerConfig.ACKS_CONFIG, "1",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000))) {
                RecordMetadata md = one.send(new ProducerRecord<>(topic, 0, null, bytes("acks-1")))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(endBefore, md.offset(), "the acks=1 record goes right after the earlier ones");
            }
            assertEquals(endBefore + 1, endOffset(leaderOnly, tp), "only the acks=1 record was appended");
        } finally {
            for (int id : others) {
                if (!brokers.get(id).isAlive()) {
                    brokers.get(id).start();
                }
            }
        }
        awaitIsr(topic, 0, Set.of(0, 1, 2));
        Map<Integer, List<String>> content = readAll(topic, 1, allBootstrap());
        List<String> values = content.get(0).stream().map(r -> r.substring(r.lastIndexOf(':') + 1)).toList();
        assertEquals(List.of("before-0", "before-1", "before-2", "before-3", "before-4", "acks-1"), values);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. SIGSTOP / SIGCONT of a follower
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void pausedFollowerLeavesAndRejoinsIsr() throws Exception {
        String topic = "paused-follower";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);
        awaitIsr(topic, 0, Set.of(0, 1, 2));
        int leader = describe(topic, 0).leader().id();
        int controller = controllerId();
        // A follower that is not the controller, if there is one (pausing the controller is another test).
        int follower = -1;
        for (int id = 0; id < BROKERS; id++) {
            if (id != leader && (follower < 0 || id != controller)) {
                follower = id;
            }
        }
        BrokerProcess paused = brokers.get(follower);
        int f = follower;
        List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
        // A request that went to the paused broker (metadata, say) is only given up after request.timeout.ms:
        // keep that short, and the delivery timeout long enough for a few of them.
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(allBootstrap(), Map.of(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000))) {
            signal(paused, "STOP");
            long t0 = System.nanoTime();
            try {
                // One acks=all record per poll: they wait for the paused follower until the leader drops it.
                // The ISR is read from ZooKeeper: an Admin request could go to the paused broker and hang.
                Await.until(WAIT, () -> {
                    sends.add(producer.send(new ProducerRecord<>(topic, 0, null, bytes("r" + sends.size()))));
                    return !zkIsr(topic, 0).contains(f);
                }, () -> "broker " + f + " (SIGSTOPped) leaves the ISR; now " + zkStateQuietly(topic, 0));
                System.out.printf("FAILOVER-TIMES: SIGSTOPped follower %d left the ISR of %s-0 after %d ms "
                        + "(replica.lag.time.max.ms=%s)%n", f, topic, millisSince(t0), LAG_MS);
                for (int i = 0; i < 5; i++) {
                    sends.add(producer.send(new ProducerRecord<>(topic, 0, null, bytes("r" + sends.size()))));
                }
                for (java.util.concurrent.Future<RecordMetadata> s : sends) {
                    s.get(150, TimeUnit.SECONDS);
                }
            } finally {
                resume(paused);
            }
        }
        long t1 = System.nanoTime();
        awaitIsr(topic, 0, Set.of(0, 1, 2));
        System.out.printf("FAILOVER-TIMES: SIGCONTed follower %d back in the ISR of %s-0 after %d ms%n", f, topic,
                millisSince(t1));
        assertTrue(paused.isAlive(), "the paused broker is still running after SIGCONT");
        Map<Integer, List<String>> content = readAll(topic, 1, allBootstrap());
        assertEquals(sends.size(), content.get(0).size(), "every acknowledged record is in the log once");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. A leader paused past its ZooKeeper session timeout (a zombie)
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The leader of every partition of a topic is SIGSTOPped until the controller has moved leadership away (its
     * ZooKeeper session expired), then SIGCONTed while an acks=all stream goes on. It must notice that its session
     * expired, register again, follow the new leaders and truncate whatever it had appended but never committed:
     * afterwards no acknowledged record is lost and, led by it again, the topic reads the same as before.
     */
    @Test
    void leaderPausedPastSessionTimeoutRejoinsAsFollowerWithoutDiverging() throws Exception {
        String topic = "zombie-leader";
        int partitions = 2;
        // Broker 0 is the first replica (preferred leader) of both partitions.
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1, 2), 1, List.of(0, 2, 1)))
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        for (int p = 0; p < partitions; p++) {
            awaitIsr(topic, p, Set.of(0, 1, 2));
            awaitPartition(topic, p, "is led by 0", i -> i.leader() != null && i.leader().id() == 0);
        }
        BrokerProcess zombie = brokers.get(0);
        Map<Integer, List<String>> firstRead;
        try (NumberedStream stream = NumberedStream.start(topic, partitions, allBootstrap(), "zombie-stream")) {
            stream.awaitMoreAcks(200, WAIT);
            signal(zombie, "STOP");
            long t0 = System.nanoTime();
            try {
                for (int p = 0; p < partitions; p++) {
                    int partition = p;
                    Await.until(WAIT, () -> {
                        int leader = zkLeader(topic, partition);
                        return leader >= 0 && leader != 0;
                    }, () -> topic + "-" + partition + " has a leader other than the paused 0; now "
                            + zkStateQuietly(topic, partition));
                }
                System.out.printf("FAILOVER-TIMES: leader 0 SIGSTOPped: every partition of %s had a new leader after "
                        + "%d ms (zookeeper.session.timeout.ms=6000)%n", topic, millisSince(t0));
                stream.awaitMoreAcks(200, WAIT);
            } finally {
                resume(zombie);
            }
            long t1 = System.nanoTime();
            Await.until(WAIT, () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size() == BROKERS,
                    () -> "the resumed broker 0 registers again");
            for (int p = 0; p < partitions; p++) {
                awaitIsr(topic, p, Set.of(0, 1, 2));
            }
            System.out.printf("FAILOVER-TIMES: SIGCONTed former leader 0 back in every ISR of %s after %d ms%n", topic,
                    millisSince(t1));
            assertTrue(zombie.isAlive(), "the resumed broker kept running: it re-registered instead of exiting");
            stream.awaitMoreAcks(200, WAIT);
            firstRead = stream.stopAndVerify(allBootstrap());
        }
        // Broker 0 leads again (preferred-leader election) and serves exactly what the others served.
        Set<TopicPartition> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        admin.electLeaders(ElectionType.PREFERRED, all).partitions().get(30, TimeUnit.SECONDS).forEach((tp, error) ->
                assertTrue(error.isEmpty() || error.get() instanceof ElectionNotNeededException,
                        () -> "preferred election of " + tp + ": " + error));
        for (int p = 0; p < partitions; p++) {
            awaitPartition(topic, p, "is led by 0 again", i -> i.leader() != null && i.leader().id() == 0);
        }
        Map<Integer, List<String>> fromZombie = readAll(topic, partitions, zombie.bootstrapServers());
        for (int p = 0; p < partitions; p++) {
            assertEquals(firstRead.get(p), fromZombie.get(p), () -> "the former zombie's replica of " + topic
                    + " equals what the new leaders served");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    /** Starts the given (stopped) brokers at the same time, and waits until each answers. */
    private static void startInParallel(List<Integer> ids) throws Exception {
        List<java.util.concurrent.CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id : ids) {
            starts.add(java.util.concurrent.CompletableFuture.runAsync(() -> brokers.get(id).start()));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(starts.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(2 * BrokerProcess.DEFAULT_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The ISR of a partition as its state znode has it. */
    private static Set<Integer> zkIsr(String topic, int partition) throws Exception {
        String json = new String(zkClient.getData().forPath(partitionStatePath(topic, partition)),
                StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"isr\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(), () -> "an ISR in " + json);
        Set<Integer> isr = new HashSet<>();
        for (String id : m.group(1).split(",")) {
            if (!id.isBlank()) {
                isr.add(Integer.parseInt(id.trim()));
            }
        }
        return isr;
    }

    /** The leader of a partition as its state znode has it (-1: none). */
    private static int zkLeader(String topic, int partition) throws Exception {
        String json = new String(zkClient.getData().forPath(partitionStatePath(topic, partition)),
                StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"leader\"\\s*:\\s*(-?\\d+)").matcher(json);
        assertTrue(m.find(), () -> "a leader in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static String zkStateQuietly(String topic, int partition) {
        try {
            return new String(zkClient.getData().forPath(partitionStatePath(topic, partition)), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(reading the state znode failed: " + e + ")";
        }
    }

    private static String partitionStatePath(String topic, int partition) {
        return "/brokers/topics/" + topic + "/partitions/" + partition + "/state";
    }

    private static String allBootstrap() {
        return brokers.stream().map(BrokerProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    private static TopicPartitionInfo describe(String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        return d.partitions().get(partition);
    }

    private static String describeQuietly(String topic, int partition) {
        try {
            return describe(topic, partition).toString();
        } catch (Exception e) {
            return "(describeTopics failed: " + e + ")";
        }
    }

    private static int controllerId() throws Exception {
        Node c = admin.describeCluster().controller().get(30, TimeUnit.SECONDS);
        return c == null || c.isEmpty() ? -1 : c.id();
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toSet());
    }

    private static void awaitPartition(String topic, int partition, String what,
                                       java.util.function.Predicate<TopicPartitionInfo> condition) {
        Await.until(WAIT, () -> condition.test(describe(topic, partition)),
                () -> topic + "-" + partition + " " + what + "; now " + describeQuietly(topic, partition));
    }

    private static void awaitIsr(String topic, int partition, Set<Integer> isr) {
        awaitPartition(topic, partition, "has the ISR " + isr, p -> ids(p.isr()).equals(isr) && p.leader() != null
                && !p.leader().isEmpty() && isr.contains(p.leader().id()));
    }

    private static Map<Integer, List<String>> readAll(String topic, int partitions, String bootstrap) {
        return NumberedStream.readAll(topic, partitions, bootstrap);
    }

    private static long endOffset(String bootstrap, TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            return consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    private static String firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "index " + i + ": " + a.get(i) + " vs " + b.get(i);
            }
        }
        return "lengths " + a.size() + " vs " + b.size();
    }

    /** kill -STOP / -CONT of the broker's own PID (the harness's process, never a name). */
    private static void signal(BrokerProcess broker, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(broker.pid()))
                .redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + signal + " finishes");
        assertEquals(0, kill.exitValue(), () -> "kill -" + signal + " " + broker.pid() + " succeeds");
    }

    private static void resume(BrokerProcess broker) {
        if (broker.isAlive()) {
            try {
                signal(broker, "CONT");
            } catch (Exception | AssertionError e) {
                System.out.println("systest: SIGCONT of " + broker + " failed: " + e);
            }
        }
    }

    private static boolean causeChainHas(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable t) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            parts.add(c.toString());
        }
        return String.join(" <- ", parts);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}

package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.systest.tools.GroupConsumerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6 (consumer groups), with real processes: one ZooKeeper and three brokers ({@code __consumer_offsets} with 6
 * partitions, RF 3), driven by kafka-clients consumers using the classic group protocol.
 * <ul>
 *   <li>For each assignor (range, round-robin, sticky, cooperative-sticky) three members share a 6-partition topic
 *       while members join and leave gracefully and a producer keeps writing: every record is consumed exactly once
 *       (commitSync after processing, and in onPartitionsRevoked), and no partition ever has two owners (ownership
 *       is tracked through the rebalance callbacks in one shared map).</li>
 *   <li>A consumer process is SIGKILLed: its partitions go to the others after session.timeout.ms, which continue
 *       from its last committed offsets (no gap; duplicates only after its last commit).</li>
 *   <li>The coordinator broker is SIGKILLed: the group and its committed offsets survive on the new leader of its
 *       {@code __consumer_offsets} partition, and consumption resumes without a gap.</li>
 *   <li>Two groups read one topic independently; the fourth member of a group on a 3-partition topic is idle and
 *       takes a partition over when another member leaves.</li>
 *   <li>The Admin client: list and describe groups, list offsets, alter them (earliest, latest, by timestamp,
 *       explicit), delete a group (refused while it has members); the offsets of a deleted topic disappear.</li>
 * </ul>
 * The rebalance and kill tests run in the kafka-clients 4.1.1 execution only (they are long, and the group
 * protocol does not depend on the client version); the admin and idle-member tests run in both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SuppressWarnings({"deprecation", "removal"}) // group APIs present in both kafka-clients 3.9 and 4.1
class ConsumerGroupsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BROKERS = 3;
    private static final int SESSION_MS = 6_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static final List<BrokerProcess> brokers = new ArrayList<>();
    static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        long startNs = System.nanoTime();
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        String chroot = ZooKeeperProcess.uniqueChroot(ConsumerGroupsIT.class);
        // The brokers start at the same time (each start takes seconds, mostly JVM and ZooKeeper session set-up).
        List<CompletableFuture<BrokerProcess>> starts = new ArrayList<>();
        for (int id = 0; id < BROKERS; id++) {
            int brokerId = id;
            starts.add(CompletableFuture.supplyAsync(() -> BrokerProcess.builder(zk, workDir.resolve("broker-" + brokerId))
                    .brokerId(brokerId)
                    .chroot(chroot)
                    .property("offsets.topic.num.partitions", "6")
                    .property("offsets.topic.replication.factor", "3")
                    .property("group.initial.rebalance.delay.ms", "0")
                    .property("auto.leader.rebalance.enable", "false")
                    .property("zookeeper.session.timeout.ms", "6000")
                    .start()));
        }
        Throwable failure = null;
        for (CompletableFuture<BrokerProcess> start : starts) {
            try {
                brokers.add(start.get(2 * BrokerProcess.DEFAULT_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure != null) {
            throw new IllegalStateException("a broker did not start", failure);   // @AfterAll stops the others
        }
        admin = KafkaClients.admin(allBootstrap());
        System.out.printf("systest: ZooKeeper and %d brokers started in %d ms%n", BROKERS,
                (System.nanoTime() - startNs) / 1_000_000);
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            try {
                for (BrokerProcess b : brokers) {
                    long stopNs = System.nanoTime();
                    b.close();
                    System.out.printf("systest: %s stopped in %d ms%n", b, (System.nanoTime() - stopNs) / 1_000_000);
                }
            } finally {
                if (zk != null) {
                    zk.close();
                }
            }
        }
    }

    private static void requireKafka41() {
        Assumptions.assumeTrue("4.1.1".equals(System.getProperty("sluice.expected.kafka.clients.version")),
                "runs only in the kafka-clients 4.1.1 execution");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Assignors: exactly once, never two owners, while members join and leave
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RangeAssignor", "RoundRobinAssignor", "StickyAssignor", "CooperativeStickyAssignor"})
    @Order(1)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyRecordIsConsumedOnceAndNoPartitionHasTwoOwners(String assignor) throws Exception {
        requireKafka41();
        String topic = "assign-" + assignor;
        String group = "group-" + assignor;
        createTopic(topic, 6, 1);
        Ledger ledger = new Ledger();
        Map<String, Object> config = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer." + assignor);
        try (BackgroundProducer producer = new BackgroundProducer(topic, 6)) {
            Member m1 = new Member("m1", group, topic, config, ledger);
            List<Member> all = new ArrayList<>(List.of(m1));
            try {
                awaitOwners(ledger, topic, 6, List.of(m1));
                Member m2 = new Member("m2", group, topic, config, ledger);
                all.add(m2);
                awaitOwners(ledger, topic, 6, List.of(m1, m2));
                Member m3 = new Member("m3", group, topic, config, ledger);
                all.add(m3);
                awaitOwners(ledger, topic, 6, List.of(m1, m2, m3));
                awaitProgress(ledger, 200);
                m1.close();
                awaitOwners(ledger, topic, 6, List.of(m2, m3));
                Member m4 = new Member("m4", group, topic, config, ledger);
                all.add(m4);
                awaitOwners(ledger, topic, 6, List.of(m2, m3, m4));
                awaitProgress(ledger, 200);
                m2.close();
                awaitOwners(ledger, topic, 6, List.of(m3, m4));
                Map<TopicPartition, Long> ends = producer.stop();
                awaitAllConsumed(ledger, ends);
            } finally {
                all.forEach(Member::close);
            }
            Map<TopicPartition, Long> ends = producer.stop();
            assertTrue(ledger.violations.isEmpty(), () -> "ownership violations: " + first(ledger.violations));
            ledger.assertExactlyOnce(ends);
            System.out.printf("GROUPS: %s: %d records consumed exactly once by 4 members; commit failures: %s%n",
                    assignor, ends.values().stream().mapToLong(Long::longValue).sum(), first(ledger.commitFailures));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. A consumer process SIGKILLed
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aKilledConsumersPartitionsMoveOnFromItsLastCommit() throws Exception {
        requireKafka41();
        String topic = "kill-consumer";
        String group = "kill-consumer-group";
        createTopic(topic, 6, 1);
        Ledger ledger = new Ledger();
        Map<String, Object> config = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.RangeAssignor");
        Path output = workDir.resolve("killed-consumer.out");
        Path console = workDir.resolve("killed-consumer.console");
        try (BackgroundProducer producer = new BackgroundProducer(topic, 6)) {
            Process external = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), GroupConsumerMain.class.getName(),
                    allBootstrap(), group, topic, output.toString(), Integer.toString(SESSION_MS), "external")
                    .redirectErrorStream(true).redirectOutput(console.toFile()).start();
            List<Member> members = new ArrayList<>();
            try {
                Await.until(WAIT, () -> ExternalLog.read(output).commits.size() >= 6,
                        () -> "the external consumer commits; its console: " + ManagedProcess.tail(console, 20));
                members.add(new Member("m1", group, topic, config, ledger));
                members.add(new Member("m2", group, topic, config, ledger));
                // Three members: each owns two partitions, and the external one has committed on its new ones.
                Await.until(WAIT, () -> {
                    ExternalLog log = ExternalLog.read(output);
                    return members.get(0).owned.size() == 2 && members.get(1).owned.size() == 2
                            && log.owned.size() == 2 && log.committedSinceLastAssignment;
                }, () -> "three members own two partitions each; external: " + ExternalLog.read(output).owned
                        + ", m1 " + members.get(0).owned + ", m2 " + members.get(1).owned);
                external.destroyForcibly();                 // SIGKILL of the process this test started
                assertTrue(external.waitFor(30, TimeUnit.SECONDS), "the killed consumer is gone");
                ExternalLog killed = ExternalLog.read(output);
                long killedAt = System.nanoTime();
                awaitOwners(ledger, topic, 6, members);
                System.out.printf("GROUPS: the killed consumer's partitions %s moved after %d ms%n", killed.owned,
                        (System.nanoTime() - killedAt) / 1_000_000);
                Map<TopicPartition, Long> ends = producer.stop();
                Await.until(WAIT, () -> missing(ledger, killed, ends).isEmpty(),
                        () -> "every record is consumed; missing " + first(missing(ledger, killed, ends)));

                // No gap: every record was consumed by someone. Duplicates only on the killed member's partitions,
                // from its last commit on; the new owner started at that commit (or later, if a commit is
                // missing from the output because the kill came between the commit and its line).
                assertTrue(ledger.violations.isEmpty(), () -> "ownership violations: " + first(ledger.violations));
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    int p = e.getKey().partition();
                    Map<Long, Integer> counts = ledger.counts(e.getKey());
                    Set<Long> byKilled = killed.records.getOrDefault(p, Set.of());
                    long lastCommit = killed.commits.getOrDefault(p, 0L);
                    for (long o = 0; o < e.getValue(); o++) {
                        int total = counts.getOrDefault(o, 0) + (byKilled.contains(o) ? 1 : 0);
                        long offset = o;
                        if (killed.owned.contains(p) && o >= lastCommit) {
                            assertTrue(total == 1 || total == 2, () -> e.getKey() + "@" + offset
                                    + " after the killed member's last commit " + lastCommit + " consumed " + total
                                    + " times");
                        } else {
                            assertEquals(1, total, () -> e.getKey() + "@" + offset + " consumed " + total
                                    + " times (killed member's last commit there: " + lastCommit + ")");
                        }
                    }
                    if (killed.owned.contains(p)) {
                        long firstAfter = ledger.counts(e.getKey()).keySet().stream().mapToLong(Long::longValue)
                                .filter(o -> o >= lastCommit).min().orElse(e.getValue());
                        long killedEnd = byKilled.stream().mapToLong(Long::longValue).max().orElse(-1) + 1;
                        assertTrue(firstAfter >= lastCommit && firstAfter <= Math.max(lastCommit, killedEnd),
                                () -> "the new owner of " + e.getKey() + " starts at " + firstAfter
                                        + ", from the killed member's last commit " + lastCommit
                                        + " (it had consumed up to " + killedEnd + ")");
                    }
                }
                System.out.printf("GROUPS: after the kill, duplicates only after the last commits %s%n",
                        killed.commits);
            } finally {
                members.forEach(Member::close);
                if (external.isAlive()) {
                    external.destroyForcibly();
                    external.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static List<String> missing(Ledger ledger, ExternalLog killed, Map<TopicPartition, Long> ends) {
        List<String> missing = new ArrayList<>();
        ends.forEach((tp, end) -> {
            Map<Long, Integer> counts = ledger.counts(tp);
            Set<Long> byKilled = killed.records.getOrDefault(tp.partition(), Set.of());
            for (long o = 0; o < end; o++) {
                if (!counts.containsKey(o) && !byKilled.contains(o)) {
                    missing.add(tp + "@" + o);
                }
            }
        });
        return missing;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Two groups, and an idle fourth member
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void twoGroupsReadIndependentlyAndAnIdleMemberTakesOver() throws Exception {
        String topic = "shared";
        createTopic(topic, 3, 1);
        produce(topic, 3, 300);
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        List<Member> all = new ArrayList<>();
        try {
            Member a1 = new Member("a1", "group-a", topic, Map.of(), a);
            all.add(a1);
            List<Member> groupB = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                groupB.add(new Member("b" + i, "group-b", topic, Map.of(), b));
            }
            all.addAll(groupB);
            awaitOwners(b, topic, 3, groupB);
            Member b4 = new Member("b4", "group-b", topic, Map.of(), b);
            all.add(b4);
            groupB.add(b4);
            Await.until(WAIT, () -> describe("group-b").members().size() == 4
                            && describe("group-b").state() == ConsumerGroupState.STABLE
                            && groupB.stream().filter(m -> m.owned.isEmpty()).count() == 1
                            && groupB.stream().mapToInt(m -> m.owned.size()).sum() == 3,
                    () -> "group-b is stable with four members, one of them idle; " + owners(groupB));
            Member idle = groupB.stream().filter(m -> m.owned.isEmpty()).findFirst().orElseThrow();
            ConsumerGroupDescription described = describe("group-b");
            assertEquals(1, described.members().stream().filter(m -> m.assignment().topicPartitions().isEmpty())
                    .count(), () -> "one member has an empty assignment: " + described);
            Map<TopicPartition, Long> ends = endOffsets(topic, 3);
            awaitAllConsumed(a, ends);
            awaitAllConsumed(b, ends);

            Member leaving = groupB.stream().filter(m -> !m.owned.isEmpty()).findFirst().orElseThrow();
            leaving.close();
            groupB.remove(leaving);
            awaitOwners(b, topic, 3, groupB);
            assertEquals(1, idle.owned.size(), () -> idle.name + " took a partition over: " + owners(groupB));
            produce(topic, 3, 300);
            Map<TopicPartition, Long> ends2 = endOffsets(topic, 3);
            awaitAllConsumed(a, ends2);
            awaitAllConsumed(b, ends2);
            TopicPartition takenOver = idle.owned.iterator().next();
            assertTrue(idle.consumed.get() > 0, () -> idle.name + " consumed records of " + takenOver);
            assertTrue(a.violations.isEmpty() && b.violations.isEmpty(),
                    () -> "ownership violations: " + first(a.violations) + first(b.violations));
        } finally {
            all.forEach(Member::close);
        }
        Map<TopicPartition, Long> ends = endOffsets(topic, 3);
        a.assertExactlyOnce(ends);
        b.assertExactlyOnce(ends);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. The Admin client
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void adminListsDescribesAltersAndDeletesGroups() throws Exception {
        String topic = "admin-topic";
        String group = "admin-group";
        createTopic(topic, 2, 1);
        long t0 = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(allBootstrap(), Map.of())) {
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, p, t0 + i * 1_000L, null, bytes("r" + i))).get();
                }
            }
        }
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Ledger ledger = new Ledger();
        Member member = new Member("admin-member", group, topic, Map.of(), ledger);
        try {
            awaitAllConsumed(ledger, Map.of(p0, 10L, p1, 10L));
            Await.until(WAIT, () -> committed(group).equals(Map.of(p0, 10L, p1, 10L)),
                    () -> "the member committed everything; committed " + committedQuietly(group));

            Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS);
            assertTrue(listed.stream().anyMatch(l -> l.groupId().equals(group) && !l.isSimpleConsumerGroup()),
                    () -> "listed: " + listed);
            ConsumerGroupDescription d = describe(group);
            assertEquals(ConsumerGroupState.STABLE, d.state());
            assertEquals("range", d.partitionAssignor());
            assertEquals(1, d.members().size());
            MemberDescription m = d.members().iterator().next();
            assertEquals("admin-member", m.clientId());
            assertEquals(Set.of(p0, p1), m.assignment().topicPartitions());
            Node coordinator = d.coordinator();
            assertTrue(coordinator != null && coordinator.id() >= 0 && coordinator.id() < BROKERS, "a coordinator");

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS));
            assertInstanceOf(GroupNotEmptyException.class, refused.getCause());
        } finally {
            member.close();
        }
        Await.until(WAIT, () -> describe(group).state() == ConsumerGroupState.EMPTY, () -> "the group is empty");

        // earliest, latest, by timestamp, explicit
        alter(group, Map.of(p0, offsetFor(p0, OffsetSpec.earliest()), p1, offsetFor(p1, OffsetSpec.earliest())));
        assertEquals(Map.of(p0, 0L, p1, 0L), committed(group));
        alter(group, Map.of(p0, offsetFor(p0, OffsetSpec.latest()), p1, offsetFor(p1, OffsetSpec.latest())));
        assertEquals(Map.of(p0, 10L, p1, 10L), committed(group));
        alter(group, Map.of(p0, offsetFor(p0, OffsetSpec.forTimestamp(t0 + 4_500)),
                p1, offsetFor(p1, OffsetSpec.forTimestamp(t0 + 7_000))));
        assertEquals(Map.of(p0, 5L, p1, 7L), committed(group));
        admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3, "explicit"),
                p1, new OffsetAndMetadata(8))).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> explicit = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertEquals(3, explicit.get(p0).offset());
        assertEquals("explicit", explicit.get(p0).metadata());
        assertEquals(8, explicit.get(p1).offset());

        // A member of the group starts from the altered offsets.
        Ledger again = new Ledger();
        Member restarted = new Member("admin-member-2", group, topic, Map.of(), again);
        try {
            awaitAllConsumed(again, Map.of(p0, 10L, p1, 10L), Map.of(p0, 3L, p1, 8L));
            assertEquals(Set.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), again.counts(p0).keySet());
            assertEquals(Set.of(8L, 9L), again.counts(p1).keySet());
        } finally {
            restarted.close();
        }

        // The offsets of a deleted topic disappear from the group.
        String doomed = "admin-doomed";
        createTopic(doomed, 1, 1);
        TopicPartition d0 = new TopicPartition(doomed, 0);
        admin.alterConsumerGroupOffsets(group, Map.of(d0, new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        assertTrue(committed(group).containsKey(d0));
        admin.deleteTopics(List.of(doomed)).all().get(30, TimeUnit.SECONDS);
        Await.until(WAIT, () -> !committed(group).containsKey(d0),
                () -> "the offsets of the deleted topic are gone; committed " + committedQuietly(group));
        assertEquals(Set.of(p0, p1), committed(group).keySet());

        Await.until(WAIT, () -> {
            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
            return true;
        }, () -> "the empty group can be deleted");
        assertTrue(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                .noneMatch(l -> l.groupId().equals(group)), "the group is no longer listed");
        assertEquals(Map.of(), committed(group), "no offsets left");
        assertEquals(ConsumerGroupState.DEAD, describe(group).state());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. The coordinator broker SIGKILLed
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void groupsAndOffsetsSurviveTheCoordinatorsDeath() throws Exception {
        requireKafka41();
        String topic = "coordinator-kill";
        String group = "coordinator-kill-group";
        createTopic(topic, 3, 3);
        Ledger ledger = new Ledger();
        AtomicReference<BrokerProcess> killedBroker = new AtomicReference<>();
        try (BackgroundProducer producer = new BackgroundProducer(topic, 3)) {
            List<Member> members = new ArrayList<>();
            try {
                members.add(new Member("k1", group, topic, Map.of(), ledger));
                members.add(new Member("k2", group, topic, Map.of(), ledger));
                awaitOwners(ledger, topic, 3, members);
                awaitProgress(ledger, 300);
                int killed = describe(group).coordinator().id();
                Map<TopicPartition, Long> before = committed(group);
                assertEquals(3, before.size(), () -> "offsets committed before the kill: " + before);
                long consumedBefore = ledger.total.get();
                long killedAt = System.nanoTime();
                killedBroker.set(brokers.get(killed));
                brokers.get(killed).kill();
                Await.until(WAIT, () -> ledger.lastCommitNanos.get() - killedAt > 0, () -> "commits resume");
                long firstCommitMs = (ledger.lastCommitNanos.get() - killedAt) / 1_000_000;
                Await.until(WAIT, () -> ledger.total.get() > consumedBefore + 300,
                        () -> "consumption resumes; consumed " + ledger.total.get() + " (before the kill "
                                + consumedBefore + ")");
                Await.until(WAIT, () -> {
                    ConsumerGroupDescription d = describe(group);
                    return d.coordinator().id() != killed && d.state() == ConsumerGroupState.STABLE;
                }, () -> "a new coordinator answers for the stable group; now " + describeQuietly(group));
                long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
                Map<TopicPartition, Long> after = committed(group);
                before.forEach((tp, offset) -> assertTrue(after.getOrDefault(tp, -1L) >= offset,
                        () -> tp + ": committed " + offset + " before the kill, now " + after.get(tp)));
                assertEquals(2, describe(group).members().size(), "both members are still in the group");
                Map<TopicPartition, Long> ends = producer.stop();
                awaitAllConsumed(ledger, ends);
                System.out.printf("GROUPS: coordinator %d SIGKILLed; commits resumed within %d ms, describe showed"
                        + " the stable group on %d after %d ms; %d records consumed, none missing; commit failures:"
                        + " %s%n", killed, firstCommitMs, describe(group).coordinator().id(), movedMs,
                        ends.values().stream().mapToLong(Long::longValue).sum(), first(ledger.commitFailures));
            } finally {
                members.forEach(Member::close);
            }
        } finally {
            if (killedBroker.get() != null) {
                killedBroker.get().start();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Group members, in this JVM
    // ---------------------------------------------------------------------------------------------------------

    /** What the members of one group did: records consumed per partition and offset, and owners per partition. */
    static final class Ledger {
        final Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
        final Map<TopicPartition, Map<Long, Integer>> consumed = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> commitFailures = new ConcurrentLinkedQueue<>();
        final AtomicLong total = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong lastCommitNanos = new AtomicLong();

        void assigned(String member, Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                String previous = owners.putIfAbsent(tp, member);
                if (previous != null && !previous.equals(member)) {
                    violations.add(tp + " assigned to " + member + " while " + previous + " owns it");
                }
            }
        }

        void released(String member, Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                owners.remove(tp, member);
            }
        }

        void record(String member, ConsumerRecord<byte[], byte[]> r) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            String owner = owners.get(tp);
            if (!member.equals(owner)) {
                violations.add(member + " consumed " + tp + "@" + r.offset() + " while " + owner + " owns it");
            }
            consumed.computeIfAbsent(tp, k -> new ConcurrentHashMap<>()).merge(r.offset(), 1, Integer::sum);
            total.incrementAndGet();
        }

        Map<Long, Integer> counts(TopicPartition tp) {
            return consumed.getOrDefault(tp, Map.of());
        }

        void assertExactlyOnce(Map<TopicPartition, Long> ends) {
            List<String> wrong = new ArrayList<>();
            ends.forEach((tp, end) -> {
                Map<Long, Integer> counts = counts(tp);
                for (long o = 0; o < end; o++) {
                    int n = counts.getOrDefault(o, 0);
                    if (n != 1) {
                        wrong.add(tp + "@" + o + " x" + n);
                    }
                }
                counts.keySet().stream().filter(o -> o >= end).forEach(o -> wrong.add(tp + "@" + o + " beyond the end"));
            });
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " records not consumed exactly once, e.g. "
                    + wrong.stream().limit(10).toList() + "; commit failures: " + first(commitFailures));
        }
    }

    /**
     * A group member on a thread of its own: polls, records each record in the ledger, commits the batch with
     * commitSync, and commits what it processed when partitions are revoked. {@link #close} leaves the group
     * gracefully (KafkaConsumer.close).
     */
    static final class Member implements AutoCloseable {
        final String name;
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final AtomicLong consumed = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        private final Thread thread;

        Member(String name, String group, String topic, Map<String, Object> overrides, Ledger ledger) {
            this.name = name;
            Map<String, Object> config = new HashMap<>(Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.CLIENT_ID_CONFIG, name,
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_MS,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50));
            config.putAll(overrides);
            this.thread = new Thread(() -> run(config, topic, ledger), "member-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void run(Map<String, Object> config, String topic, Ledger ledger) {
            Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(allBootstrap(), config)) {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        commit(consumer, processed, ledger);
                        owned.removeAll(partitions);
                        ledger.released(name, partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        ledger.assigned(name, partitions);
                        owned.addAll(partitions);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        processed.keySet().removeAll(partitions);
                        owned.removeAll(partitions);
                        ledger.released(name, partitions);
                    }
                });
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        ledger.record(name, r);
                        consumed.incrementAndGet();
                        processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    commit(consumer, processed, ledger);
                }
                consumer.close(Duration.ofSeconds(30));
            } catch (Throwable t) {
                error.set(t);
            }
        }

        private void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> processed,
                            Ledger ledger) {
            if (processed.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(processed);
                ledger.commits.incrementAndGet();
                ledger.lastCommitNanos.set(System.nanoTime());
            } catch (RebalanceInProgressException e) {
                // A cooperative member keeps consuming during a rebalance but cannot commit: commit these offsets
                // after the next poll, or in onPartitionsRevoked if the partitions move.
                ledger.commitFailures.add(name + ": " + e.getClass().getSimpleName() + " (retried)");
                return;
            } catch (RuntimeException e) {
                ledger.commitFailures.add(name + ": " + e);
            }
            processed.clear();
        }

        /** Leaves the group (idempotent) and fails if the member's thread failed. */
        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertFalse(thread.isAlive(), name + " left the group within 60 s");
            Throwable t = error.get();
            if (t != null) {
                throw new AssertionError(name + " failed", t);
            }
        }

        @Override
        public String toString() {
            return name + owned;
        }
    }

    /** The output file of a {@link GroupConsumerMain} process, parsed. */
    record ExternalLog(Map<Integer, Set<Long>> records, Map<Integer, Long> commits, Set<Integer> owned,
                       boolean committedSinceLastAssignment) {
        static ExternalLog read(Path file) {
            Map<Integer, Set<Long>> records = new HashMap<>();
            Map<Integer, Long> commits = new TreeMap<>();
            Set<Integer> owned = new TreeSet<>();
            boolean committedSince = false;
            if (!Files.exists(file)) {
                return new ExternalLog(records, commits, owned, false);
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            int end = text.lastIndexOf('\n');
            for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "R" -> records.computeIfAbsent(Integer.parseInt(f[1]), k -> new HashSet<>())
                            .add(Long.parseLong(f[2]));
                    case "C" -> {
                        commits.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        committedSince = true;
                    }
                    case "A" -> {
                        owned.addAll(partitions(f));
                        committedSince = false;
                    }
                    case "V" -> owned.removeAll(partitions(f));
                    default -> { }
                }
            }
            return new ExternalLog(records, commits, owned, committedSince);
        }

        private static Set<Integer> partitions(String[] fields) {
            if (fields.length < 2 || fields[1].isEmpty()) {
                return Set.of();
            }
            return java.util.Arrays.stream(fields[1].split(",")).map(Integer::parseInt).collect(Collectors.toSet());
        }
    }

    /** An idempotent acks=all producer writing numbered records round-robin over the partitions, paced. */
    static final class BackgroundProducer implements AutoCloseable {
        private final String topic;
        private final int partitions;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private Map<TopicPartition, Long> ends;

        BackgroundProducer(String topic, int partitions) {
            this.topic = topic;
            this.partitions = partitions;
            this.producer = KafkaClients.producer(allBootstrap(), Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG, "groups-producer",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
            this.thread = new Thread(this::run, "groups-producer");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            long n = 0;
            while (!stop.get()) {
                int p = (int) (n % partitions);
                byte[] value = bytes(Long.toString(n));
                producer.send(new ProducerRecord<>(topic, p, null, value), (md, e) -> {
                    if (e != null) {
                        failures.add(e.toString());
                    }
                });
                n++;
                if (n % 10 == 0) {
                    // Pacing, not waiting for a condition: about 400 records a second.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
                }
            }
        }

        /** Stops, waits for every send to be answered, and returns the end offset of each partition. */
        synchronized Map<TopicPartition, Long> stop() throws Exception {
            if (ends == null) {
                stop.set(true);
                thread.join(TimeUnit.SECONDS.toMillis(30));
                producer.flush();
                assertTrue(failures.isEmpty(), () -> "failed sends: " + first(failures));
                ends = endOffsets(topic, partitions);
            }
            return ends;
        }

        @Override
        public void close() {
            stop.set(true);
            producer.close(Duration.ofSeconds(30));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    private static String allBootstrap() {
        return brokers.stream().map(BrokerProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    private static void createTopic(String topic, int partitions, int replicationFactor) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicationFactor)))
                .all().get(30, TimeUnit.SECONDS);
        Await.until(WAIT, () -> admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                        && p.isr().size() == replicationFactor), () -> topic + " has leaders and full ISRs");
    }

    private static void produce(String topic, int partitions, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(allBootstrap(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, bytes("v" + i)));
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
        List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(allBootstrap(), Map.of())) {
            Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
            ends.putAll(consumer.endOffsets(tps, Duration.ofSeconds(30)));
            return ends;
        }
    }

    /** Waits until the members together own all partitions, each at least one (if there are enough). */
    private static void awaitOwners(Ledger ledger, String topic, int partitions, List<Member> members) {
        Set<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toSet());
        Await.until(WAIT, () -> {
            Set<TopicPartition> union = new HashSet<>();
            int sum = 0;
            for (Member m : members) {
                Set<TopicPartition> owned = Set.copyOf(m.owned);
                if (owned.isEmpty() && members.size() <= partitions) {
                    return false;
                }
                union.addAll(owned);
                sum += owned.size();
            }
            return union.equals(all) && sum == partitions
                    && ledger.owners.keySet().containsAll(all) && ledger.owners.size() == partitions;
        }, () -> "the members " + members.stream().map(m -> m.name).toList() + " own every partition of " + topic
                + "; now " + owners(members) + "; violations " + first(ledger.violations));
    }

    private static String owners(List<Member> members) {
        return members.stream().map(Member::toString).collect(Collectors.joining(", "));
    }

    private static void awaitProgress(Ledger ledger, long records) {
        long target = ledger.total.get() + records;
        Await.until(WAIT, () -> ledger.total.get() >= target,
                () -> "the members consume " + records + " more records (at " + ledger.total.get() + ")");
    }

    private static void awaitAllConsumed(Ledger ledger, Map<TopicPartition, Long> ends) {
        awaitAllConsumed(ledger, ends, Map.of());
    }

    /** Waits until every offset from {@code starts} (default 0) up to the end of each partition was consumed. */
    private static void awaitAllConsumed(Ledger ledger, Map<TopicPartition, Long> ends, Map<TopicPartition, Long> starts) {
        Await.until(WAIT, () -> ends.entrySet().stream().allMatch(e -> {
            Map<Long, Integer> counts = ledger.counts(e.getKey());
            for (long o = starts.getOrDefault(e.getKey(), 0L); o < e.getValue(); o++) {
                if (!counts.containsKey(o)) {
                    return false;
                }
            }
            return true;
        }), () -> "every record up to " + ends + " is consumed; consumed per partition "
                + ledger.consumed.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(),
                        e -> e.getValue().size())));
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
    }

    private static String describeQuietly(String group) {
        try {
            return describe(group).toString();
        } catch (Exception e) {
            return "(describeConsumerGroups failed: " + e + ")";
        }
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, o) -> {
                    if (o != null) {
                        result.put(tp, o.offset());
                    }
                });
        return result;
    }

    private static String committedQuietly(String group) {
        try {
            return committed(group).toString();
        } catch (Exception e) {
            return "(listConsumerGroupOffsets failed: " + e + ")";
        }
    }

    private static OffsetAndMetadata offsetFor(TopicPartition tp, OffsetSpec spec) throws Exception {
        return new OffsetAndMetadata(admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                .offset());
    }

    private static void alter(String group, Map<TopicPartition, OffsetAndMetadata> offsets) throws Exception {
        admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }

    private static String first(Collection<String> items) {
        return items.stream().limit(5).toList().toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

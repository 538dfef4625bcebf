package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers as processes (broker 0 the controller); the Kafka Admin client (3.9 and 4.1) drives the
 * controller's partition operations: a SIGTERM'd broker hands its leaderships over first (controlled shutdown),
 * ElectLeaders moves leadership back to the preferred replica, AlterPartitionReassignments /
 * ListPartitionReassignments move a partition to other brokers without losing acknowledged records — also while an
 * acks=all producer streams to the partitions being moved.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PartitionAdminIT {
    private static final String TOPIC = "partition-admin";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static final List<BrokerProcess> brokers = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        String chroot = ZooKeeperProcess.uniqueChroot(PartitionAdminIT.class);
        for (int id = 0; id < 3; id++) {
            brokers.add(BrokerProcess.builder(zk, workDir.resolve("broker-" + id))
                .brokerId(id)
                .chroot(chroot)
                .property("zookeeper.session.timeout.ms", "6000")
                .property("auto.leader.rebalance.enable", "false")
                .property("replica.lag.time.max.ms", "10000")
                .start());
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

    private static String bootstrap() {
        return String.join(",", brokers.stream().filter(BrokerProcess::isAlive).map(BrokerProcess::bootstrapServers).toList());
    }

    private static TopicPartitionInfo describe(Admin admin, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
        return d.partitions().get(partition);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static void awaitPartition(Admin admin, int partition, String what,
                                       java.util.function.Predicate<TopicPartitionInfo> condition) {
        Await.until(WAIT, () -> condition.test(describe(admin, partition)), () -> {
            try {
                return TOPIC + "-" + partition + " " + what + "; now " + describe(admin, partition);
            } catch (Exception e) {
                return TOPIC + "-" + partition + " " + what;
            }
        });
    }

    private static void produce(int partition, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap(), Map.of())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, partition, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<Integer> consumeAll(int partition, int expected) {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        List<Integer> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap(), Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return values;
    }

    @BeforeEach
    void allBrokersRegistered() throws Exception {
        for (BrokerProcess b : brokers) {
            if (!b.isAlive()) {
                b.start();
            }
        }
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            Await.until(WAIT, () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size() == 3,
                () -> "all 3 brokers are registered");
        }
    }

    /**
     * Both partitions of a topic change every replica but one, then leadership goes to the preferred replicas,
     * while an idempotent acks=all producer streams to them: every acknowledged record is there once, in order.
     */
    @Test
    void reassignmentAndPreferredElectionUnderProduceLoad() throws Exception {
        String topic = "admin-under-load";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1), 1, List.of(1, 2)))))
                .all().get(30, TimeUnit.SECONDS);
            for (int p = 0; p < 2; p++) {
                int partition = p;
                Await.until(WAIT, () -> describe(admin, topic, partition).isr().size() == 2,
                    () -> topic + "-" + partition + " has both replicas in sync");
            }
            try (NumberedStream stream = NumberedStream.start(topic, 2, bootstrap(), "admin-under-load")) {
                stream.awaitMoreAcks(200, WAIT);
                // Each partition keeps one replica and gets a new preferred leader.
                admin.alterPartitionReassignments(Map.of(
                        p0, Optional.of(new NewPartitionReassignment(List.of(2, 1))),
                        p1, Optional.of(new NewPartitionReassignment(List.of(0, 2)))))
                    .all().get(30, TimeUnit.SECONDS);
                Await.until(WAIT, () -> admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)
                        .isEmpty()
                        && ids(describe(admin, topic, 0).replicas()).equals(List.of(2, 1))
                        && ids(describe(admin, topic, 1).replicas()).equals(List.of(0, 2)),
                    () -> "the reassignments of " + topic + " complete");
                stream.awaitMoreAcks(200, WAIT);
                for (int p = 0; p < 2; p++) {
                    int partition = p;
                    Await.until(WAIT, () -> describe(admin, topic, partition).isr().size() == 2,
                        () -> topic + "-" + partition + " has both new replicas in sync");
                }
                admin.electLeaders(ElectionType.PREFERRED, Set.of(p0, p1)).partitions().get(30, TimeUnit.SECONDS)
                    .forEach((tp, error) -> assertTrue(error.isEmpty()
                        || error.get() instanceof ElectionNotNeededException, () -> tp + ": " + error));
                Await.until(WAIT, () -> describe(admin, topic, 0).leader().id() == 2
                        && describe(admin, topic, 1).leader().id() == 0,
                    () -> "the preferred replicas 2 and 0 lead " + topic);
                stream.awaitMoreAcks(200, WAIT);
                stream.stopAndVerify(bootstrap());
            }
            admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static TopicPartitionInfo describe(Admin admin, String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        return d.partitions().get(partition);
    }

    @Test
    void controlledShutdownPreferredElectionAndReassignment() throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(0, 1), 1, List.of(1, 2)))))
                .all().get(30, TimeUnit.SECONDS);
            awaitPartition(admin, 0, "has both replicas in sync", p -> p.isr().size() == 2);
            awaitPartition(admin, 1, "has both replicas in sync", p -> p.isr().size() == 2);
            produce(1, 0, 50);

            // Controlled shutdown: broker 1 hands leadership of partition 1 to broker 2 before it stops (the
            // controller, broker 0, logs why it moved it) and leaves the ISR of partition 0.
            assertEquals(1, describe(admin, 1).leader().id());
            assertTrue(brokers.get(1).stop(), "broker 1 exits by itself after SIGTERM");
            String stateChanges = Files.readString(brokers.get(0).dir().resolve("logs/state-change.log"));
            assertTrue(stateChanges.contains(TOPIC + "-1 (controlled shutdown of [1])"), stateChanges);
            assertTrue(stateChanges.contains(TOPIC + "-0 (controlled shutdown of [1])"), stateChanges);
            awaitPartition(admin, 1, "is led by 2 without 1 in the ISR",
                p -> p.leader() != null && p.leader().id() == 2 && !ids(p.isr()).contains(1));

            // Back: once it has caught up, the preferred-leader election gives it its leadership back.
            brokers.get(1).start();
            awaitPartition(admin, 1, "has 1 back in the ISR", p -> ids(p.isr()).contains(1));
            TopicPartition tp1 = new TopicPartition(TOPIC, 1);
            Map<TopicPartition, Optional<Throwable>> elected =
                admin.electLeaders(ElectionType.PREFERRED, Set.of(tp1)).partitions().get(30, TimeUnit.SECONDS);
            assertEquals(Optional.empty(), elected.get(tp1));
            assertEquals(1, describe(admin, 1).leader().id());
            ExecutionException again = assertThrows(ExecutionException.class,
                () -> admin.electLeaders(ElectionType.PREFERRED, Set.of(tp1)).all().get(30, TimeUnit.SECONDS));
            assertInstanceOf(ElectionNotNeededException.class, again.getCause());

            // Reassignment of partition 1 from [1,2] to [2,0]: 0 catches up, then leadership moves from 1 to 2 and
            // 1 goes; nothing acknowledged is lost.
            ExecutionException nothing = assertThrows(ExecutionException.class, () -> admin.alterPartitionReassignments(
                Map.of(tp1, Optional.empty())).all().get(30, TimeUnit.SECONDS));
            assertInstanceOf(NoReassignmentInProgressException.class, nothing.getCause());
            admin.alterPartitionReassignments(Map.of(tp1, Optional.of(new NewPartitionReassignment(List.of(2, 0)))))
                .all().get(30, TimeUnit.SECONDS);
            Await.until(WAIT, () -> admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS).isEmpty()
                    && ids(describe(admin, 1).replicas()).equals(List.of(2, 0)),
                () -> "reassignment of " + tp1 + " completes");
            TopicPartitionInfo moved = describe(admin, 1);
            assertTrue(Set.of(0, 2).containsAll(ids(moved.isr())), "ISR " + moved.isr());
            produce(1, 50, 50);
            List<Integer> values = consumeAll(1, 100);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add(i);
            }
            assertEquals(expected, values);

            // Deletion: the topic's znodes go only after every broker holding a replica has deleted its logs, so
            // once DeleteTopics answers, no broker has a live log of it left.
            admin.deleteTopics(List.of(TOPIC)).all().get(60, TimeUnit.SECONDS);
            for (BrokerProcess broker : brokers) {
                try (var dirs = Files.list(broker.logDir())) {
                    List<String> left = dirs.map(d -> d.getFileName().toString())
                        .filter(n -> n.startsWith(TOPIC + "-") && !n.endsWith("-delete")).toList();
                    assertEquals(List.of(), left, "logs of " + TOPIC + " left on broker " + broker.brokerId());
                }
            }
        }
    }
}

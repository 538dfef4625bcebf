package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Time;
import io.sluice.core.server.BrokerConfig;
import io.sluice.core.server.BrokerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real broker ({@link BrokerServer} in this JVM, ZooKeeper from curator-test) and kafka-clients' consumers in
 * one group: they split a topic's partitions, the survivor takes all when the other leaves, and a restarted
 * consumer resumes from the committed offsets. The admin client lists and describes the group.
 */
class ConsumerGroupIT {
    private static final String TOPIC = "orders";
    private static final String GROUP = "it-group";
    private static final long WAIT_MS = 60_000;

    @TempDir
    Path dir;
    private TestingServer zookeeper;
    private final Map<String, String> props = new HashMap<>();
    private BrokerServer broker;
    private String bootstrap;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        zookeeper = new TestingServer(true);
        props.put("broker.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("log.dirs", dir.resolve("broker-1").toString());
        props.put("zookeeper.connect", zookeeper.getConnectString() + "/groups-" + UUID.randomUUID());
        props.put("zookeeper.session.timeout.ms", "10000");
        props.put("num.io.threads", "2");
        props.put("num.network.threads", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("group.initial.rebalance.delay.ms", "0");
        startBroker();
    }

    private void startBroker() throws Exception {
        broker = new BrokerServer(new BrokerConfig(props), Time.SYSTEM);
        broker.startup();
        bootstrap = "127.0.0.1:" + broker.boundListeners().get(0).port();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed
            }
        }
        if (broker != null) {
            broker.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    private static void await(String what, BooleanSupplier condition, Runnable step) {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            step.run();
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Admin admin = Admin.create(p);
        clients.add(admin);
        return admin;
    }

    private void produce(int from, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i)).get();
            }
        }
    }

    private KafkaConsumer<String, String> consumer(String clientId) {
        return consumer(GROUP, clientId, null);
    }

    private KafkaConsumer<String, String> consumer(String group, String clientId, String instanceId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        clients.add(c);
        c.subscribe(List.of(TOPIC));
        return c;
    }

    /** Polls, remembers the values and commits what was polled. */
    private static void pollAndCommit(KafkaConsumer<String, String> c, List<String> seen) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
            seen.add(r.value());
        }
        if (!c.assignment().isEmpty()) {
            c.commitSync();
        }
    }

    @Test
    void consumersShareTheTopicTakeOverFromEachOtherAndResumeFromCommittedOffsets() throws Exception {
        Admin admin = admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        produce(0, 40);

        KafkaConsumer<String, String> c1 = consumer("c1");
        KafkaConsumer<String, String> c2 = consumer("c2");
        List<String> seen = new ArrayList<>();
        await("both consumers assigned two partitions each", () -> c1.assignment().size() == 2
            && c2.assignment().size() == 2, () -> {
                pollAndCommit(c1, seen);
                pollAndCommit(c2, seen);
            });
        Set<TopicPartition> union = new HashSet<>(c1.assignment());
        union.addAll(c2.assignment());
        assertEquals(4, union.size(), "the partitions are split, none shared: " + c1.assignment() + " / " + c2.assignment());
        await("all 40 records consumed", () -> new HashSet<>(seen).size() == 40, () -> {
            pollAndCommit(c1, seen);
            pollAndCommit(c2, seen);
        });

        Collection<ConsumerGroupDescription> described = admin.describeConsumerGroups(List.of(GROUP)).all().get().values();
        ConsumerGroupDescription d = described.iterator().next();
        assertEquals(2, d.members().size());
        assertTrue(admin.listConsumerGroups().all().get().stream().anyMatch(l -> l.groupId().equals(GROUP)));

        c2.close();                                  // LeaveGroup: c1 gets everything
        await("c1 assigned all four partitions", () -> c1.assignment().size() == 4, () -> pollAndCommit(c1, seen));
        assertEquals(40, new HashSet<>(seen).size());

        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
            .partitionsToOffsetAndMetadata().get();
        assertEquals(40, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum(),
            "every record's offset is committed: " + committed);

        c1.close();
        broker.close();                              // the new coordinator must load the group from its log
        startBroker();
        produce(40, 10);
        KafkaConsumer<String, String> c3 = consumer("c3");
        List<String> resumed = new ArrayList<>();
        await("the 10 new records", () -> resumed.size() >= 10, () -> pollAndCommit(c3, resumed));
        for (int i = 0; i < 5; i++) {
            pollAndCommit(c3, resumed);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 40; i < 50; i++) {
            expected.add("value-" + i);
        }
        assertEquals(new HashSet<>(expected), new HashSet<>(resumed), "resumed from the committed offsets, after a restart");
        assertEquals(10, resumed.size(), "nothing consumed twice");
    }

    @Test
    void aStaticMemberRestartedWithinItsSessionTimeoutCausesNoRebalance() throws Exception {
        Admin admin = admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        produce(0, 8);
        KafkaConsumer<String, String> s1 = consumer("static-group", "s1", "instance-1");
        KafkaConsumer<String, String> s2 = consumer("static-group", "s2", "instance-2");
        List<String> seen = new ArrayList<>();
        await("two static members with two partitions each", () -> s1.assignment().size() == 2
            && s2.assignment().size() == 2, () -> {
                pollAndCommit(s1, seen);
                pollAndCommit(s2, seen);
            });
        int generation = s1.groupMetadata().generationId();
        Set<TopicPartition> s1Partitions = Set.copyOf(s1.assignment());
        Set<TopicPartition> s2Partitions = Set.copyOf(s2.assignment());

        s2.close();                                  // a static member does not leave the group on close
        KafkaConsumer<String, String> restarted = consumer("static-group", "s2-again", "instance-2");
        await("the restarted member gets its partitions back", () -> restarted.assignment().size() == 2, () -> {
            pollAndCommit(s1, seen);
            pollAndCommit(restarted, seen);
        });
        assertEquals(s2Partitions, restarted.assignment());
        assertEquals(s1Partitions, s1.assignment());
        assertEquals(generation, s1.groupMetadata().generationId(), "no rebalance");
        assertEquals(generation, restarted.groupMetadata().generationId());
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("static-group")).all().get().get("static-group");
        assertEquals(Set.of("instance-1", "instance-2"), d.members().stream()
            .map(m -> m.groupInstanceId().orElse("")).collect(java.util.stream.Collectors.toSet()));
    }
}

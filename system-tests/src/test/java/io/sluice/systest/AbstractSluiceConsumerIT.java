package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.GroupDescription;
import io.sluice.client.consumer.CommitFailedException;
import io.sluice.client.consumer.ConsumerRebalanceListener;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.MetricName;
import io.sluice.client.consumer.NoOffsetForPartitionException;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.consumer.WakeupException;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.TopicPartition;
import io.sluice.record.CompressionType;
import io.sluice.record.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SluiceConsumer against a real broker, the same bodies on Sluice ({@link SluiceConsumerOnSluiceIT}) and on
 * Apache Kafka 3.9 ({@link SluiceConsumerOnKafkaIT}): what SluiceProducer and kafka-clients' KafkaProducer write
 * reads back identically; groups of SluiceConsumers, and mixed groups with KafkaConsumers on the same assignor,
 * share a six-partition topic with every record consumed exactly once and no partition owned twice; rebalance
 * listeners run in order and can commit on revocation; wakeup interrupts a blocked poll; commitAsync callbacks,
 * auto commit and close leaving the group; a pattern subscription picks up a new topic; a member past
 * max.poll.interval.ms is removed (commit fails, partitions lost); a restarted static member keeps its
 * partitions without a rebalance. One broker per class, started in {@code @BeforeAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSluiceConsumerIT {
    TargetCluster cluster;
    SluiceAdmin admin;

    /** Starts the broker the tests of this class run against (broker id 0, group.initial.rebalance.delay.ms=0). */
    abstract TargetCluster startCluster(Path workDir);

    @BeforeAll
    void start(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) {
        cluster = startCluster(workDir);
        admin = SluiceAdmin.builder().bootstrapServers(cluster.bootstrapServers()).clientId("it-admin")
            .defaultApiTimeout(Duration.ofSeconds(60)).build();
    }

    @AfterAll
    void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).get(60, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(60), () -> admin.describeTopics(List.of(topic)).get(30, TimeUnit.SECONDS)
            .get(topic).partitions().stream().allMatch(p -> p.leader() == 0), () -> "leaders of " + topic);
    }

    private SluiceConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", cluster.bootstrapServers());
        config.put("auto.offset.reset", "earliest");
        config.put("fetch.max.wait.ms", 100);
        config.putAll(overrides);
        return SluiceConsumer.create(config, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer());
    }

    private Map<String, Object> groupConfig(String group, String assignor) {
        Map<String, Object> config = new HashMap<>();
        config.put("group.id", group);
        config.put("partition.assignment.strategy", assignor);
        config.put("session.timeout.ms", 10_000);
        config.put("heartbeat.interval.ms", 500);
        config.put("enable.auto.commit", false);
        return config;
    }

    private List<TopicPartition> partitions(String topic, int n) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    record Expected(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    }

    @Test
    void readsWhatSluiceProducerAndKafkaProducerWrote() throws Exception {
        String topic = "consume-identical";
        createTopic(topic, 3);
        Random random = new Random(7);
        Map<String, Expected> expected = new HashMap<>();
        for (CompressionType codec : List.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4,
                CompressionType.ZSTD, CompressionType.SNAPPY)) {
            try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(Map.of("bootstrap.servers",
                    cluster.bootstrapServers(), "compression.type", codec.configName()),
                    Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
                for (int i = 0; i < 400; i++) {
                    byte[] key = i % 7 == 0 ? null : ("k" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
                    byte[] value = new byte[random.nextInt(200)];
                    random.nextBytes(value);
                    List<Header> headers = i % 2 == 0 ? List.of(Header.of("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                        : List.of();
                    long ts = 1_700_000_000_000L + i;
                    var m = producer.send(new ProducerRecord<>(topic, null, key, value, headers, ts)).get(60, TimeUnit.SECONDS);
                    expected.put(m.partition() + "@" + m.offset(), new Expected(key, value, ts, headers));
                }
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(),
                Map.of("compression.type", "snappy", "linger.ms", 5))) {
            for (int i = 0; i < 500; i++) {
                byte[] key = ("kk" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value-" + i).getBytes(StandardCharsets.UTF_8);
                long ts = 1_710_000_000_000L + i;
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, ts, key, value,
                    List.of(new RecordHeader("k", new byte[] {(byte) i})));
                var m = producer.send(record).get(60, TimeUnit.SECONDS);
                expected.put(m.partition() + "@" + m.offset(), new Expected(key, value, ts,
                    List.of(Header.of("k", new byte[] {(byte) i}))));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (SluiceConsumer<byte[], byte[]> consumer = consumer(Map.of("max.poll.records", 137))) {
            consumer.assign(partitions(topic, 3));
            Await.until(Duration.ofSeconds(60), () -> {
                var records = consumer.poll(Duration.ofMillis(200));
                assertTrue(records.count() <= 137, "max.poll.records");
                records.forEach(read::add);
                return read.size() >= expected.size();
            }, () -> "read " + read.size() + " of " + expected.size());
            assertEquals(0.0, consumer.metrics().get(MetricName.of("records-lag-max")), "caught up: no lag");
            for (TopicPartition tp : partitions(topic, 3)) {
                assertEquals(consumer.position(tp), read.stream().filter(r -> r.partition() == tp.partition())
                    .mapToLong(r -> r.offset() + 1).max().orElse(0));
            }
        }
        assertEquals(expected.size(), read.size());
        for (ConsumerRecord<byte[], byte[]> r : read) {
            Expected e = expected.get(r.partition() + "@" + r.offset());
            assertTrue(e != null, "unexpected " + r.partition() + "@" + r.offset());
            assertArrayEquals(e.key(), r.key());
            assertArrayEquals(e.value(), r.value());
            assertEquals(e.timestamp(), r.timestamp());
            assertEquals(e.headers().size(), r.headers().size());
            for (int i = 0; i < e.headers().size(); i++) {
                assertEquals(e.headers().get(i).key(), r.headers().get(i).key());
                assertArrayEquals(e.headers().get(i).valueBytes(), r.headers().get(i).valueBytes());
            }
            assertTrue(r.leaderEpoch() >= 0);
        }
    }

    @Test
    void seekPauseResetAndLag() throws Exception {
        String topic = "consume-positions";
        createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(Map.of("bootstrap.servers",
                cluster.bootstrapServers()), Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[] {(byte) i}));
            }
            producer.flush();
        }
        try (SluiceConsumer<byte[], byte[]> consumer = consumer(Map.of("auto.offset.reset", "latest", "max.poll.records", 10))) {
            consumer.assign(List.of(tp));
            assertEquals(100, consumer.position(tp), "latest");
            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            consumer.seek(tp, 50);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            Await.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(got::add);
                return !got.isEmpty();
            }, () -> "records after seek");
            assertEquals(50, got.get(0).offset());
            assertEquals(50, got.get(0).value()[0]);
            assertTrue(consumer.metrics().get(MetricName.of("records-lag-max")) > 0, "lag while behind");
            consumer.pause(List.of(tp));
            assertEquals(Set.of(tp), consumer.paused());
            assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty(), "paused partitions return nothing");
            consumer.resume(List.of(tp));
            long next = consumer.position(tp);
            Await.until(Duration.ofSeconds(30), () -> !consumer.poll(Duration.ofMillis(100)).isEmpty(), () -> "resumed");
            assertTrue(consumer.position(tp) > next);
            consumer.seek(tp, 1_000);
            Await.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.position(tp) == 100;
            }, () -> "out-of-range offset resets to latest");
            consumer.seekToEnd(List.of(tp));
            assertEquals(100, consumer.position(tp));
        }
        try (SluiceConsumer<byte[], byte[]> consumer = consumer(Map.of("auto.offset.reset", "none"))) {
            consumer.assign(List.of(tp));
            assertThrows(NoOffsetForPartitionException.class, () -> consumer.poll(Duration.ofMillis(100)));
        }
    }

    @Test
    void wakeupInterruptsABlockedPoll() throws Exception {
        String topic = "consume-wakeup";
        createTopic(topic, 1);
        try (SluiceConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.wakeup();
            assertThrows(WakeupException.class, () -> consumer.poll(Duration.ofSeconds(10)), "a pending wakeup");
            assertTrue(consumer.poll(Duration.ofMillis(50)).isEmpty(), "the wakeup is consumed");
            CountDownLatch polling = new CountDownLatch(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                polling.countDown();
                try {
                    consumer.poll(Duration.ofMinutes(5));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.start();
            assertTrue(polling.await(30, TimeUnit.SECONDS));
            Await.until(Duration.ofSeconds(30), () -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING, () -> "poll blocks");
            consumer.wakeup();
            t.join(30_000);
            assertFalse(t.isAlive(), "poll returned");
            assertTrue(thrown.get() instanceof WakeupException, "poll threw " + thrown.get());
        }
    }

    /** One member's thread: polls, records what it read and what it owned, commits on revocation. */
    private static final class Member {
        final String name;
        final Thread thread;
        final AtomicBoolean stop = new AtomicBoolean();
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile Throwable failure;

        Member(String name, Runnable body) {
            this.name = name;
            this.thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    failure = t;
                }
            }, name);
        }
    }

    private Member sluiceMember(String name, String topic, String group, String assignor,
                                       Map<String, TopicPartition> readBy, Map<TopicPartition, String> owners) {
        Member[] self = new Member[1];
        self[0] = new Member(name, () -> {
            Member me = self[0];
            try (SluiceConsumer<byte[], byte[]> c = consumer(groupConfig(group, assignor))) {
                c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        me.events.add("revoked " + partitions);
                        c.commitSync();
                        for (TopicPartition tp : partitions) {
                            owners.remove(tp, name);
                            me.owned.remove(tp);
                        }
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        me.events.add("lost " + partitions);
                        for (TopicPartition tp : partitions) {
                            owners.remove(tp, name);
                            me.owned.remove(tp);
                        }
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        me.events.add("assigned " + partitions);
                        for (TopicPartition tp : partitions) {
                            String before = owners.putIfAbsent(tp, name);
                            if (before != null) {
                                throw new AssertionError(tp + " assigned to " + name + " while owned by " + before);
                            }
                            me.owned.add(tp);
                        }
                    }
                });
                while (!me.stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        if (readBy.putIfAbsent(new String(r.value(), StandardCharsets.UTF_8), r.topicPartition()) != null) {
                            throw new AssertionError("record " + new String(r.value(), StandardCharsets.UTF_8) + " read twice");
                        }
                    }
                    try {
                        c.commitSync();
                    } catch (io.sluice.common.ApiException e) {
                        if (e.error() != io.sluice.common.Errors.REBALANCE_IN_PROGRESS) {
                            throw e;
                        }
                    }
                }
            }
            for (TopicPartition tp : me.owned) {
                owners.remove(tp, name);
            }
        });
        return self[0];
    }

    private Member kafkaMember(String name, String topic, String group, String assignorClass,
                                      Map<String, TopicPartition> readBy, Map<TopicPartition, String> owners) {
        Member[] self = new Member[1];
        self[0] = new Member(name, () -> {
            Member me = self[0];
            try (KafkaConsumer<byte[], byte[]> c = KafkaClients.consumer(cluster.bootstrapServers(), Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignorClass,
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
                    ConsumerConfig.CLIENT_ID_CONFIG, name))) {
                c.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        me.events.add("revoked " + partitions);
                        try {
                            c.commitSync();
                        } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
                            // kafka-clients refuses commits once a cooperative member must rejoin
                        }
                        for (var p : partitions) {
                            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                            owners.remove(tp, name);
                            me.owned.remove(tp);
                        }
                    }

                    @Override
                    public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        me.events.add("lost " + partitions);
                        for (var p : partitions) {
                            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                            owners.remove(tp, name);
                            me.owned.remove(tp);
                        }
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        me.events.add("assigned " + partitions);
                        for (var p : partitions) {
                            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                            String before = owners.putIfAbsent(tp, name);
                            if (before != null) {
                                throw new AssertionError(tp + " assigned to " + name + " while owned by " + before);
                            }
                            me.owned.add(tp);
                        }
                    }
                });
                while (!me.stop.get()) {
                    for (var r : c.poll(Duration.ofMillis(100))) {
                        if (readBy.putIfAbsent(new String(r.value(), StandardCharsets.UTF_8),
                                new TopicPartition(r.topic(), r.partition())) != null) {
                            throw new AssertionError("record " + new String(r.value(), StandardCharsets.UTF_8) + " read twice");
                        }
                    }
                    try {
                        c.commitSync();
                    } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
                        // the next poll completes the rebalance; its offsets are committed after it
                    }
                }
            }
            for (TopicPartition tp : me.owned) {
                owners.remove(tp, name);
            }
        });
        return self[0];
    }

    private void runGroup(String topic, List<java.util.function.BiFunction<Map<String, TopicPartition>,
            Map<TopicPartition, String>, Member>> makers) throws Exception {
        createTopic(topic, 6);
        int total = 3_000;
        Map<String, TopicPartition> readBy = new ConcurrentHashMap<>();
        Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
        List<Member> members = new ArrayList<>();
        try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(Map.of("bootstrap.servers",
                cluster.bootstrapServers(), "linger.ms", 1), Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
            // The first member starts alone, the others join while records flow: real rebalances with commits.
            for (int i = 0; i < makers.size(); i++) {
                Member m = makers.get(i).apply(readBy, owners);
                members.add(m);
                m.thread.start();
                int from = i * total / makers.size();
                int to = (i + 1) * total / makers.size();
                for (int n = from; n < to; n++) {
                    producer.send(new ProducerRecord<>(topic, ("r" + n).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
                int expectedMembers = i + 1;
                Await.until(Duration.ofSeconds(60), () -> {
                    failIfAny(members);
                    return members.stream().filter(x -> !x.owned.isEmpty()).count() == Math.min(expectedMembers, 6)
                        && owners.size() == 6;
                }, () -> "members own partitions: " + owners + events(members));
            }
            Await.until(Duration.ofSeconds(60), () -> {
                failIfAny(members);
                return readBy.keySet().stream().filter(k -> !k.contains("#")).count() >= total;
            }, () -> "consumed " + readBy.keySet().stream().filter(k -> !k.contains("#")).count() + " of " + total
                + events(members));
        } finally {
            for (Member m : members) {
                m.stop.set(true);
            }
            for (Member m : members) {
                m.thread.join(60_000);
            }
        }
        failIfAny(members);
        for (int n = 0; n < total; n++) {
            assertTrue(readBy.containsKey("r" + n), "record r" + n + " consumed");
        }
        Map<TopicPartition, Long> committed = admin.listConsumerGroupOffsets(topic + "-group").get(60, TimeUnit.SECONDS);
        long committedTotal = committed.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, committedTotal, "committed offsets cover every record: " + committed);
        for (Member m : members) {
            List<String> events = m.events;
            if (!events.isEmpty()) {
                assertTrue(events.get(0).startsWith("assigned"), m.name + " is assigned first: " + events);
            }
        }
    }

    private void failIfAny(List<Member> members) {
        for (Member m : members) {
            if (m.failure != null) {
                throw new AssertionError(m.name + " failed", m.failure);
            }
        }
    }

    private String events(List<Member> members) {
        StringBuilder b = new StringBuilder();
        for (Member m : members) {
            b.append("\n").append(m.name).append(": ").append(m.events);
        }
        return b.toString();
    }

    @Test
    void groupOfSluiceConsumersCooperativeSticky() throws Exception {
        String topic = "group-sluice";
        String group = topic + "-group";
        runGroup(topic, List.of(
            (r, o) -> sluiceMember("s1", topic, group, "cooperative-sticky", r, o),
            (r, o) -> sluiceMember("s2", topic, group, "cooperative-sticky", r, o),
            (r, o) -> sluiceMember("s3", topic, group, "cooperative-sticky", r, o)));
    }

    @Test
    void mixedGroupWithKafkaConsumersRange() throws Exception {
        String topic = "group-mixed-range";
        String group = topic + "-group";
        runGroup(topic, List.of(
            (r, o) -> sluiceMember("s1", topic, group, "range", r, o),
            (r, o) -> kafkaMember("k1", topic, group, "org.apache.kafka.clients.consumer.RangeAssignor", r, o),
            (r, o) -> sluiceMember("s2", topic, group, "range", r, o)));
    }

    @Test
    void mixedGroupWithKafkaConsumersCooperativeSticky() throws Exception {
        String topic = "group-mixed-coop";
        String group = topic + "-group";
        runGroup(topic, List.of(
            (r, o) -> kafkaMember("k1", topic, group, "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", r, o),
            (r, o) -> sluiceMember("s1", topic, group, "cooperative-sticky", r, o),
            (r, o) -> kafkaMember("k2", topic, group, "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", r, o)));
    }

    @Test
    void revokedBeforeAssignedAndCommitInRevokeIsKept() throws Exception {
        String topic = "listener-order";
        String group = "listener-group";
        createTopic(topic, 2);
        try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(Map.of("bootstrap.servers",
                cluster.bootstrapServers()), Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, new byte[] {(byte) i}, List.of(), null));
            }
            producer.flush();
        }
        List<String> events = new CopyOnWriteArrayList<>();
        try (SluiceConsumer<byte[], byte[]> first = consumer(groupConfig(group, "range"))) {
            first.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    events.add("revoked " + partitions.size());
                    first.commitSync();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    events.add("assigned " + partitions.size());
                }
            });
            int[] read = {0};
            Await.until(Duration.ofSeconds(60), () -> {
                read[0] += first.poll(Duration.ofMillis(100)).count();
                return read[0] == 20;
            }, () -> "first member reads all 20: " + events);
            assertEquals(List.of("assigned 2"), events);
            try (SluiceConsumer<byte[], byte[]> second = consumer(groupConfig(group, "range"))) {
                second.subscribe(List.of(topic));
                AtomicBoolean stop = new AtomicBoolean();
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        second.poll(Duration.ofMillis(100));
                    }
                });
                t.start();
                try {
                    Await.until(Duration.ofSeconds(60), () -> {
                        first.poll(Duration.ofMillis(100));
                        return first.assignment().size() == 1;
                    }, () -> "rebalance to one partition each: " + events);
                } finally {
                    stop.set(true);
                    t.join(30_000);
                }
            }
            assertEquals(List.of("assigned 2", "revoked 2", "assigned 1"), events.subList(0, 3));
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (SluiceConsumer<byte[], byte[]> probe = consumer(groupConfig(group, "range"))) {
            committed = probe.committed(Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
        }
        assertEquals(10, committed.get(new TopicPartition(topic, 0)).offset(), "commit in onPartitionsRevoked kept");
        assertEquals(10, committed.get(new TopicPartition(topic, 1)).offset());
    }

    /** A listener that records "assigned/revoked/lost [partitions]" events, in order. */
    private static ConsumerRebalanceListener recording(List<String> events) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + sorted(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + sorted(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                events.add("lost " + sorted(partitions));
            }
        };
    }

    private static List<String> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }

    private void produce(String topic, int partitions, int perPartition) throws Exception {
        try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(Map.of("bootstrap.servers",
                cluster.bootstrapServers()), Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(new ProducerRecord<>(topic, p, null, (topic + "-" + p + "-" + i)
                        .getBytes(StandardCharsets.UTF_8), List.of(), null));
                }
            }
            producer.flush();
        }
    }

    /** Keeps polling {@code consumer} on its own thread until stopped; rethrows its failure on {@link #close()}. */
    private static final class Poller implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread;
        /** The consumer's assignment after its latest poll (the consumer itself is single-threaded). */
        volatile Set<TopicPartition> assignment = Set.of();

        Poller(SluiceConsumer<byte[], byte[]> consumer) {
            thread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(100));
                        assignment = Set.copyOf(consumer.assignment());
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "poller");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
            if (failure.get() != null) {
                throw new AssertionError("the polling thread failed", failure.get());
            }
        }
    }

    private GroupDescription describeGroup(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).get(30, TimeUnit.SECONDS).get(group);
    }

    /** commitAsync runs its callback in a later poll; auto commit commits on its own; close leaves the group. */
    @Test
    void commitAsyncWithCallbackAutoCommitAndCloseLeavesTheGroup() throws Exception {
        String topic = "commit-modes";
        createTopic(topic, 2);
        produce(topic, 2, 10);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        String group = "commit-async-group";
        Map<String, Object> config = groupConfig(group, "range");
        config.put("session.timeout.ms", 45_000);
        SluiceConsumer<byte[], byte[]> consumer = consumer(config);
        try {
            consumer.subscribe(List.of(topic));
            int[] read = {0};
            Await.until(Duration.ofSeconds(60), () -> {
                read[0] += consumer.poll(Duration.ofMillis(100)).count();
                return read[0] == 20;
            }, () -> "read " + read[0] + " of 20");
            List<Map<TopicPartition, OffsetAndMetadata>> done = new CopyOnWriteArrayList<>();
            List<Exception> errors = new CopyOnWriteArrayList<>();
            consumer.commitAsync((offsets, e) -> {
                done.add(offsets);
                if (e != null) {
                    errors.add(e);
                }
            });
            Await.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(50));
                return !done.isEmpty();
            }, () -> "the commitAsync callback runs inside a later poll");
            assertEquals(List.of(), errors);
            assertEquals(10, done.get(0).get(p0).offset());
            assertEquals(10, done.get(0).get(p1).offset());
            assertEquals(10, consumer.committed(Set.of(p0)).get(p0).offset());
            assertEquals(1, describeGroup(group).members().size());
        } finally {
            consumer.close();
        }
        // Far sooner than the 45 s session timeout: close sent LeaveGroup.
        Await.until(Duration.ofSeconds(20), () -> describeGroup(group).members().isEmpty()
            && "Empty".equals(describeGroup(group).state()), () -> "the closed member left: " + uncheckedDescribe(group));

        String autoGroup = "auto-commit-group";
        Map<String, Object> auto = groupConfig(autoGroup, "range");
        auto.put("enable.auto.commit", true);
        auto.put("auto.commit.interval.ms", 200);
        try (SluiceConsumer<byte[], byte[]> c = consumer(auto)) {
            c.subscribe(List.of(topic));
            int[] read = {0};
            Await.until(Duration.ofSeconds(60), () -> {
                read[0] += c.poll(Duration.ofMillis(100)).count();
                return read[0] == 20 && admin.listConsumerGroupOffsets(autoGroup).get(30, TimeUnit.SECONDS)
                    .equals(Map.of(p0, 10L, p1, 10L));
            }, () -> "auto commit of every position, read " + read[0]);
        }
    }

    private String uncheckedDescribe(String group) {
        try {
            return String.valueOf(describeGroup(group));
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** A pattern subscription picks up a matching topic created after it, and ignores others. */
    @Test
    void patternSubscriptionPicksUpANewMatchingTopic() throws Exception {
        createTopic("pat-first", 1);
        createTopic("nopat-other", 1);
        produce("pat-first", 1, 5);
        produce("nopat-other", 1, 5);
        List<String> events = new CopyOnWriteArrayList<>();
        Map<String, Object> config = groupConfig("pattern-group", "range");
        config.put("metadata.max.age.ms", 500);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (SluiceConsumer<byte[], byte[]> consumer = consumer(config)) {
            consumer.subscribe(Pattern.compile("pat-.*"), recording(events));
            Await.until(Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
                return seen.size() == 5;
            }, () -> "records of pat-first: " + seen + " " + events);
            assertEquals(Set.of("pat-first"), consumer.subscription());
            createTopic("pat-second", 1);
            produce("pat-second", 1, 5);
            Await.until(Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
                return seen.size() == 10;
            }, () -> "records of the new topic: " + seen + " " + events);
            assertEquals(Set.of("pat-first", "pat-second"), consumer.subscription());
            assertEquals(Set.of(new TopicPartition("pat-first", 0), new TopicPartition("pat-second", 0)),
                consumer.assignment());
            assertTrue(seen.stream().allMatch(v -> v.startsWith("pat-")), "only matching topics: " + seen);
            assertEquals("assigned [pat-first-0]", events.get(0));
            assertTrue(events.contains("assigned [pat-first-0, pat-second-0]")
                || events.contains("assigned [pat-second-0]"), "the new topic is assigned: " + events);
        }
    }

    /**
     * A member that does not poll within max.poll.interval.ms leaves the group: the other member takes its
     * partition, its next commit fails with CommitFailedException, and its next poll reports the partition lost
     * (not revoked) before it rejoins, as Kafka's consumer does.
     */
    @Test
    void maxPollIntervalExpiryRemovesTheMemberAndItsCommitFails() throws Exception {
        String topic = "poll-interval";
        String group = "poll-interval-group";
        createTopic(topic, 2);
        produce(topic, 2, 5);
        List<String> slowEvents = new CopyOnWriteArrayList<>();
        Map<String, Object> slowConfig = groupConfig(group, "range");
        slowConfig.put("max.poll.interval.ms", 3_000);
        slowConfig.put("client.id", "slow");
        Map<String, Object> fastConfig = groupConfig(group, "range");
        fastConfig.put("client.id", "fast");
        try (SluiceConsumer<byte[], byte[]> slow = consumer(slowConfig);
             SluiceConsumer<byte[], byte[]> fast = consumer(fastConfig)) {
            slow.subscribe(List.of(topic), recording(slowEvents));
            Await.until(Duration.ofSeconds(60), () -> {
                slow.poll(Duration.ofMillis(100));
                return slow.assignment().size() == 2;
            }, () -> "the first member owns both partitions: " + slowEvents);
            fast.subscribe(List.of(topic));
            try (Poller poller = new Poller(fast)) {
                Await.until(Duration.ofSeconds(60), () -> {
                    slow.poll(Duration.ofMillis(100));
                    return slow.assignment().size() == 1 && poller.assignment.size() == 1;
                }, () -> "one partition each: " + slowEvents);
                TopicPartition mine = slow.assignment().iterator().next();
                slow.poll(Duration.ofMillis(100));
                long position = slow.position(mine);
                int eventsBefore = slowEvents.size();
                // The slow member now stops polling; the group moves its partition to the other member.
                Await.until(Duration.ofSeconds(60), () -> poller.assignment.size() == 2,
                    () -> "the other member takes over: " + uncheckedDescribe(group));
                assertEquals(1, describeGroup(group).members().size(), "the slow member was removed");
                assertThrows(CommitFailedException.class,
                    () -> slow.commitSync(Map.of(mine, new OffsetAndMetadata(position, -1, ""))));
                assertEquals(eventsBefore, slowEvents.size(), "no listener call outside poll: " + slowEvents);
                Await.until(Duration.ofSeconds(60), () -> {
                    slow.poll(Duration.ofMillis(100));
                    return slow.assignment().size() == 1 && poller.assignment.size() == 1;
                }, () -> "the slow member rejoins: " + slowEvents);
                List<String> after = slowEvents.subList(eventsBefore, slowEvents.size());
                assertEquals("lost [" + mine + "]", after.get(0), "the expired member's partition is lost: " + slowEvents);
                assertFalse(after.stream().anyMatch(e -> e.startsWith("revoked")), "lost, not revoked: " + slowEvents);
                assertTrue(after.get(after.size() - 1).startsWith("assigned"), "then assigned again: " + slowEvents);
            }
        }
    }

    /**
     * A static member (group.instance.id) restarted within session.timeout.ms gets its partitions back without
     * a rebalance: the other member's listener is not called and its assignment does not change.
     */
    @Test
    void staticMemberRestartedWithinTheSessionKeepsItsPartitionsWithoutARebalance() throws Exception {
        String topic = "static-members";
        String group = "static-group";
        createTopic(topic, 4);
        Map<String, Object> staticConfig = groupConfig(group, "range");
        staticConfig.put("group.instance.id", "static-a");
        staticConfig.put("session.timeout.ms", 30_000);
        Map<String, Object> otherConfig = groupConfig(group, "range");
        otherConfig.put("session.timeout.ms", 30_000);
        List<String> otherEvents = new CopyOnWriteArrayList<>();
        List<String> staticEvents = new CopyOnWriteArrayList<>();
        try (SluiceConsumer<byte[], byte[]> other = consumer(otherConfig)) {
            SluiceConsumer<byte[], byte[]> first = consumer(staticConfig);
            Set<TopicPartition> before;
            try {
                first.subscribe(List.of(topic), recording(staticEvents));
                other.subscribe(List.of(topic), recording(otherEvents));
                try (Poller poller = new Poller(other)) {
                    Await.until(Duration.ofSeconds(60), () -> {
                        first.poll(Duration.ofMillis(100));
                        return first.assignment().size() == 2 && poller.assignment.size() == 2;
                    }, () -> "two partitions each: " + staticEvents + " " + otherEvents);
                }
                before = Set.copyOf(first.assignment());
            } finally {
                first.close();
            }
            Set<TopicPartition> otherBefore = Set.copyOf(other.assignment());
            int otherEventsBefore = otherEvents.size();
            GroupDescription during = describeGroup(group);
            assertEquals(2, during.members().size(), "a closed static member stays in the group: " + during);
            assertTrue(during.members().stream().anyMatch(m -> "static-a".equals(m.groupInstanceId())), during.toString());
            try (Poller poller = new Poller(other);
                 SluiceConsumer<byte[], byte[]> second = consumer(staticConfig)) {
                List<String> secondEvents = new CopyOnWriteArrayList<>();
                second.subscribe(List.of(topic), recording(secondEvents));
                Await.until(Duration.ofSeconds(30), () -> {
                    second.poll(Duration.ofMillis(100));
                    return !second.assignment().isEmpty();
                }, () -> "the restarted static member is assigned: " + secondEvents);
                assertEquals(before, second.assignment(), "the same partitions as before the restart");
                // Give a rebalance, if one had been triggered, the time to reach the other member.
                for (int i = 0; i < 10; i++) {
                    second.poll(Duration.ofMillis(100));
                }
            }
            assertEquals(otherBefore, other.assignment(), "the other member's assignment is unchanged");
            assertEquals(otherEventsBefore, otherEvents.size(), "no rebalance reached the other member: " + otherEvents);
        }
    }
}

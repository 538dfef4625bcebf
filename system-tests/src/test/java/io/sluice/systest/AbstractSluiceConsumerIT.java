package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.SluiceAdmin;
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
 * SluiceConsumer against a real Sluice broker: what SluiceProducer and kafka-clients' KafkaProducer write reads
 * back identically; groups of SluiceConsumers, and mixed groups with KafkaConsumers on the same assignor, share
 * a six-partition topic with every record consumed exactly once and no partition owned twice; rebalance
 * listeners run in order and can commit on revocation; wakeup interrupts a blocked poll.
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
}

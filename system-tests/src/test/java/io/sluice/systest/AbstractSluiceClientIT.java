package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ClusterDescription;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.GroupDescription;
import io.sluice.client.admin.GroupListing;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.OffsetSpec;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.RoundRobinPartitioner;
import io.sluice.client.producer.UniformStickyPartitioner;
import io.sluice.client.producer.RecordMetadata;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import io.sluice.record.CompressionType;
import io.sluice.record.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice's own producer and admin against a real broker, the same bodies on Sluice ({@link
 * SluiceClientOnSluiceIT}) and on Apache Kafka 3.9 ({@link SluiceClientOnKafkaIT}), with kafka-clients as the
 * independent judge: what SluiceProducer writes, KafkaConsumer reads back identically (key, value, headers,
 * timestamp, partition, offset) in every compression type, on the partition Kafka's partitioner would have
 * chosen; acks 0/1/all; callbacks, typed serializers, round-robin and uniform-sticky partitioners, close;
 * SluiceAdmin's topic, config, offset, record and group operations agree with what Kafka's clients see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSluiceClientIT {
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

    private <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(90, TimeUnit.SECONDS);
    }

    /** Like Kafka's producer, a send to a topic that does not exist lets the broker auto-create it. */
    @Test
    void producerSendToAMissingTopicAutoCreatesIt() throws Exception {
        String topic = "auto-created-by-sluice-producer";
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("max.block.ms", "30000"))) {
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, "v".getBytes(StandardCharsets.UTF_8)))
                .get(60, TimeUnit.SECONDS);
            assertEquals(topic, md.topic());
            assertEquals(0, md.offset());
        }
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            assertTrue(admin.listTopics().get(30, TimeUnit.SECONDS).contains(topic), "the topic now exists");
        }
    }

    private SluiceProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", cluster.bootstrapServers());
        config.put("client.id", "it-producer");
        config.putAll(overrides);
        return SluiceProducer.create(config, Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
    }

    record Sent(byte[] key, byte[] value, List<Header> headers, long timestamp, RecordMetadata where) {}

    @Test
    void recordsFromSluiceProducerReadBackIdenticallyWithKafkaConsumer() throws Exception {
        String topic = "sluice-produce";
        int partitions = 3;
        get(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))));
        Random random = new Random(11);
        List<Sent> sent = new ArrayList<>();
        for (CompressionType codec : CompressionType.values()) {
            try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("compression.type", codec.configName(),
                    "linger.ms", 5))) {
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                List<Sent> pending = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    byte[] key = i % 10 == 0 ? null : ("key-" + random.nextInt(500)).getBytes(StandardCharsets.UTF_8);
                    byte[] value = new byte[random.nextInt(300)];
                    random.nextBytes(value);
                    List<Header> headers = i % 3 == 0 ? List.of(Header.of("h", ("" + i).getBytes(StandardCharsets.UTF_8)))
                        : List.of();
                    long ts = 1_700_000_000_000L + i;
                    futures.add(producer.send(new ProducerRecord<>(topic, null, key, value, headers, ts)));
                    pending.add(new Sent(key, value, headers, ts, null));
                }
                producer.flush();
                for (int i = 0; i < futures.size(); i++) {
                    Sent s = pending.get(i);
                    sent.add(new Sent(s.key(), s.value(), s.headers(), s.timestamp(), get(futures.get(i))));
                }
            }
        }
        Map<String, Sent> byPosition = new HashMap<>();
        for (Sent s : sent) {
            if (s.key() != null) {
                assertEquals(BuiltInPartitioner.partitionForKey(s.key(), partitions), s.where().partition(),
                    "Sluice's partitioner agrees with Kafka's");
            }
            byPosition.put(s.where().partition() + "@" + s.where().offset(), s);
        }
        assertEquals(sent.size(), byPosition.size(), "every record has its own partition and offset");

        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Await.until(Duration.ofSeconds(90), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= sent.size();
            }, () -> "read " + read.size() + " of " + sent.size() + cluster.brokerLogs());
        }
        assertEquals(sent.size(), read.size());
        for (ConsumerRecord<byte[], byte[]> r : read) {
            Sent s = byPosition.get(r.partition() + "@" + r.offset());
            assertTrue(s != null, "unexpected record at " + r.partition() + "@" + r.offset());
            assertArrayEquals(s.key(), r.key());
            assertArrayEquals(s.value(), r.value());
            assertEquals(s.timestamp(), r.timestamp());
            assertEquals(s.headers().size(), r.headers().toArray().length);
            for (int i = 0; i < s.headers().size(); i++) {
                assertEquals(s.headers().get(i).key(), r.headers().toArray()[i].key());
                assertArrayEquals(s.headers().get(i).valueBytes(), r.headers().toArray()[i].value());
            }
        }
    }

    @Test
    void acksOneAndZeroWithoutIdempotence() throws Exception {
        String topic = "sluice-acks";
        get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))));
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("acks", "1", "enable.idempotence", "false"))) {
            RecordMetadata m = get(producer.send(new ProducerRecord<>(topic, "a".getBytes(StandardCharsets.UTF_8))));
            assertEquals(0, m.offset());
        }
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("acks", "0", "enable.idempotence", "false"))) {
            assertEquals(-1, get(producer.send(new ProducerRecord<>(topic, "b".getBytes(StandardCharsets.UTF_8)))).offset());
        }
        io.sluice.common.TopicPartition tp = new io.sluice.common.TopicPartition(topic, 0);
        Await.until(Duration.ofSeconds(60), () -> get(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))).get(tp).offset() == 2,
            () -> "the acks=0 record arrives");
    }

    @Test
    void topicsConfigsOffsetsAndRecordsThroughSluiceAdmin() throws Exception {
        String topic = "sluice-admin";
        get(admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1).withConfigs(Map.of("retention.ms", "3600000")))));
        assertTrue(get(admin.listTopics()).contains(topic));
        Await.until(Duration.ofSeconds(60), () -> get(admin.describeTopics(List.of(topic))).get(topic).partitions()
            .stream().allMatch(p -> p.leader() == 0), () -> "leaders elected");
        TopicDescription d = get(admin.describeTopics(List.of(topic))).get(topic);
        assertEquals(2, d.partitions().size());
        assertFalse(d.internal());

        ClusterDescription c = get(admin.describeCluster());
        assertEquals(1, c.nodes().size());
        assertEquals(0, c.controller().orElseThrow().id());

        ConfigResource resource = ConfigResource.topic(topic);
        assertEquals("3600000", get(admin.describeConfigs(List.of(resource))).get(resource).get("retention.ms").value());
        get(admin.incrementalAlterConfigs(Map.of(resource, List.of(AlterConfigOp.set("retention.ms", "7200000")))));
        Await.until(Duration.ofSeconds(30), () -> "7200000".equals(get(admin.describeConfigs(List.of(resource)))
            .get(resource).get("retention.ms").value()), () -> "retention.ms altered");

        get(admin.createPartitions(Map.of(topic, 4)));
        Await.until(Duration.ofSeconds(60), () -> get(admin.describeTopics(List.of(topic))).get(topic).partitions().size() == 4,
            () -> "four partitions");

        io.sluice.common.TopicPartition tp = new io.sluice.common.TopicPartition(topic, 1);
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 1, null, new byte[] {(byte) i}, List.of(), 1_000L * (i + 1)));
            }
            producer.flush();
        }
        assertEquals(0, get(admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))).get(tp).offset());
        assertEquals(10, get(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))).get(tp).offset());
        assertEquals(5, get(admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(5_500L)))).get(tp).offset());
        assertEquals(4, get(admin.deleteRecords(Map.of(tp, 4L))).get(tp));
        assertEquals(4, get(admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))).get(tp).offset());

        get(admin.deleteTopics(List.of(topic)));
        Await.until(Duration.ofSeconds(60), () -> !get(admin.listTopics()).contains(topic), () -> "topic deleted");
    }

    @Test
    void consumerGroupsThroughSluiceAdmin() throws Exception {
        String topic = "sluice-groups";
        String group = "sluice-group-1";
        get(admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))));
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, new byte[] {(byte) i}, List.of(), null));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
                Map.of("group.id", group))) {
            consumer.subscribe(List.of(topic));
            int[] count = {0};
            Await.until(Duration.ofSeconds(90), () -> {
                count[0] += consumer.poll(Duration.ofMillis(200)).count();
                return count[0] >= 20;
            }, () -> "consumed " + count[0]);
            consumer.commitSync();
            GroupDescription g = get(admin.describeConsumerGroups(List.of(group))).get(group);
            assertEquals("Stable", g.state());
            assertEquals("consumer", g.protocolType());
            assertEquals(1, g.members().size());
            assertEquals(List.of(new io.sluice.common.TopicPartition(topic, 0), new io.sluice.common.TopicPartition(topic, 1)),
                g.members().get(0).assignment());
            assertTrue(get(admin.listConsumerGroups()).stream().map(GroupListing::groupId).anyMatch(group::equals));
        }
        io.sluice.common.TopicPartition p0 = new io.sluice.common.TopicPartition(topic, 0);
        io.sluice.common.TopicPartition p1 = new io.sluice.common.TopicPartition(topic, 1);
        assertEquals(Map.of(p0, 10L, p1, 10L), get(admin.listConsumerGroupOffsets(group)));
        get(admin.alterConsumerGroupOffsets(group, Map.of(p0, 3L)));
        assertEquals(Map.of(p0, 3L, p1, 10L), get(admin.listConsumerGroupOffsets(group)));
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
                Map.of("group.id", group))) {
            assertEquals(3L, consumer.committed(java.util.Set.of(new TopicPartition(topic, 0)))
                .get(new TopicPartition(topic, 0)).offset(), "Kafka's consumer sees the altered offset");
        }
        get(admin.deleteConsumerGroups(List.of(group)));
        assertFalse(get(admin.listConsumerGroups()).stream().map(GroupListing::groupId).anyMatch(group::equals));
    }

    /** A JSON value type for the Jackson serializer. */
    record Reading(String sensor, double celsius, List<Integer> samples) {}

    /** Reads every record of partition 0 of {@code topic} from the beginning with SluiceConsumer in assign mode. */
    private <K, V> List<io.sluice.client.consumer.ConsumerRecord<K, V>> readAll(String topic, int expected,
            io.sluice.client.serialization.Deserializer<K> keys, io.sluice.client.serialization.Deserializer<V> values)
            throws Exception {
        List<io.sluice.client.consumer.ConsumerRecord<K, V>> read = new ArrayList<>();
        try (SluiceConsumer<K, V> consumer = SluiceConsumer.create(Map.of("bootstrap.servers",
                cluster.bootstrapServers(), "auto.offset.reset", "earliest", "fetch.max.wait.ms", 100), keys, values)) {
            consumer.assign(List.of(new io.sluice.common.TopicPartition(topic, 0)));
            Await.until(Duration.ofSeconds(60), () -> {
                ConsumerRecords<K, V> records = consumer.poll(Duration.ofMillis(200));
                records.forEach(read::add);
                return read.size() >= expected;
            }, () -> "read " + read.size() + " of " + expected + " from " + topic);
        }
        return read;
    }

    /** Each serializer's bytes read back through the matching deserializer; callbacks see what futures see. */
    @Test
    void typedSerializersRoundTripAndCallbacksReportEachSend() throws Exception {
        String topic = "sluice-serdes";
        get(admin.createTopics(List.of(new NewTopic(topic + "-string", 1, (short) 1),
            new NewTopic(topic + "-numbers", 1, (short) 1), new NewTopic(topic + "-json", 1, (short) 1))));
        Map<String, Object> base = Map.of("bootstrap.servers", cluster.bootstrapServers(), "linger.ms", 2);
        List<RecordMetadata> fromCallbacks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<RecordMetadata> fromFutures = new ArrayList<>();
        CountDownLatch called = new CountDownLatch(20);
        try (SluiceProducer<String, String> producer = SluiceProducer.create(base, Serdes.stringSerializer(),
                Serdes.stringSerializer())) {
            for (int i = 0; i < 20; i++) {
                fromFutures.add(get(producer.send(new ProducerRecord<>(topic + "-string", "k" + i, "värde-" + i),
                    (md, e) -> {
                        assertNull(e);
                        fromCallbacks.add(md);
                        called.countDown();
                    })));
            }
        }
        assertTrue(called.await(30, TimeUnit.SECONDS), "every callback ran");
        assertEquals(Set.copyOf(fromFutures), Set.copyOf(fromCallbacks), "callbacks and futures agree");
        var strings = readAll(topic + "-string", 20, Serdes.stringDeserializer(), Serdes.stringDeserializer());
        for (int i = 0; i < 20; i++) {
            assertEquals("k" + i, strings.get(i).key());
            assertEquals("värde-" + i, strings.get(i).value());
        }

        UUID id = UUID.randomUUID();
        try (SluiceProducer<Integer, Long> producer = SluiceProducer.create(base, Serdes.integerSerializer(),
                Serdes.longSerializer())) {
            producer.send(new ProducerRecord<>(topic + "-numbers", Integer.MIN_VALUE, Long.MAX_VALUE));
            producer.send(new ProducerRecord<>(topic + "-numbers", 42, -7L));
            producer.flush();
        }
        var numbers = readAll(topic + "-numbers", 2, Serdes.integerDeserializer(), Serdes.longDeserializer());
        assertEquals(Integer.MIN_VALUE, numbers.get(0).key());
        assertEquals(Long.MAX_VALUE, numbers.get(0).value());
        assertEquals(42, numbers.get(1).key());
        assertEquals(-7L, numbers.get(1).value());

        Reading reading = new Reading("s-1", 21.5, List.of(1, 2, 3));
        try (SluiceProducer<UUID, Reading> producer = SluiceProducer.create(base, Serdes.uuidSerializer(),
                Serdes.jsonSerializer())) {
            get(producer.send(new ProducerRecord<>(topic + "-json", id, reading)));
        }
        var json = readAll(topic + "-json", 1, Serdes.uuidDeserializer(), Serdes.jsonDeserializer(Reading.class));
        assertEquals(id, json.get(0).key());
        assertEquals(reading, json.get(0).value());
    }

    /** Round robin spreads records evenly whatever their keys; uniform sticky keeps one batch on one partition. */
    @Test
    void roundRobinAndUniformStickyPartitioners() throws Exception {
        String topic = "sluice-partitioners";
        int partitions = 4;
        get(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))));
        Await.until(Duration.ofSeconds(60), () -> get(admin.describeTopics(List.of(topic))).get(topic).partitions()
            .stream().allMatch(p -> p.leader() == 0), () -> "leaders elected");
        int[] perPartition = new int[partitions];
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("partitioner.class",
                RoundRobinPartitioner.class.getName()))) {
            for (int i = 0; i < 40; i++) {
                perPartition[get(producer.send(new ProducerRecord<>(topic, "same-key".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) i}))).partition()]++;
            }
        }
        assertArrayEquals(new int[] {10, 10, 10, 10}, perPartition, "round robin ignores the key");

        List<CompletableFuture<RecordMetadata>> batch = new ArrayList<>();
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("partitioner.class",
                UniformStickyPartitioner.class.getName(), "linger.ms", 60_000, "batch.size", 1_000_000))) {
            for (int i = 0; i < 30; i++) {
                batch.add(producer.send(new ProducerRecord<>(topic, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) i})));
            }
            producer.flush();
            Set<Integer> used = new java.util.HashSet<>();
            for (CompletableFuture<RecordMetadata> f : batch) {
                used.add(get(f).partition());
            }
            assertEquals(1, used.size(), "one batch of keyed records stays on one sticky partition: " + used);
        }
    }

    /** close(timeout) delivers what was sent before it; sending afterwards is refused. */
    @Test
    void closeDeliversPendingSendsAndRefusesNewOnes() throws Exception {
        String topic = "sluice-close";
        get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))));
        SluiceProducer<byte[], byte[]> producer = producer(Map.of("linger.ms", 60_000));
        List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pending.add(producer.send(new ProducerRecord<>(topic, new byte[] {(byte) i})));
        }
        producer.close(Duration.ofSeconds(60));
        for (int i = 0; i < pending.size(); i++) {
            assertEquals(i, pending.get(i).getNow(null).offset(), "delivered by close");
        }
        CompletableFuture<RecordMetadata> late = producer.send(new ProducerRecord<>(topic, new byte[] {1}));
        var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof IllegalStateException, "refused: " + failure.getCause());
    }

    /**
     * With idempotence (the default) and five requests in flight, many small batches to one partition land in
     * send order, each record once.
     */
    @Test
    void idempotentProducerKeepsSendOrderWithFiveRequestsInFlight() throws Exception {
        String topic = "sluice-idempotent";
        get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))));
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        try (SluiceProducer<byte[], byte[]> producer = producer(Map.of("enable.idempotence", "true", "acks", "all",
                "max.in.flight.requests.per.connection", 5, "batch.size", 512, "linger.ms", 0))) {
            for (int i = 0; i < 3_000; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null,
                    ("r" + i).getBytes(StandardCharsets.UTF_8), List.of(), null)));
            }
            producer.flush();
        }
        for (int i = 0; i < futures.size(); i++) {
            assertEquals(i, get(futures.get(i)).offset(), "record " + i + " at offset " + i);
        }
        io.sluice.common.TopicPartition tp = new io.sluice.common.TopicPartition(topic, 0);
        assertEquals(3_000, get(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))).get(tp).offset(), "no duplicates");
    }
}

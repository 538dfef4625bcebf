package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka Admin client against one broker: creating topics (name, partition, replication-factor and config
 * checks; validateOnly), listing, describing, altering configs, growing and deleting topics, describing the
 * cluster. Every test uses topic names of its own.
 */
class TopicAdminIT {
    private static final int DEFAULT_PARTITIONS = 2;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Kafka's default retention.ms: log.retention.hours=168, which the harness does not change. */
    private static final String DEFAULT_RETENTION_MS = Long.toString(168L * 60 * 60 * 1000);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static Admin admin;

    @BeforeAll
    static void startCluster() {
        cluster = SingleBrokerCluster.start(workDir, TopicAdminIT.class,
                b -> b.property("num.partitions", Integer.toString(DEFAULT_PARTITIONS))
                        .property("auto.create.topics.enable", "false"));
        admin = KafkaClients.admin(cluster.bootstrapServers());
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    // ---- create ------------------------------------------------------------------------------------------------

    @Test
    void createsTopicsWithValidNamesAndReportsTheirShape() throws Exception {
        List<String> names = List.of("valid-topic", "Valid_Topic.2", "x", "a-b_c.d-0123456789",
                "l".repeat(249));
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, 1, (short) 1));
        }
        CreateTopicsResult result = admin.createTopics(topics);
        for (String name : names) {
            get(result.values().get(name), "create " + abbreviate(name));
            assertEquals(1, get(result.numPartitions(name), "numPartitions " + abbreviate(name)));
            assertEquals(1, get(result.replicationFactor(name), "replicationFactor " + abbreviate(name)));
            Uuid id = get(result.topicId(name), "topicId " + abbreviate(name));
            assertNotNull(id);
            assertNotEquals(Uuid.ZERO_UUID, id, "topic id of " + abbreviate(name));
        }
        Set<String> listed = get(admin.listTopics().names(), "listTopics");
        assertTrue(listed.containsAll(names), "listTopics " + listed + " should contain " + names + logs());
    }

    @Test
    void aTopicWithoutPartitionsOrReplicationFactorGetsTheBrokerDefaults() throws Exception {
        String name = "broker-defaults";
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, Optional.empty(), Optional.empty())));
        get(result.all(), "create " + name);
        assertEquals(DEFAULT_PARTITIONS, get(result.numPartitions(name), "numPartitions"), "num.partitions applies");
        assertEquals(1, get(result.replicationFactor(name), "replicationFactor"));
        assertEquals(DEFAULT_PARTITIONS, describe(name).partitions().size());
    }

    @Test
    void invalidTopicNamesAreRefusedWithInvalidTopicException() throws Exception {
        List<String> invalid = List.of("bad name", "..", ".", "a".repeat(250), "slash/name", "tab\tname",
                "caf\u00e9", "star*", "__consumer_offsets");
        List<NewTopic> topics = new ArrayList<>();
        for (String name : invalid) {
            topics.add(new NewTopic(name, 1, (short) 1));
        }
        CreateTopicsResult result = admin.createTopics(topics);
        for (String name : invalid) {
            assertFailsWith(InvalidTopicException.class, result.values().get(name), "create '" + abbreviate(name) + "'");
        }
        Set<String> listed = get(admin.listTopics().names(), "listTopics");
        for (String name : invalid) {
            assertFalse(listed.contains(name), "'" + abbreviate(name) + "' must not exist: " + listed);
        }
    }

    @Test
    void aNameThatCollidesWithAnExistingOneOnDotVersusUnderscoreIsRefused() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("collide.me", 1, (short) 1))).all(), "create collide.me");
        assertFailsWith(InvalidTopicException.class,
                admin.createTopics(List.of(new NewTopic("collide_me", 1, (short) 1))).all(), "create collide_me");
    }

    @Test
    void creatingAnExistingTopicFailsWithTopicExistsOnlyForThatTopic() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("dup-topic", 1, (short) 1))).all(), "first create");
        CreateTopicsResult again = admin.createTopics(List.of(
                new NewTopic("dup-topic", 1, (short) 1), new NewTopic("dup-fresh", 1, (short) 1)));
        assertFailsWith(TopicExistsException.class, again.values().get("dup-topic"), "second create of dup-topic");
        get(again.values().get("dup-fresh"), "dup-fresh in the same request");
        assertEquals(1, describe("dup-topic").partitions().size());
    }

    @Test
    void invalidPartitionCountsAndReplicationFactorsAreRefused() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(
                new NewTopic("parts-zero", 0, (short) 1),
                new NewTopic("parts-negative", -5, (short) 1),
                new NewTopic("rf-too-big", 1, (short) 2),
                new NewTopic("rf-zero", 1, (short) 0)));
        assertFailsWith(InvalidPartitionsException.class, result.values().get("parts-zero"), "0 partitions");
        assertFailsWith(InvalidPartitionsException.class, result.values().get("parts-negative"), "-5 partitions");
        assertFailsWith(InvalidReplicationFactorException.class, result.values().get("rf-too-big"),
                "replication factor 2 with 1 broker");
        assertFailsWith(InvalidReplicationFactorException.class, result.values().get("rf-zero"),
                "replication factor 0");
        Set<String> listed = get(admin.listTopics().names(), "listTopics");
        for (String name : List.of("parts-zero", "parts-negative", "rf-too-big", "rf-zero")) {
            assertFalse(listed.contains(name), name + " must not exist: " + listed);
        }
    }

    @Test
    void validateOnlyChecksEverythingAndCreatesNothing() throws Exception {
        CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
        get(admin.createTopics(List.of(new NewTopic("existing-vo", 1, (short) 1))).all(), "create existing-vo");

        CreateTopicsResult result = admin.createTopics(List.of(
                new NewTopic("validate-only", 3, (short) 1).configs(Map.of("retention.ms", "1000")),
                new NewTopic("bad name vo", 1, (short) 1),
                new NewTopic("parts-zero-vo", 0, (short) 1),
                new NewTopic("rf-too-big-vo", 1, (short) 3),
                new NewTopic("bad-config-vo", 1, (short) 1).configs(Map.of("retention.ms", "not-a-number")),
                new NewTopic("existing-vo", 1, (short) 1)), validateOnly);
        get(result.values().get("validate-only"), "validateOnly of a valid topic");
        assertEquals(3, get(result.numPartitions("validate-only"), "numPartitions of validate-only"));
        assertFailsWith(InvalidTopicException.class, result.values().get("bad name vo"), "validateOnly bad name");
        assertFailsWith(InvalidPartitionsException.class, result.values().get("parts-zero-vo"),
                "validateOnly 0 partitions");
        assertFailsWith(InvalidReplicationFactorException.class, result.values().get("rf-too-big-vo"),
                "validateOnly replication factor 3");
        assertFailsWith(InvalidConfigurationException.class, result.values().get("bad-config-vo"),
                "validateOnly retention.ms=not-a-number");
        assertFailsWith(TopicExistsException.class, result.values().get("existing-vo"), "validateOnly existing");

        Set<String> listed = get(admin.listTopics().names(), "listTopics");
        assertFalse(listed.contains("validate-only"), "validateOnly must not create the topic: " + listed);
        assertFailsWith(UnknownTopicOrPartitionException.class,
                admin.describeTopics(List.of("validate-only")).allTopicNames(), "describe after validateOnly");

        // And the real creation afterwards is the first one.
        get(admin.createTopics(List.of(new NewTopic("validate-only", 3, (short) 1))).all(),
                "real create after validateOnly");
        assertEquals(3, describe("validate-only").partitions().size());
    }

    @Test
    void topicConfigsGivenAtCreationAreDynamicTopicConfigs() throws Exception {
        String name = "with-configs";
        Map<String, String> configs = Map.of("retention.ms", "3600000", "cleanup.policy", "compact",
                "max.message.bytes", "2000000");
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs)));
        get(result.all(), "create " + name);

        Config described = describeConfigs(name);
        for (Map.Entry<String, String> e : configs.entrySet()) {
            ConfigEntry entry = described.get(e.getKey());
            assertNotNull(entry, e.getKey() + " is not described: " + described);
            assertEquals(e.getValue(), entry.value(), e.getKey() + ": " + entry);
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entry.source(), e.getKey() + ": " + entry);
        }
        ConfigEntry segmentBytes = described.get("segment.bytes");
        assertNotNull(segmentBytes, "segment.bytes is not described: " + described);
        assertNotEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, segmentBytes.source(),
                "segment.bytes was not set on the topic: " + segmentBytes);
        assertNotNull(segmentBytes.value(), "segment.bytes has a value");

        // CreateTopics v5+ returns the topic's configs as well.
        Config returned = get(result.config(name), "config from the CreateTopics response");
        ConfigEntry retention = returned.get("retention.ms");
        assertNotNull(retention, "retention.ms in the CreateTopics response: " + returned);
        assertEquals("3600000", retention.value(), "retention.ms in the CreateTopics response: " + retention);
    }

    @Test
    void invalidTopicConfigsAtCreationAreRefused() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(
                new NewTopic("cfg-not-a-number", 1, (short) 1).configs(Map.of("retention.ms", "abc")),
                new NewTopic("cfg-bad-enum", 1, (short) 1).configs(Map.of("cleanup.policy", "sometimes")),
                new NewTopic("cfg-unknown-key", 1, (short) 1).configs(Map.of("no.such.config", "1"))));
        assertFailsWith(InvalidConfigurationException.class, result.values().get("cfg-not-a-number"),
                "retention.ms=abc");
        assertFailsWith(InvalidConfigurationException.class, result.values().get("cfg-bad-enum"),
                "cleanup.policy=sometimes");
        assertFailsWith(InvalidConfigurationException.class, result.values().get("cfg-unknown-key"),
                "no.such.config=1");
        Set<String> listed = get(admin.listTopics().names(), "listTopics");
        for (String name : List.of("cfg-not-a-number", "cfg-bad-enum", "cfg-unknown-key")) {
            assertFalse(listed.contains(name), name + " must not exist: " + listed);
        }
    }

    // ---- describe ----------------------------------------------------------------------------------------------

    @Test
    void describeTopicsShowsPartitionsLeaderIsrAndTopicId() throws Exception {
        String name = "describe-me";
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, 3, (short) 1)));
        get(result.all(), "create " + name);
        Uuid createdId = get(result.topicId(name), "topicId");

        TopicDescription description = describe(name);
        assertEquals(name, description.name());
        assertFalse(description.isInternal());
        assertEquals(createdId, description.topicId(), "the topic id from Metadata equals the one from CreateTopics");
        assertEquals(3, description.partitions().size(), description.toString());
        for (int p = 0; p < 3; p++) {
            TopicPartitionInfo info = description.partitions().get(p);
            assertEquals(p, info.partition(), description.toString());
            assertNotNull(info.leader(), "partition " + p + " has a leader: " + description);
            assertEquals(0, info.leader().id(), "leader of partition " + p + ": " + description);
            assertEquals(List.of(0), ids(info.replicas()), "replicas of partition " + p + ": " + description);
            assertEquals(List.of(0), ids(info.isr()), "ISR of partition " + p + ": " + description);
        }

        assertFailsWith(UnknownTopicOrPartitionException.class,
                admin.describeTopics(List.of("no-such-topic")).allTopicNames(), "describe a missing topic");
    }

    @Test
    void describeTopicsByTopicId() throws Exception {
        String name = "describe-by-id";
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)));
        get(result.all(), "create " + name);
        Uuid createdId = get(result.topicId(name), "topicId");

        // The Kafka Admin client sends Metadata v12 with [{topicId=<id>, name=""}].
        Map<Uuid, TopicDescription> byId = get(
                admin.describeTopics(TopicCollection.ofTopicIds(List.of(createdId))).allTopicIds(), "describe by id");
        assertEquals(Set.of(createdId), byId.keySet());
        assertEquals(name, byId.get(createdId).name());
        assertEquals(2, byId.get(createdId).partitions().size());

        Uuid unknown = Uuid.randomUuid();
        assertFailsWith(UnknownTopicIdException.class,
                admin.describeTopics(TopicCollection.ofTopicIds(List.of(unknown))).allTopicIds(),
                "describe an unknown topic id");
    }

    @Test
    void describeClusterReturnsTheBrokerAsNodeAndController() throws Exception {
        DescribeClusterResult result = admin.describeCluster();
        Collection<Node> nodes = get(result.nodes(), "nodes");
        assertEquals(1, nodes.size(), "nodes: " + nodes);
        Node node = nodes.iterator().next();
        assertEquals(cluster.broker().brokerId(), node.id(), "node: " + node);
        assertEquals(cluster.broker().port(), node.port(), "node: " + node);
        Node controller = get(result.controller(), "controller");
        assertNotNull(controller, "controller");
        assertEquals(node.id(), controller.id(), "controller: " + controller);
        String clusterId = get(result.clusterId(), "clusterId");
        assertNotNull(clusterId, "cluster id");
        assertFalse(clusterId.isBlank(), "cluster id");
        assertEquals(clusterId, get(admin.describeCluster().clusterId(), "clusterId again"),
                "the cluster id is stable");
    }

    // ---- configs -----------------------------------------------------------------------------------------------

    @Test
    void incrementalAlterConfigsSetsAndDeletesTopicConfigs() throws Exception {
        String name = "alter-me";
        get(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all(), "create " + name);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        assertNotEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, describeConfigs(name).get("retention.ms").source());

        get(admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)))).all(),
                "SET retention.ms and cleanup.policy");
        Config afterSet = describeConfigs(name);
        assertEquals("7200000", afterSet.get("retention.ms").value(), afterSet.get("retention.ms").toString());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, afterSet.get("retention.ms").source());
        assertEquals("compact", afterSet.get("cleanup.policy").value(), afterSet.get("cleanup.policy").toString());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, afterSet.get("cleanup.policy").source());

        get(admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all(),
                "DELETE retention.ms");
        Config afterDelete = describeConfigs(name);
        ConfigEntry retention = afterDelete.get("retention.ms");
        assertNotEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source(), retention.toString());
        assertEquals(DEFAULT_RETENTION_MS, retention.value(), "retention.ms falls back to the default: " + retention);
        assertEquals("compact", afterDelete.get("cleanup.policy").value(), "cleanup.policy stays set");
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, afterDelete.get("cleanup.policy").source());
    }

    @Test
    void anInvalidConfigValueIsRefusedAndChangesNothing() throws Exception {
        String name = "alter-invalid";
        get(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)
                .configs(Map.of("retention.ms", "5000000")))).all(), "create " + name);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);

        assertFailsWith(InvalidConfigurationException.class, admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "abc"), AlterConfigOp.OpType.SET)))).all(),
                "SET retention.ms=abc");
        assertFailsWith(InvalidConfigurationException.class, admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET)))).all(),
                "SET no.such.config=1");
        assertEquals("5000000", describeConfigs(name).get("retention.ms").value(), "retention.ms is unchanged");

        ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic-to-alter");
        assertFailsWith(UnknownTopicOrPartitionException.class, admin.incrementalAlterConfigs(Map.of(missing, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all(),
                "alter a missing topic");
    }

    // ---- partitions and deletion -------------------------------------------------------------------------------

    @Test
    void createPartitionsGrowsATopicAndRefusesToShrinkIt() throws Exception {
        String name = "grow-me";
        get(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all(), "create " + name);

        get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(3))).all(), "grow to 3");
        TopicDescription grown = describe(name);
        assertEquals(3, grown.partitions().size(), grown.toString());
        for (TopicPartitionInfo info : grown.partitions()) {
            assertNotNull(info.leader(), "new partition " + info.partition() + " has a leader: " + grown);
            assertEquals(0, info.leader().id(), grown.toString());
        }

        assertFailsWith(InvalidPartitionsException.class,
                admin.createPartitions(Map.of(name, NewPartitions.increaseTo(2))).all(), "decrease to 2");
        assertFailsWith(InvalidPartitionsException.class,
                admin.createPartitions(Map.of(name, NewPartitions.increaseTo(3))).all(), "same count 3");
        assertFailsWith(UnknownTopicOrPartitionException.class,
                admin.createPartitions(Map.of("no-such-topic-to-grow", NewPartitions.increaseTo(3))).all(),
                "grow a missing topic");
        assertEquals(3, describe(name).partitions().size());

        // A new partition takes records.
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>(name, 2, null,
                    "to the new partition".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            assertEquals(2, metadata.partition());
            assertEquals(0, metadata.offset());
        }
    }

    @Test
    void deleteTopicsRemovesTheTopicAndTheNameCanBeReused() throws Exception {
        String name = "delete-me";
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)));
        get(created.all(), "create " + name);
        Uuid firstId = get(created.topicId(name), "topic id");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(name, 0, null, "doomed".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }

        get(admin.deleteTopics(List.of(name)).all(), "delete " + name);
        Await.until(WAIT, () -> !admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(name),
                () -> name + " disappears from listTopics" + logs());
        assertFailsWith(UnknownTopicOrPartitionException.class,
                admin.describeTopics(List.of(name)).allTopicNames(), "describe a deleted topic");
        assertFailsWith(UnknownTopicOrPartitionException.class, admin.deleteTopics(List.of(name)).all(),
                "delete it again");
        assertFailsWith(UnknownTopicOrPartitionException.class,
                admin.deleteTopics(List.of("never-existed")).all(), "delete a topic that never existed");

        // The name is free again (deletion may still be finishing: retry while the broker says it exists).
        AtomicReference<Uuid> secondId = new AtomicReference<>();
        Await.until(WAIT, () -> {
            CreateTopicsResult again = admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)));
            try {
                again.all().get(10, TimeUnit.SECONDS);
                secondId.set(again.topicId(name).get(10, TimeUnit.SECONDS));
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return false;
                }
                throw e;
            }
        }, () -> name + " can be created again after its deletion" + logs());
        assertNotEquals(firstId, secondId.get(), "the re-created topic has a new id");
        TopicDescription recreated = describe(name);
        assertEquals(1, recreated.partitions().size(), recreated.toString());
        assertEquals(secondId.get(), recreated.topicId());
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            TopicPartition tp = new TopicPartition(name, 0);
            assertEquals(0L, consumer.endOffsets(List.of(tp), Duration.ofSeconds(20)).get(tp),
                    "the re-created topic starts empty");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static TopicDescription describe(String name) throws Exception {
        Map<String, TopicDescription> all = get(admin.describeTopics(List.of(name)).allTopicNames(), "describe " + name);
        return all.get(name);
    }

    private static Config describeConfigs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> all = get(admin.describeConfigs(List.of(resource)).all(), "describeConfigs " + topic);
        Config config = all.get(resource);
        assertNotNull(config, "describeConfigs " + topic + ": " + all);
        return config;
    }

    private static List<Integer> ids(List<Node> nodes) {
        List<Integer> ids = new ArrayList<>();
        nodes.forEach(n -> ids.add(n.id()));
        return ids;
    }

    static <T> T get(KafkaFuture<T> future, String what) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause() + logs(), e.getCause());
        }
    }

    static <E extends Throwable> E assertFailsWith(Class<E> expected, KafkaFuture<?> future, String what)
            throws Exception {
        try {
            Object value = future.get(30, TimeUnit.SECONDS);
            fail(what + ": expected " + expected.getSimpleName() + " but it succeeded (" + value + ")");
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!expected.isInstance(cause)) {
                throw new AssertionError(what + ": expected " + expected.getSimpleName() + " but got " + cause, cause);
            }
            assertNotNull(cause.getMessage(), what + ": the error carries a message");
            return expected.cast(cause);
        }
    }

    private static String abbreviate(String name) {
        return name.length() > 40 ? name.substring(0, 20) + "...(" + name.length() + " chars)" : name;
    }

    private static String logs() {
        return cluster == null ? "" : cluster.brokerLogs(20);
    }
}

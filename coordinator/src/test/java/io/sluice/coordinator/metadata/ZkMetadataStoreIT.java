package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZkMetadataStoreIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private CuratorFramework client;
    private ZkMetadataStore store;

    @BeforeEach
    void setUp() throws Exception {
        client = zk.newClient();
        store = new ZkMetadataStore(client);
        store.ensurePersistentPaths();
    }

    private String text(String path) throws Exception {
        return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    }

    @Test
    void clusterIdIsCreatedOnceAndSharedByEveryBroker() throws Exception {
        String id = store.getOrCreateClusterId();
        assertEquals(22, id.length());
        assertEquals(id, new ZkMetadataStore(zk.newClient()).getOrCreateClusterId());
        assertEquals("{\"version\":\"1\",\"id\":\"" + id + "\"}", text(ZkPaths.CLUSTER_ID));
    }

    @Test
    void createTopicWritesAssignmentAndConfig() throws Exception {
        Uuid id = Uuid.randomUuid();
        store.createTopic("orders", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1)), Map.of("retention.ms", "1000"));

        assertEquals(new Versioned<>(new TopicAssignment("orders", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1))), 0),
            store.readTopicAssignment("orders").orElseThrow());
        assertEquals("{\"version\":1,\"config\":{\"retention.ms\":\"1000\"}}", text(ZkPaths.topicConfig("orders")));
        assertEquals(Map.of("retention.ms", "1000"), store.readTopicConfig("orders"));
        assertEquals(List.of("orders"), store.topicNames());

        TopicExistsException e = assertThrows(TopicExistsException.class,
            () -> store.createTopic("orders", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of()));
        assertEquals("Topic 'orders' already exists", e.getMessage());
        assertEquals(id, store.readTopicAssignment("orders").orElseThrow().value().topicId());
    }

    @Test
    void aLeftoverConfigZnodeIsOverwritten() throws Exception {
        client.create().forPath(ZkPaths.topicConfig("t"), ZkJson.encodeTopicConfig(Map.of("stale", "1")));
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of("fresh", "2"));
        assertEquals(Map.of("fresh", "2"), store.readTopicConfig("t"));
    }

    @Test
    void aTopicMarkedForDeletionCannotBeCreatedAgainYet() {
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        assertTrue(store.markTopicForDeletion("t"));
        assertFalse(store.markTopicForDeletion("t"));
        TopicExistsException e = assertThrows(TopicExistsException.class,
            () -> store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of()));
        assertTrue(e.getMessage().contains("marked for deletion"), e.getMessage());
        assertThrows(UnknownTopicException.class, () -> store.markTopicForDeletion("nope"));
    }

    @Test
    void addPartitionsIsConditionalAndOnlyAdds() {
        Uuid id = Uuid.randomUuid();
        store.createTopic("t", id, Map.of(0, List.of(1, 2)), Map.of());
        TopicAssignment grown = new TopicAssignment("t", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1)));

        assertEquals(new CasResult.Written(1), store.addPartitions("t", grown, 0));
        assertEquals(2, store.readTopicAssignment("t").orElseThrow().value().partitionCount());
        assertInstanceOf(CasResult.StaleVersion.class, store.addPartitions("t",
            new TopicAssignment("t", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1), 2, List.of(1))), 0));
        assertThrows(IllegalArgumentException.class, () -> store.addPartitions("t",
            new TopicAssignment("t", id, Map.of(0, List.of(1, 2))), 1));
        assertThrows(IllegalArgumentException.class, () -> store.addPartitions("t",
            new TopicAssignment("t", id, Map.of(0, List.of(2, 1), 1, List.of(2, 1), 2, List.of(1))), 1));
        assertInstanceOf(CasResult.NoNode.class, store.addPartitions("nope",
            new TopicAssignment("nope", id, Map.of(0, List.of(1), 1, List.of(1))), 0));
    }

    @Test
    void setTopicConfigWritesAChangeNotification() throws Exception {
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        int version = store.setTopicConfig("t", Map.of("cleanup.policy", "compact"));
        assertEquals(1, version);
        assertEquals(Map.of("cleanup.policy", "compact"), store.readTopicConfig("t"));

        List<String> changes = client.getChildren().forPath(ZkPaths.CONFIG_CHANGES);
        assertEquals(List.of("config_change_0000000000"), changes);
        assertEquals("{\"version\":2,\"entity_path\":\"topics/t\"}", text(ZkPaths.CONFIG_CHANGES + "/" + changes.get(0)));

        assertInstanceOf(CasResult.StaleVersion.class, store.setTopicConfig("t", Map.of(), 0));
        assertEquals(new CasResult.Written(2), store.setTopicConfig("t", Map.of(), 1));
        assertEquals(2, client.getChildren().forPath(ZkPaths.CONFIG_CHANGES).size());
        assertThrows(UnknownTopicException.class, () -> store.setTopicConfig("nope", Map.of("a", "b")));
    }

    @Test
    void partitionStateCompareAndSet() throws Exception {
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        String path = ZkPaths.partitionState("t", 0);
        client.create().creatingParentsIfNeeded().forPath(path,
            ZkJson.encodePartitionState(new PartitionState(1, 0, List.of(1, 2), 1, -1)));

        PartitionState shrunk = store.readPartitionState("t", 0).orElseThrow().withIsr(List.of(1));
        assertEquals(new CasResult.Written(1), store.compareAndSetPartitionState("t", 0, shrunk, 0));
        assertEquals(new PartitionState(1, 0, List.of(1), 1, 1), store.readPartitionState("t", 0).orElseThrow());
        assertEquals(new CasResult.StaleVersion(path, 0),
            store.compareAndSetPartitionState("t", 0, shrunk.withIsr(List.of(1, 2)), 0));
        assertInstanceOf(CasResult.NoNode.class, store.compareAndSetPartitionState("t", 1, shrunk, 0));
    }

    @Test
    void producerIdBlocksAreDisjointUnderConcurrentAllocation() throws Exception {
        List<ZkMetadataStore> brokers = List.of(store, new ZkMetadataStore(zk.newClient()), new ZkMetadataStore(zk.newClient()));
        ConcurrentLinkedQueue<ProducerIdBlock> blocks = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int brokerId = t % 3;
                ZkMetadataStore broker = brokers.get(brokerId);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        blocks.add(broker.allocateProducerIdBlock(brokerId, 1000));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<ProducerIdBlock> sorted = new ArrayList<>(blocks);
        sorted.sort(Comparator.comparingLong(ProducerIdBlock::firstProducerId));
        assertEquals(60, sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            assertEquals(i * 1000L, sorted.get(i).firstProducerId(), "blocks overlap or leave a gap: " + sorted);
            assertEquals(i * 1000L + 999, sorted.get(i).lastProducerId());
        }
        assertEquals("{\"version\":1,\"broker\":" + sorted.get(59).brokerId()
            + ",\"block_start\":\"59000\",\"block_end\":\"59999\"}", text(ZkPaths.LATEST_PRODUCER_ID_BLOCK));
    }
}

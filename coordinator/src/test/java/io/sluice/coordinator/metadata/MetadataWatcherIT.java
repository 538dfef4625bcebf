package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.registration.BrokerRegistration;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetadataWatcherIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private CuratorFramework client;
    private ZkMetadataStore store;
    private MetadataWatcher watcher;
    private final LinkedBlockingQueue<ClusterImage> images = new LinkedBlockingQueue<>();
    private final Set<String> listenerThreads = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws Exception {
        client = zk.newClient();
        store = new ZkMetadataStore(client);
        store.ensurePersistentPaths();
        watcher = zk.closeAfterTest(new MetadataWatcher(client));
        watcher.start();
        assertTrue(watcher.awaitInitialized(10, TimeUnit.SECONDS));
        watcher.addListener(image -> {
            listenerThreads.add(Thread.currentThread().getName());
            images.add(image);
        });
    }

    private ClusterImage awaitImage(String what, java.util.function.Predicate<ClusterImage> condition) throws InterruptedException {
        ClusterImage image = Waits.next(images, what, condition);
        assertEquals(Set.of("metadata-watcher"), listenerThreads);
        return image;
    }

    private BrokerRegistration register(CuratorFramework on, int id) throws Exception {
        BrokerRegistration registration = zk.closeAfterTest(new BrokerRegistration(on, new BrokerInfo(id,
            List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")), Optional.empty(), -1),
            Duration.ofSeconds(5), Clock.systemUTC()));
        registration.start();
        return registration;
    }

    @Test
    void theFirstImageIsDeliveredToANewListener() throws Exception {
        ClusterImage first = awaitImage("the initial image", image -> true);
        assertEquals(watcher.current(), first);
        assertTrue(first.brokers().isEmpty());
    }

    @Test
    void brokersAppearWithTheirEpochAndDisappearWhenTheyDie() throws Exception {
        CuratorFramework brokerClient = zk.newClient();
        BrokerRegistration registration = register(brokerClient, 3);
        ClusterImage image = awaitImage("broker 3", i -> i.isLive(3));
        assertEquals(registration.brokerEpoch(), image.broker(3).orElseThrow().brokerEpoch());
        assertEquals(9003, image.broker(3).orElseThrow().endpoint("PLAINTEXT").orElseThrow().port());

        zk.expireSession(brokerClient);                    // the broker's session dies; it re-registers
        long oldEpoch = registration.brokerEpoch();
        awaitImage("broker 3 re-registered", i -> i.isLive(3) && i.broker(3).orElseThrow().brokerEpoch() != oldEpoch);

        registration.close();
        awaitImage("broker 3 gone", i -> !i.isLive(3));
    }

    @Test
    void topicsConfigsStatesAndDeletionMarkersAreTracked() throws Exception {
        Uuid id = Uuid.randomUuid();
        store.createTopic("orders", id, Map.of(0, List.of(1), 1, List.of(1)), Map.of("retention.ms", "5"));
        // The assignment and config znodes are written in one transaction but may reach the image one at a time.
        ClusterImage image = awaitImage("topic orders with its config",
            i -> i.topic("orders").map(t -> !t.configs().isEmpty()).orElse(false));
        TopicImage orders = image.topic("orders").orElseThrow();
        assertEquals(id, orders.id());
        assertEquals(2, orders.partitionCount());
        assertEquals(Map.of("retention.ms", "5"), orders.configs());
        assertTrue(orders.partition(0).orElseThrow().state().isEmpty());

        store.setTopicConfig("orders", Map.of("retention.ms", "6"));
        awaitImage("new config", i -> i.topic("orders").orElseThrow().configs().equals(Map.of("retention.ms", "6")));

        client.create().creatingParentsIfNeeded().forPath(ZkPaths.partitionState("orders", 1),
            ZkJson.encodePartitionState(new PartitionState(1, 0, List.of(1), 1, -1)));
        image = awaitImage("partition state", i -> i.partitionState("orders", 1).isPresent());
        assertEquals(new PartitionState(1, 0, List.of(1), 1, 0), image.partitionState("orders", 1).orElseThrow());

        store.compareAndSetPartitionState("orders", 1, new PartitionState(1, 0, List.of(), 1, 0), 0);
        awaitImage("state version 1", i -> i.partitionState("orders", 1).orElseThrow().zkVersion() == 1);

        store.markTopicForDeletion("orders");
        awaitImage("deletion marker", i -> i.isPendingDeletion("orders"));
    }

    @Test
    void controllerAndEpochAreTracked() throws Exception {
        client.create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.encodeControllerEpoch(4));
        client.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, ZkJson.encodeController(2, 1));
        ClusterImage image = awaitImage("controller 2", i -> i.controllerId() == 2);
        assertEquals(4, image.controllerEpoch());
        client.delete().forPath(ZkPaths.CONTROLLER);
        awaitImage("no controller", i -> !i.hasController());
    }

    @Test
    void aMalformedZnodeIsLeftOutWithoutHidingTheRest() throws Exception {
        client.create().forPath(ZkPaths.topic("broken"), "{not json".getBytes(StandardCharsets.UTF_8));
        store.createTopic("fine", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        ClusterImage image = awaitImage("topic fine", i -> i.topic("fine").isPresent());
        assertFalse(image.topic("broken").isPresent());
    }

    @Test
    void aClosedListenerHearsNothingMore() throws Exception {
        LinkedBlockingQueue<ClusterImage> other = new LinkedBlockingQueue<>();
        MetadataWatcher.ListenerRegistration registration = watcher.addListener(other::add);
        Waits.next(other, "initial image", i -> true);
        registration.close();
        store.createTopic("after", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        awaitImage("topic after", i -> i.topic("after").isPresent());   // the other listener has been told by now
        assertTrue(other.stream().noneMatch(i -> i.topic("after").isPresent()));
    }
}

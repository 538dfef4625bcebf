package io.sluice.coordinator.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BrokerRegistrationIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

    private static BrokerInfo broker(int id) {
        return new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092 + id, "PLAINTEXT")),
            Optional.of("rack-" + id), BrokerInfo.UNKNOWN_EPOCH);
    }

    private CuratorFramework newBrokerClient() throws Exception {
        CuratorFramework client = zk.newClient();
        new ZkMetadataStore(client).ensurePersistentPaths();
        return client;
    }

    private BrokerRegistration register(CuratorFramework client, int id, Duration staleWait) throws Exception {
        BrokerRegistration registration = zk.closeAfterTest(new BrokerRegistration(client, broker(id), staleWait, CLOCK));
        registration.start();
        return registration;
    }

    @Test
    void registersAnEphemeralZnodeWithKafkaJsonAndItsCzxidAsEpoch() throws Exception {
        CuratorFramework client = newBrokerClient();
        BrokerRegistration registration = register(client, 1, Duration.ofSeconds(5));

        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.brokerId(1));
        assertEquals("{\"version\":5,\"host\":\"127.0.0.1\",\"port\":9093,\"jmx_port\":-1,\"timestamp\":\"1700000000000\","
            + "\"endpoints\":[\"PLAINTEXT://127.0.0.1:9093\"],\"listener_security_protocol_map\":{\"PLAINTEXT\":\"PLAINTEXT\"},"
            + "\"rack\":\"rack-1\",\"features\":{}}", new String(data, StandardCharsets.UTF_8));
        assertEquals(client.getZookeeperClient().getZooKeeper().getSessionId(), stat.getEphemeralOwner());
        assertEquals(stat.getCzxid(), registration.brokerEpoch());
        assertEquals(broker(1).withBrokerEpoch(stat.getCzxid()), ZkJson.decodeBrokerRegistration(1, data, stat.getCzxid()));
    }

    @Test
    void closeDeregisters() throws Exception {
        CuratorFramework client = newBrokerClient();
        BrokerRegistration registration = register(client, 1, Duration.ofSeconds(5));
        registration.close();
        assertNull(client.checkExists().forPath(ZkPaths.brokerId(1)));
    }

    @Test
    void aSecondLiveBrokerWithTheSameIdIsRefused() throws Exception {
        CuratorFramework first = newBrokerClient();
        BrokerRegistration live = register(first, 1, Duration.ofSeconds(5));
        long firstSession = first.getZookeeperClient().getZooKeeper().getSessionId();

        CuratorFramework second = newBrokerClient();
        BrokerRegistration duplicate = zk.closeAfterTest(
            new BrokerRegistration(second, broker(1), Duration.ofMillis(700), CLOCK));
        BrokerIdInUseException e = assertThrows(BrokerIdInUseException.class, duplicate::start);
        assertTrue(e.getMessage().startsWith("Broker id 1 is already registered by another live broker (session 0x"
            + Long.toHexString(firstSession) + ")"), e.getMessage());

        duplicate.close();                                  // must not delete the live broker's znode
        Stat stat = first.checkExists().forPath(ZkPaths.brokerId(1));
        assertEquals(live.brokerEpoch(), stat.getCzxid());
        assertEquals(firstSession, stat.getEphemeralOwner());
    }

    @Test
    void aCrashedIncarnationsRegistrationIsWaitedOut() throws Exception {
        CuratorFramework client = newBrokerClient();
        // The "crashed" broker: a raw handle with a 1 s session that registers, then stops talking to the server
        // without closing its session (as a killed process would).
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper crashed = new ZooKeeper(zk.connectString(), 1000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        crashed.create(ZkPaths.brokerId(1), ZkJson.encodeBrokerRegistration(broker(1), 1),
            ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        long staleOwner = crashed.getSessionId();
        crashed.getTestable().injectSessionExpiration();    // client side only: the server session lives on

        BrokerRegistration registration = register(client, 1, Duration.ofSeconds(15));

        Stat stat = client.checkExists().forPath(ZkPaths.brokerId(1));
        assertNotEquals(staleOwner, stat.getEphemeralOwner());
        assertEquals(client.getZookeeperClient().getZooKeeper().getSessionId(), stat.getEphemeralOwner());
        assertEquals(stat.getCzxid(), registration.brokerEpoch());
        crashed.close();
    }

    @Test
    void registrationIsRecreatedWithANewEpochAfterSessionExpiry() throws Exception {
        CuratorFramework client = newBrokerClient();
        BrokerRegistration registration = register(client, 1, Duration.ofSeconds(5));
        LinkedBlockingQueue<Long> epochs = new LinkedBlockingQueue<>();
        registration.addEpochListener(epochs::add);
        long firstEpoch = registration.brokerEpoch();
        long firstSession = client.getZookeeperClient().getZooKeeper().getSessionId();

        zk.expireSession(client);

        long newEpoch = Waits.next(epochs, "a new broker epoch", e -> e != firstEpoch);
        assertEquals(newEpoch, registration.brokerEpoch());
        Stat stat = client.checkExists().forPath(ZkPaths.brokerId(1));
        assertEquals(newEpoch, stat.getCzxid());
        assertNotEquals(firstSession, stat.getEphemeralOwner());
        assertEquals(client.getZookeeperClient().getZooKeeper().getSessionId(), stat.getEphemeralOwner());
        assertTrue(newEpoch > firstEpoch);
    }
}

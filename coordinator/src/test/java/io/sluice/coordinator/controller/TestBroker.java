package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.registration.BrokerRegistration;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;

/**
 * One broker's ZooKeeper side for controller integration tests: its own client (session), metadata watcher,
 * registration and controller candidacy. No logs: tests play the brokers' part (ISR expansion, deletion
 * confirmations) by hand.
 */
final class TestBroker {
    final int id;
    final CuratorFramework client;
    final ZkMetadataStore store;
    final MetadataWatcher watcher;
    final ControllerElection election;
    private final ZooKeeperExtension zk;
    BrokerRegistration registration;

    TestBroker(ZooKeeperExtension zk, int id, ControllerSettings settings) throws Exception {
        this.zk = zk;
        this.id = id;
        client = zk.newClient();
        store = new ZkMetadataStore(client);
        store.ensurePersistentPaths();
        register();
        watcher = zk.closeAfterTest(new MetadataWatcher(client));
        watcher.start();
        assertTrue(watcher.awaitInitialized(10, TimeUnit.SECONDS));
        election = zk.closeAfterTest(new ControllerElection(client, id, watcher, Clock.systemUTC(), settings));
    }

    /** Settings for tests: automatic rebalance off unless a test turns it on; deletions wait for replicas. */
    static ControllerSettings settings() {
        return ControllerSettings.DEFAULTS.withAutoLeaderRebalance(false, 300_000, 10);
    }

    TestBroker startCandidacy() {
        election.start();
        return this;
    }

    void register() throws Exception {
        registration = zk.closeAfterTest(new BrokerRegistration(client, new BrokerInfo(id,
            List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")), Optional.empty(), -1),
            Duration.ofSeconds(5), Clock.systemUTC()));
        registration.start();
    }

    /** The broker dies: its registration goes. */
    void deregister() throws Exception {
        registration.close();
    }

    ClusterImage image() {
        return watcher.current();
    }

    ClusterImage awaitImage(String what, Predicate<ClusterImage> condition) throws InterruptedException {
        Waits.until(what, () -> condition.test(watcher.current()));
        return watcher.current();
    }

    PartitionState state(String topic, int partition) {
        return store.readPartitionState(topic, partition).orElseThrow();
    }

    /** Plays the leader: adds {@code replica} to the ISR with a conditional write, as the replication code does. */
    void expandIsr(String topic, int partition, int replica) throws InterruptedException {
        Waits.until("ISR of " + topic + "-" + partition + " expanded with " + replica, () -> {
            PartitionState s = state(topic, partition);
            if (s.isr().contains(replica)) {
                return true;
            }
            List<Integer> isr = new java.util.ArrayList<>(s.isr());
            isr.add(replica);
            store.compareAndSetPartitionState(topic, partition, s.withIsr(isr), s.zkVersion());
            return false;
        });
    }
}

package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.metadata.ZkMetadataStore;
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
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControllerIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    /** One broker's ZooKeeper side: client, watcher, optional registration, controller candidacy. */
    private static final class Node {
        final int id;
        final CuratorFramework client;
        final ZkMetadataStore store;
        final MetadataWatcher watcher;
        final ControllerElection election;
        BrokerRegistration registration;

        Node(int id, boolean register, TopicDeletionHook hook) throws Exception {
            this.id = id;
            client = zk.newClient();
            store = new ZkMetadataStore(client);
            store.ensurePersistentPaths();
            if (register) {
                registration = zk.closeAfterTest(new BrokerRegistration(client, new BrokerInfo(id,
                    List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")), Optional.empty(), -1),
                    Duration.ofSeconds(5), Clock.systemUTC()));
                registration.start();
            }
            watcher = zk.closeAfterTest(new MetadataWatcher(client));
            watcher.start();
            assertTrue(watcher.awaitInitialized(10, TimeUnit.SECONDS));
            election = zk.closeAfterTest(new ControllerElection(client, id, watcher, Clock.systemUTC(), hook));
        }

        Node start() {
            election.start();
            return this;
        }
    }

    private static Node node(int id) throws Exception {
        return new Node(id, true, TopicDeletionHook.IMMEDIATE);
    }

    private static String text(CuratorFramework client, String path) throws Exception {
        return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    }

    private static Optional<PartitionState> state(Node node, String topic, int partition) {
        return node.store.readPartitionState(topic, partition);
    }

    private static void awaitState(Node node, String topic, int partition, PartitionState expected) throws InterruptedException {
        Waits.until(topic + "-" + partition + " = " + expected,
            () -> state(node, topic, partition).map(s -> s.withZkVersion(expected.zkVersion()).equals(expected)).orElse(false));
    }

    @Test
    void oneOfTwoCandidatesWinsAndFailoverBumpsTheEpoch() throws Exception {
        Node a = node(1).start();
        Waits.until("broker 1 active", a.election::isActive);
        Node b = node(2).start();

        assertEquals(Optional.of(new ControllerEpoch(1, 0)), a.election.activeEpoch());
        assertEquals("1", text(a.client, ZkPaths.CONTROLLER_EPOCH));
        String controller = text(a.client, ZkPaths.CONTROLLER);
        assertTrue(controller.matches("\\{\"version\":1,\"brokerid\":1,\"timestamp\":\"\\d+\"}"), controller);
        Waits.until("every broker sees controller 1", () -> b.watcher.current().controllerId() == 1);
        assertFalse(b.election.isActive());

        a.election.close();
        Waits.until("broker 2 active", b.election::isActive);
        assertEquals(2, b.election.activeEpoch().orElseThrow().epoch());
        assertEquals("2", text(b.client, ZkPaths.CONTROLLER_EPOCH));
        assertEquals(2, ZkJson.decodeControllerId(b.client.getData().forPath(ZkPaths.CONTROLLER)));
        Waits.until("image shows controller 2, epoch 2",
            () -> a.watcher.current().controllerId() == 2 && a.watcher.current().controllerEpoch() == 2);
        assertFalse(a.election.isActive());
    }

    @Test
    void aDeposedControllersWritesAreFenced() throws Exception {
        Node a = node(1).start();
        Waits.until("broker 1 active", a.election::isActive);
        FencedZkWriter deposed = a.election.activeWriter().orElseThrow();
        Node b = node(2).start();
        a.election.close();
        Waits.until("broker 2 active", b.election::isActive);

        ControllerMovedException e = assertThrows(ControllerMovedException.class,
            () -> deposed.write(List.of(deposed.op().create().forPath("/zombie"))));
        assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
        assertNull(a.client.checkExists().forPath("/zombie"));
        assertThrows(ControllerMovedException.class,
            () -> deposed.writePartitionState("t", 0, new PartitionState(1, 1, List.of(1), 1, 0), 0));

        FencedZkWriter current = b.election.activeWriter().orElseThrow();
        assertInstanceOf(FencedZkWriter.Outcome.Committed.class, current.write(List.of(current.op().create().forPath("/fine"))));
    }

    @Test
    void aFencedControllerResignsAndRejoins() throws Exception {
        Node a = node(1).start();
        Waits.until("broker 1 active", a.election::isActive);
        // Someone else moves the epoch on (as a newer controller would); our next write must fail and we resign.
        a.client.setData().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.encodeControllerEpoch(7));
        a.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());

        Waits.until("broker 1 re-elected with a newer epoch",
            () -> a.election.activeEpoch().map(ep -> ep.epoch() == 8).orElse(false));
        awaitState(a, "t", 0, new PartitionState(1, 0, List.of(1), 8, 0));
    }

    @Test
    void aControllerWhoseSessionExpiredComesBackUnderANewEpoch() throws Exception {
        Node a = node(1).start();
        Waits.until("broker 1 active", a.election::isActive);
        ControllerEpoch first = a.election.activeEpoch().orElseThrow();

        zk.expireSession(a.client);                          // latch, /controller and registration all vanish

        Waits.until("broker 1 active again under a newer epoch",
            () -> a.election.activeEpoch().map(ep -> ep.epoch() > first.epoch()).orElse(false));
        int epoch = a.election.activeEpoch().orElseThrow().epoch();
        Waits.until("image shows the new term", () -> a.watcher.current().controllerId() == 1
            && a.watcher.current().controllerEpoch() == epoch && a.watcher.current().isLive(1));
        a.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        awaitState(a, "t", 0, new PartitionState(1, 0, List.of(1), epoch, 0));
    }

    @Test
    void createsPartitionStateForNewTopicsAndAddedPartitions() throws Exception {
        Node a = node(1);
        Node b = node(2);                                     // registered, not a candidate
        a.start();
        Waits.until("broker 1 active", a.election::isActive);
        Waits.until("both brokers live", () -> a.watcher.current().liveBrokerIds().containsAll(List.of(1, 2)));
        Uuid id = Uuid.randomUuid();
        a.store.createTopic("orders", id, Map.of(0, List.of(2, 1), 1, List.of(1, 2), 2, List.of(3, 1)), Map.of());

        awaitState(a, "orders", 0, new PartitionState(2, 0, List.of(2, 1), 1, 0));
        awaitState(a, "orders", 1, new PartitionState(1, 0, List.of(1, 2), 1, 0));
        awaitState(a, "orders", 2, new PartitionState(1, 0, List.of(1), 1, 0));     // broker 3 is not live
        assertEquals("{\"version\":1,\"leader\":2,\"leader_epoch\":0,\"isr\":[2,1],\"controller_epoch\":1}",
            text(a.client, ZkPaths.partitionState("orders", 0)));

        int version = a.store.readTopicAssignment("orders").orElseThrow().zkVersion();
        assertTrue(a.store.addPartitions("orders", new TopicAssignment("orders", id, Map.of(0, List.of(2, 1),
            1, List.of(1, 2), 2, List.of(3, 1), 3, List.of(2, 1), 4, List.of(5))), version).isWritten());
        awaitState(a, "orders", 3, new PartitionState(2, 0, List.of(2, 1), 1, 0));
        awaitState(a, "orders", 4, new PartitionState(-1, 0, List.of(5), 1, 0));      // no live replica: offline
        assertEquals(0, state(a, "orders", 0).orElseThrow().zkVersion());             // old partitions untouched
        b.election.close();
    }

    @Test
    void aNewControllerResumesFromTheExistingState() throws Exception {
        Node a = node(1).start();
        Waits.until("broker 1 active", a.election::isActive);
        a.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        awaitState(a, "t", 0, new PartitionState(1, 0, List.of(1), 1, 0));

        Node b = node(2).start();
        a.election.close();                                  // controller moves; broker 1 stays registered
        Waits.until("broker 2 active", b.election::isActive);
        b.store.createTopic("u", Uuid.randomUuid(), Map.of(0, List.of(2, 1)), Map.of());
        awaitState(b, "u", 0, new PartitionState(2, 0, List.of(2, 1), 2, 0));
        assertEquals(new PartitionState(1, 0, List.of(1), 1, 0), state(b, "t", 0).orElseThrow());
    }

    @Test
    void aDeadBrokersLeadershipMovesToTheLiveIsr() throws Exception {
        Node a = node(1);
        Node b = node(2);
        a.start();
        Waits.until("broker 1 active", a.election::isActive);
        Waits.until("both brokers live", () -> a.watcher.current().liveBrokerIds().containsAll(List.of(1, 2)));
        a.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1), 1, List.of(1, 2), 2, List.of(2)), Map.of());
        awaitState(a, "t", 0, new PartitionState(2, 0, List.of(2, 1), 1, 0));
        awaitState(a, "t", 2, new PartitionState(2, 0, List.of(2), 1, 0));

        b.registration.close();                              // broker 2 dies

        awaitState(a, "t", 0, new PartitionState(1, 1, List.of(1), 1, 1));      // new leader from the live ISR
        awaitState(a, "t", 1, new PartitionState(1, 1, List.of(1), 1, 1));      // dead follower leaves the ISR
        awaitState(a, "t", 2, new PartitionState(-1, 1, List.of(2), 1, 1));     // no live ISR: offline, ISR kept

        BrokerRegistration back = zk.closeAfterTest(new BrokerRegistration(b.client, new BrokerInfo(2,
            List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9002, "PLAINTEXT")), Optional.empty(), -1),
            Duration.ofSeconds(5), Clock.systemUTC()));
        back.start();                                         // broker 2 returns: its offline partition is led again
        awaitState(a, "t", 2, new PartitionState(2, 2, List.of(2), 1, 2));
        assertEquals(new PartitionState(1, 1, List.of(1), 1, 1), state(a, "t", 0).orElseThrow());   // no ISR expand by the controller
        assertInstanceOf(CasResult.StaleVersion.class,
            a.store.compareAndSetPartitionState("t", 0, new PartitionState(1, 1, List.of(1, 2), 1, 0), 0));
    }
}

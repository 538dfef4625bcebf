package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.registration.ControlledShutdown;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlledShutdownIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    @Test
    void leadershipMovesToAnotherIsrMemberAndTheBrokerLeavesEveryIsr() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings());
        TestBroker b3 = new TestBroker(zk, 3, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("three brokers", i -> i.liveBrokerIds().size() == 3);
        b1.store.createTopic("t", Uuid.randomUuid(),
            Map.of(0, List.of(2, 1, 3), 1, List.of(1, 2, 3), 2, List.of(2), 3, List.of(3, 2)), Map.of());
        b2.awaitImage("states", i -> i.topic("t").map(t -> t.partitions().values().stream()
            .allMatch(p -> p.state().isPresent())).orElse(false));

        ControlledShutdown.Outcome outcome = new ControlledShutdown(b2.client, b2.watcher, 2,
            new ControlledShutdown.Settings(true, 3, 5000)).run();

        assertInstanceOf(ControlledShutdown.Outcome.Completed.class, outcome);
        assertEquals(new PartitionState(1, 1, List.of(1, 3), 1, 1), b1.state("t", 0));   // moved, 2 left the ISR
        assertEquals(new PartitionState(2, 0, List.of(2), 1, 0), b1.state("t", 2));      // alone: stays
        // Followers leave the ISR too, but the shutdown waits only for leaderships.
        Waits.until("broker 2 out of every ISR it followed", () -> b1.state("t", 1).equals(
            new PartitionState(1, 1, List.of(1, 3), 1, 1)) && b1.state("t", 3).equals(new PartitionState(3, 1, List.of(3), 1, 1)));
        assertTrue(b1.image().isShuttingDown(2));

        b2.deregister();                                    // the broker stops; its announcement goes with it
        b1.awaitImage("broker 2 gone", i -> !i.isLive(2));
        Waits.until("partition 2 offline", () -> b1.state("t", 2).leader() == -1);
        assertEquals(1, b1.client.checkExists().forPath(ZkPaths.controlledShutdown(2)).getEphemeralOwner() == 0 ? 0 : 1,
            "the announcement is ephemeral: it goes with the broker's session");
    }

    @Test
    void theControllerMovesItsOwnLeadershipsBeforeShuttingDown() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings()).startCandidacy();
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        b1.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        b1.awaitImage("leader 1", i -> i.leader("t", 0).orElse(-1) == 1);

        assertInstanceOf(ControlledShutdown.Outcome.Completed.class, new ControlledShutdown(b1.client, b1.watcher, 1,
            ControlledShutdown.Settings.DEFAULTS).run());
        assertEquals(2, b1.state("t", 0).leader());
    }

    @Test
    void withoutAControllerItGivesUpAfterTheBoundedRetries() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        b1.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        b1.awaitImage("leader 1", i -> i.leader("t", 0).orElse(-1) == 1);
        b1.election.close();                               // nobody left to move anything

        long start = System.nanoTime();
        ControlledShutdown.Outcome outcome = new ControlledShutdown(b1.client, b1.watcher, 1,
            new ControlledShutdown.Settings(true, 2, 300)).run();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of(new io.sluice.coordinator.metadata.PartitionRef("t", 0)),
            assertInstanceOf(ControlledShutdown.Outcome.Incomplete.class, outcome).stillLed());
        assertTrue(ms >= 550 && ms < 5_000, "took " + ms + " ms");

        assertInstanceOf(ControlledShutdown.Outcome.Skipped.class, new ControlledShutdown(b2.client, b2.watcher, 2,
            new ControlledShutdown.Settings(false, 3, 5000)).run());
    }
}

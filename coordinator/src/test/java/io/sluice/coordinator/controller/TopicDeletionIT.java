package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.registration.TopicDeletionAcks;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicDeletionIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private static boolean exists(CuratorFramework client, String path) {
        try {
            return client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean gone(CuratorFramework client, String topic) {
        return !exists(client, ZkPaths.topic(topic)) && !exists(client, ZkPaths.topicConfig(topic))
            && !exists(client, ZkPaths.deleteTopicMarker(topic));
    }

    @Test
    void znodesGoOnlyAfterEveryLiveReplicaBrokerConfirmed() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        Uuid id = Uuid.randomUuid();
        b1.store.createTopic("doomed", id, Map.of(0, List.of(1, 2), 1, List.of(2)), Map.of("retention.ms", "1"));
        b1.awaitImage("leaders", i -> i.leader("doomed", 1).isPresent());
        TopicDeletionAcks acks1 = new TopicDeletionAcks(b1.client, 1);
        TopicDeletionAcks acks2 = new TopicDeletionAcks(b2.client, 2);

        b1.store.markTopicForDeletion("doomed");
        acks1.onImageApplied(b1.awaitImage("marked", i -> i.isPendingDeletion("doomed")));
        b1.awaitImage("broker 1 confirmed", i -> i.deletionConfirmedBy("doomed", id).contains(1));
        assertTrue(exists(b1.client, ZkPaths.topic("doomed")), "waits for broker 2");

        acks2.onImageApplied(b2.awaitImage("marked", i -> i.isPendingDeletion("doomed")));
        Waits.until("topic znodes deleted", () -> gone(b1.client, "doomed"));
        b1.awaitImage("image without the topic", i -> i.topic("doomed").isEmpty() && !i.isPendingDeletion("doomed"));
        assertEquals(List.of(), b1.client.getChildren().forPath(ZkPaths.ADMIN_STRAY_REPLICAS));

        // The name can be used again, and the new topic gets fresh partition state.
        b1.store.createTopic("doomed", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        Waits.until("new state", () -> b1.store.readPartitionState("doomed", 0)
            .map(s -> s.equals(new PartitionState(1, 0, List.of(1), 1, 0))).orElse(false));
    }

    @Test
    void aDeadBrokerIsNotAwaitedAndCleansUpWhenItReturns() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        Uuid id = Uuid.randomUuid();
        b1.store.createTopic("doomed", id, Map.of(0, List.of(1, 2)), Map.of());
        b1.awaitImage("leader", i -> i.leader("doomed", 0).isPresent());
        b2.deregister();                                      // broker 2 is down during the deletion

        b1.store.markTopicForDeletion("doomed");
        new TopicDeletionAcks(b1.client, 1).onImageApplied(b1.awaitImage("marked", i -> i.isPendingDeletion("doomed")));
        Waits.until("topic znodes deleted", () -> gone(b1.client, "doomed"));
        assertNotNull(b1.client.checkExists().forPath(ZkPaths.strayReplica(2, "doomed")));
        assertEquals(false, exists(b1.client, ZkPaths.strayReplicas(1)));

        // Broker 2 starts again: it deletes its logs of the topic before hosting anything, then the record.
        TopicDeletionAcks acks2 = new TopicDeletionAcks(b2.client, 2);
        assertEquals(Map.of("doomed", id), acks2.strayReplicaRecords());
        List<String> deleted = new ArrayList<>();
        assertEquals(Set.of("doomed"), acks2.deleteStrayReplicas(deleted::add));
        assertEquals(List.of("doomed"), deleted);
        assertEquals(Map.of(), acks2.strayReplicaRecords());
    }

    @Test
    void aNewControllerFinishesAPendingDeletion() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings()).startCandidacy();
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        Uuid id = Uuid.randomUuid();
        b1.store.createTopic("doomed", id, Map.of(0, List.of(1, 2)), Map.of());
        b1.awaitImage("leader", i -> i.leader("doomed", 0).isPresent());
        b1.store.markTopicForDeletion("doomed");
        new TopicDeletionAcks(b1.client, 1).onImageApplied(b1.awaitImage("marked", i -> i.isPendingDeletion("doomed")));
        b1.awaitImage("broker 1 confirmed", i -> i.deletionConfirmedBy("doomed", id).contains(1));
        b1.election.close();                                  // controller moves before broker 2 confirms
        Waits.until("controller 2", b2.election::isActive);
        assertTrue(exists(b2.client, ZkPaths.topic("doomed")));

        new TopicDeletionAcks(b2.client, 2).onImageApplied(b2.image());
        Waits.until("topic znodes deleted", () -> gone(b2.client, "doomed"));
    }
}

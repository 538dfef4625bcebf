package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicDeletionHookTest {
    private static final Uuid ID = Uuid.randomUuid();
    private static final TopicImage TOPIC = new TopicImage("t", ID, Map.of(
        0, new PartitionImage(List.of(1, 2), Optional.empty()),
        1, new PartitionImage(List.of(3, 2, 4), List.of(3), List.of(4), Optional.empty())), Map.of(), 0);

    private static ClusterImage image(Set<Integer> live, Map<Integer, Uuid> confirmations) {
        Map<Integer, BrokerInfo> brokers = new HashMap<>();
        live.forEach(b -> brokers.put(b, new BrokerInfo(b,
            List.of(new BrokerEndpoint("PLAINTEXT", "h", 9000 + b, "PLAINTEXT")), Optional.empty(), b)));
        return new ClusterImage(Optional.empty(), brokers, 1, 1, Map.of("t", TOPIC), Set.of("t"), Set.of(),
            Map.of("t", confirmations), Map.of());
    }

    @Test
    void waitsForEveryLiveReplicaBrokerIncludingOnesBeingAddedOrRemoved() {
        assertEquals(Set.of(1, 2, 3, 4), TopicDeletionHook.AWAIT_LIVE_REPLICAS.awaitedBrokers(TOPIC,
            image(Set.of(1, 2, 3, 4, 5), Map.of())));
    }

    @Test
    void confirmedAndDeadBrokersAreNotAwaited() {
        assertEquals(Set.of(3), TopicDeletionHook.AWAIT_LIVE_REPLICAS.awaitedBrokers(TOPIC,
            image(Set.of(1, 2, 3), Map.of(1, ID, 2, ID))));
    }

    @Test
    void aConfirmationForAnotherTopicIdDoesNotCount() {
        assertEquals(Set.of(1), TopicDeletionHook.AWAIT_LIVE_REPLICAS.awaitedBrokers(TOPIC,
            image(Set.of(1), Map.of(1, Uuid.randomUuid()))));
    }

    @Test
    void immediateAwaitsNobody() {
        assertEquals(Set.of(), TopicDeletionHook.IMMEDIATE.awaitedBrokers(TOPIC, image(Set.of(1, 2, 3, 4), Map.of())));
    }
}

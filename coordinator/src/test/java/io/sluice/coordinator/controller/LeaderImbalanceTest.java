package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderImbalanceTest {

    private static BrokerInfo broker(int id) {
        return new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "h", 9000 + id, "PLAINTEXT")), Optional.empty(), id);
    }

    private static PartitionImage p(List<Integer> replicas, int leader, List<Integer> isr) {
        return new PartitionImage(replicas, Optional.of(new PartitionState(leader, 1, isr, 1, 1)));
    }

    private static ClusterImage image(Map<Integer, PartitionImage> partitions, Set<Integer> live, Set<Integer> shuttingDown) {
        Map<Integer, BrokerInfo> brokers = new HashMap<>();
        live.forEach(b -> brokers.put(b, broker(b)));
        TopicImage t = new TopicImage("t", Uuid.randomUuid(), partitions, Map.of(), 0);
        return new ClusterImage(Optional.empty(), brokers, 1, 1, Map.of("t", t), Set.of(), shuttingDown, Map.of(), Map.of());
    }

    @Test
    void movesBackOnlyWhenTheBrokersShareExceedsTheThreshold() {
        // Broker 1 prefers 4 partitions and leads 3 of them: 25% imbalance.
        Map<Integer, PartitionImage> parts = Map.of(
            0, p(List.of(1, 2), 1, List.of(1, 2)), 1, p(List.of(1, 2), 1, List.of(1, 2)),
            2, p(List.of(1, 2), 1, List.of(1, 2)), 3, p(List.of(1, 2), 2, List.of(2, 1)));
        ClusterImage image = image(parts, Set.of(1, 2), Set.of());
        assertEquals(List.of(new PartitionRef("t", 3)), LeaderImbalance.partitionsToRebalance(image, 10));
        assertEquals(List.of(), LeaderImbalance.partitionsToRebalance(image, 25));
    }

    @Test
    void skipsPreferredReplicasOutOfTheIsrDeadOrShuttingDown() {
        Map<Integer, PartitionImage> parts = Map.of(
            0, p(List.of(1, 2), 2, List.of(2)),            // 1 not in the ISR
            1, p(List.of(3, 2), 2, List.of(2, 3)),         // 3 dead
            2, p(List.of(4, 2), 2, List.of(2, 4)));        // 4 shutting down
        assertEquals(List.of(), LeaderImbalance.partitionsToRebalance(image(parts, Set.of(1, 2, 4), Set.of(4)), 10));
    }

    @Test
    void ignoresPartitionsBeingReassigned() {
        Map<Integer, PartitionImage> parts = Map.of(0, new PartitionImage(List.of(1, 2, 3), List.of(1), List.of(3),
            Optional.of(new PartitionState(2, 1, List.of(2, 1, 3), 1, 1))));
        assertEquals(List.of(), LeaderImbalance.partitionsToRebalance(image(parts, Set.of(1, 2, 3), Set.of()), 0));
    }
}

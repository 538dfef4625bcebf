package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterImageTest {
    private static final Uuid ORDERS_ID = Uuid.randomUuid();

    private static BrokerInfo broker(int id) {
        return new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "h" + id, 9092, "PLAINTEXT")), Optional.empty(), 100 + id);
    }

    private static ClusterImage image() {
        TopicImage orders = new TopicImage("orders", ORDERS_ID, Map.of(
            0, new PartitionImage(List.of(1, 2), Optional.of(new PartitionState(1, 0, List.of(1, 2), 1, 0))),
            1, new PartitionImage(List.of(2, 1), Optional.of(new PartitionState(-1, 2, List.of(2), 1, 3))),
            2, new PartitionImage(List.of(1, 2), Optional.empty())), Map.of("retention.ms", "10"), 1);
        return new ClusterImage(Optional.of("cid"), Map.of(2, broker(2), 1, broker(1)), 1, 4,
            Map.of("orders", orders), Set.of("old"));
    }

    @Test
    void lookups() {
        ClusterImage image = image();
        assertTrue(image.isLive(1));
        assertFalse(image.isLive(3));
        assertEquals(List.of(1, 2), List.copyOf(image.liveBrokerIds()));
        assertEquals(Optional.of(1), image.leader("orders", 0));
        assertEquals(Optional.empty(), image.leader("orders", 1));      // offline
        assertEquals(Optional.empty(), image.leader("orders", 2));      // no state yet
        assertEquals(Optional.empty(), image.leader("nope", 0));
        assertEquals("orders", image.topic(ORDERS_ID).orElseThrow().name());
        assertEquals(List.of(2, 1), image.partition("orders", 1).orElseThrow().replicas());
        assertEquals(3, image.partitionState("orders", 1).orElseThrow().zkVersion());
        assertTrue(image.hasController());
        assertTrue(image.isPendingDeletion("old"));
        assertEquals(PartitionState.NO_LEADER, image.partition("orders", 2).orElseThrow().leader());
    }

    @Test
    void collectionsAreSortedAndUnmodifiable() {
        ClusterImage image = image();
        assertEquals(List.of(1, 2), List.copyOf(image.brokers().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> image.brokers().clear());
        assertThrows(UnsupportedOperationException.class, () -> image.topics().clear());
        assertThrows(UnsupportedOperationException.class, () -> image.topicsPendingDeletion().clear());
        assertThrows(UnsupportedOperationException.class,
            () -> image.topic("orders").orElseThrow().configs().put("a", "b"));
    }

    @Test
    void imagesAreValuesDetachedFromTheirInputs() {
        Map<Integer, BrokerInfo> brokers = new HashMap<>(Map.of(1, broker(1)));
        ClusterImage image = new ClusterImage(Optional.empty(), brokers, -1, 0, Map.of(), Set.of());
        brokers.put(2, broker(2));
        assertEquals(1, image.brokers().size());
        assertEquals(image, new ClusterImage(Optional.empty(), Map.of(1, broker(1)), -1, 0, Map.of(), Set.of()));
        assertFalse(ClusterImage.EMPTY.hasController());
    }

    @Test
    void topicImageRebuildsItsAssignmentAndReadsBooleanConfigs() {
        TopicImage orders = image().topic("orders").orElseThrow();
        assertEquals(new TopicAssignment("orders", ORDERS_ID, Map.of(0, List.of(1, 2), 1, List.of(2, 1), 2, List.of(1, 2))),
            orders.assignment());
        assertFalse(orders.booleanConfig("unclean.leader.election.enable", false));
    }

    @Test
    void assignmentsMustBeContiguousAndValid() {
        assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t", ORDERS_ID, Map.of(1, List.of(1))));
        assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t", ORDERS_ID, Map.of(0, List.of(1, 1))));
        assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t", ORDERS_ID, Map.of(0, List.of())));
        assertThrows(IllegalArgumentException.class, () -> new TopicAssignment("t", ORDERS_ID, Map.of()));
    }
}

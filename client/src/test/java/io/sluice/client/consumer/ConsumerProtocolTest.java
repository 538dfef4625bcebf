package io.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;

/** The consumer-protocol bytes against kafka-clients' own codec, and the assignors' invariants. */
class ConsumerProtocolTest {
    private static org.apache.kafka.common.TopicPartition k(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    @Test
    void kafkaClientsReadsOurSubscriptionAndAssignment() {
        List<TopicPartition> owned = List.of(new TopicPartition("a", 1), new TopicPartition("b", 0));
        ByteBuffer bytes = ConsumerProtocol.serializeSubscription(new Subscription(List.of("a", "b"),
            ByteBuffer.wrap(new byte[] {1, 2}), owned, 7, null));
        var theirs = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(bytes);
        assertEquals(List.of("a", "b"), theirs.topics());
        assertEquals(owned.stream().map(ConsumerProtocolTest::k).toList(), theirs.ownedPartitions());
        assertEquals(Optional.of(7), theirs.generationId());
        assertEquals(2, theirs.userData().remaining());

        ByteBuffer assignment = ConsumerProtocol.serializeAssignment(new ConsumerProtocol.Assignment(owned));
        var theirAssignment = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeAssignment(assignment);
        assertEquals(owned.stream().map(ConsumerProtocolTest::k).toList(), theirAssignment.partitions());
    }

    @Test
    void weReadKafkaClientsSubscriptionAndAssignment() {
        var sub = new ConsumerPartitionAssignor.Subscription(List.of("t"), null,
            List.of(new org.apache.kafka.common.TopicPartition("t", 3)), 4, Optional.of("rack-1"));
        Subscription ours = ConsumerProtocol.deserializeSubscription(
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(sub));
        assertEquals(List.of("t"), ours.topics());
        assertEquals(List.of(new TopicPartition("t", 3)), ours.ownedPartitions());
        assertEquals(4, ours.generationId());
        assertEquals("rack-1", ours.rackId());
        var assignment = new ConsumerPartitionAssignor.Assignment(List.of(new org.apache.kafka.common.TopicPartition("t", 2)));
        assertEquals(List.of(new TopicPartition("t", 2)), ConsumerProtocol.deserializeAssignment(
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(assignment)).partitions());
    }

    @Test
    void stickyUserDataMatchesKafkaLayout() {
        List<TopicPartition> previous = List.of(new TopicPartition("t", 0), new TopicPartition("t", 5));
        Subscription s = ConsumerProtocol.withStickyUserData(new Subscription(List.of("t"),
            ConsumerProtocol.serializeStickyUserData(previous, 9), List.of(), -1, null));
        assertEquals(previous, s.ownedPartitions());
        assertEquals(9, s.generationId());
    }

    @Test
    void everyAssignorCoversEachPartitionOnceAndBalances() {
        Map<String, Integer> counts = Map.of("x", 6, "y", 5);
        for (PartitionAssignor assignor : List.of(new RangeAssignor(), new RoundRobinAssignor(), new StickyAssignor(),
                new CooperativeStickyAssignor())) {
            Map<String, Subscription> subs = new TreeMap<>();
            for (int m = 0; m < 3; m++) {
                subs.put("m" + m, new Subscription(List.of("x", "y")));
            }
            Map<String, List<TopicPartition>> out = assignor.assign(counts, subs);
            Set<TopicPartition> seen = new HashSet<>();
            out.values().forEach(l -> l.forEach(tp -> assertTrue(seen.add(tp), assignor.name() + " twice: " + tp)));
            assertEquals(11, seen.size(), assignor.name());
            if (!(assignor instanceof RangeAssignor)) {
                int min = out.values().stream().mapToInt(List::size).min().orElseThrow();
                int max = out.values().stream().mapToInt(List::size).max().orElseThrow();
                assertTrue(max - min <= 1, assignor.name() + " balanced: " + out);
            }
        }
    }

    @Test
    void cooperativeStickyNeverMovesAnOwnedPartitionInOneRound() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            all.add(new TopicPartition("t", p));
        }
        Map<String, Subscription> subs = new TreeMap<>();
        subs.put("a", new Subscription(List.of("t"), null, all, 1, null));
        subs.put("b", new Subscription(List.of("t"), null, List.of(), -1, null));
        Map<String, List<TopicPartition>> first = new CooperativeStickyAssignor().assign(Map.of("t", 6), subs);
        assertEquals(3, first.get("a").size(), "a keeps its share");
        assertEquals(0, first.get("b").size(), "b waits for a's revocation");
        subs.put("a", new Subscription(List.of("t"), null, first.get("a"), 2, null));
        Map<String, List<TopicPartition>> second = new CooperativeStickyAssignor().assign(Map.of("t", 6), subs);
        assertEquals(first.get("a"), second.get("a"));
        assertEquals(3, second.get("b").size());
    }
}

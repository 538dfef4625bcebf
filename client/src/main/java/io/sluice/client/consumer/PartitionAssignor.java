package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A client-side assignor: the group leader runs the one the coordinator chose (named by {@link #name()}, the
 * same names kafka-clients uses, so members of either client can share a group) over every member's
 * subscription. Implementations must be stateless or thread-safe.
 */
public interface PartitionAssignor {
    /** EAGER: every member gives up all its partitions before a rebalance; COOPERATIVE: only those that move. */
    enum RebalanceProtocol { EAGER, COOPERATIVE }

    String name();

    default List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.EAGER);
    }

    /** Bytes this member adds to its subscription, given what it owns now and in which generation. */
    default ByteBuffer subscriptionUserData(Collection<TopicPartition> owned, int generation) {
        return null;
    }

    /**
     * @param partitionsPerTopic partition count of every topic some member subscribes to (missing: unknown topic)
     * @param subscriptions      by member id
     * @return partitions by member id, a list for every member (possibly empty)
     */
    Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                             Map<String, Subscription> subscriptions);

    /** The built-in assignor for a kafka-clients or Sluice name (short name or class name), or null. */
    static PartitionAssignor builtIn(String name) {
        String n = name.trim();
        int dot = n.lastIndexOf('.');
        String simple = dot >= 0 ? n.substring(dot + 1) : n;
        return switch (simple) {
            case "range", "RangeAssignor" -> new RangeAssignor();
            case "roundrobin", "RoundRobinAssignor" -> new RoundRobinAssignor();
            case "sticky", "StickyAssignor" -> new StickyAssignor();
            case "cooperative-sticky", "CooperativeStickyAssignor" -> new CooperativeStickyAssignor();
            default -> null;
        };
    }
}

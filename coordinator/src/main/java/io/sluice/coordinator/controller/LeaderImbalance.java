package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pure: which partitions the automatic preferred-leader rebalance ({@code auto.leader.rebalance.enable}) moves
 * back to their preferred (first) replica. No ZooKeeper, no clock.
 *
 * <p>As in Kafka: per broker, the imbalance ratio is the share of the partitions it is the preferred replica of
 * that some other broker leads. When it exceeds {@code leader.imbalance.per.broker.percentage}, every such
 * partition whose preferred replica is live, not in a controlled shutdown and in the ISR is moved back. Topics
 * being deleted, partitions being reassigned and partitions without state are left out of both the count and the
 * moves.
 */
public final class LeaderImbalance {
    private LeaderImbalance() {
    }

    /** Per broker: partitions it is the preferred replica of, and those of them it does not lead. */
    record BrokerShare(int preferredOf, List<PartitionRef> notLed) {
        double imbalancePercent() {
            return preferredOf == 0 ? 0 : 100.0 * notLed.size() / preferredOf;
        }
    }

    static Map<Integer, BrokerShare> shares(ClusterImage image) {
        Map<Integer, Integer> preferredOf = new TreeMap<>();
        Map<Integer, List<PartitionRef>> notLed = new TreeMap<>();
        for (TopicImage topic : image.topics().values()) {
            if (image.isPendingDeletion(topic.name())) {
                continue;
            }
            topic.partitions().forEach((p, partition) -> {
                if (partition.state().isEmpty() || partition.isReassigning()) {
                    return;
                }
                int preferred = partition.preferredReplica();
                preferredOf.merge(preferred, 1, Integer::sum);
                if (partition.leader() != preferred) {
                    notLed.computeIfAbsent(preferred, b -> new ArrayList<>()).add(new PartitionRef(topic.name(), p));
                }
            });
        }
        Map<Integer, BrokerShare> out = new TreeMap<>();
        preferredOf.forEach((b, n) -> out.put(b, new BrokerShare(n, notLed.getOrDefault(b, List.of()))));
        return out;
    }

    /** The partitions to move back to their preferred replica, in topic and partition order. */
    public static List<PartitionRef> partitionsToRebalance(ClusterImage image, int maxImbalancePercent) {
        Set<Integer> live = image.liveBrokerIds();
        List<PartitionRef> moves = new ArrayList<>();
        shares(image).forEach((broker, share) -> {
            if (!live.contains(broker) || image.isShuttingDown(broker) || share.imbalancePercent() <= maxImbalancePercent) {
                return;
            }
            for (PartitionRef ref : share.notLed()) {
                PartitionImage partition = image.partition(ref).orElseThrow();
                PartitionState state = partition.state().orElseThrow();
                if (state.isr().contains(broker)) {
                    moves.add(ref);
                }
            }
        });
        moves.sort(null);
        return moves;
    }
}

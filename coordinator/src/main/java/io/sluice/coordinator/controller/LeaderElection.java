package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure leader and ISR decisions: no ZooKeeper, no clock, no threads. Every rule here is Kafka's ZooKeeper-mode
 * rule unless a comment says otherwise.
 */
public final class LeaderElection {
    private LeaderElection() {
    }

    /** The result of {@link #electLeader}. */
    public sealed interface Election {
        /**
         * @param unclean true if the leader was not in the ISR (data written only to the old ISR may be lost)
         */
        record Elected(int leader, List<Integer> isr, boolean unclean) implements Election {
            public Elected {
                isr = List.copyOf(isr);
            }
        }

        /** No live ISR member (and unclean election off, or no live replica at all). */
        record NoEligibleReplica(List<Integer> liveIsr) implements Election {
            public NoEligibleReplica {
                liveIsr = List.copyOf(liveIsr);
            }
        }
    }

    /**
     * Leader election for a partition whose leader is gone: the first replica in assignment order that is alive
     * and in the ISR; the new ISR is the old ISR (in its order) restricted to live brokers. If there is none and
     * {@code uncleanAllowed}: the first live replica in assignment order, with ISR = [it].
     */
    public static Election electLeader(List<Integer> assignment, List<Integer> isr, Set<Integer> liveBrokers,
                                       boolean uncleanAllowed) {
        List<Integer> liveIsr = isr.stream().filter(liveBrokers::contains).toList();
        Optional<Integer> clean = assignment.stream().filter(liveIsr::contains).findFirst();
        if (clean.isPresent()) {
            return new Election.Elected(clean.get(), liveIsr, false);
        }
        if (uncleanAllowed) {
            Optional<Integer> unclean = assignment.stream().filter(liveBrokers::contains).findFirst();
            if (unclean.isPresent()) {
                return new Election.Elected(unclean.get(), List.of(unclean.get()), true);
            }
        }
        return new Election.NoEligibleReplica(liveIsr);
    }

    /**
     * The first state of a new partition: leader = first live replica in assignment order, ISR = the live
     * replicas in assignment order, leader epoch 0. If no replica is live the partition starts offline
     * (leader -1) with ISR = the whole assignment: it holds no data yet, so whichever replica comes back first
     * may lead without losing anything (an empty ISR would instead keep it offline forever without unclean
     * election).
     */
    public static PartitionState initialState(List<Integer> assignment, Set<Integer> liveBrokers, int controllerEpoch) {
        List<Integer> live = assignment.stream().filter(liveBrokers::contains).toList();
        if (live.isEmpty()) {
            return new PartitionState(PartitionState.NO_LEADER, 0, assignment, controllerEpoch, PartitionState.NEW_ZK_VERSION);
        }
        return new PartitionState(live.get(0), 0, live, controllerEpoch, PartitionState.NEW_ZK_VERSION);
    }

    /**
     * The controller's reaction to the set of live brokers for one partition; empty if nothing changes.
     * <ul>
     *   <li>Leader alive: drop dead brokers from the ISR (leader epoch + 1, as Kafka's ZooKeeper-mode
     *       controller does for its ISR changes).</li>
     *   <li>Leader dead or absent: {@link #electLeader}; leader epoch + 1.</li>
     *   <li>No eligible replica: leader -1 and the ISR left as it was, so the last in-sync replicas stay
     *       recorded and one of them can lead cleanly when it returns. Already offline: no change.</li>
     * </ul>
     */
    public static Optional<PartitionState> onLiveBrokersChanged(PartitionState current, List<Integer> assignment,
                                                                Set<Integer> liveBrokers, boolean uncleanAllowed,
                                                                int controllerEpoch) {
        if (current.hasLeader() && liveBrokers.contains(current.leader())) {
            List<Integer> liveIsr = current.isr().stream().filter(liveBrokers::contains).toList();
            if (liveIsr.equals(current.isr())) {
                return Optional.empty();
            }
            return Optional.of(current.withLeaderAndIsr(current.leader(), liveIsr, controllerEpoch));
        }
        Election election = electLeader(assignment, current.isr(), liveBrokers, uncleanAllowed);
        if (election instanceof Election.Elected elected) {
            return Optional.of(current.withLeaderAndIsr(elected.leader(), elected.isr(), controllerEpoch));
        }
        if (!current.hasLeader()) {
            return Optional.empty();
        }
        return Optional.of(current.withLeaderAndIsr(PartitionState.NO_LEADER, current.isr(), controllerEpoch));
    }
}

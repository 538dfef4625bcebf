package io.sluice.coordinator.controller;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionState;
import java.util.HashSet;
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
        return onLiveBrokersChanged(current, assignment, liveBrokers, Set.of(), uncleanAllowed, controllerEpoch);
    }

    /**
     * As {@link #onLiveBrokersChanged(PartitionState, List, Set, boolean, int)}, but a new leader is taken from
     * the brokers not in a controlled shutdown if any of them is in the live ISR (those in shutdown then leave the
     * ISR with the old leader, as in Kafka's controlled-shutdown election); a broker in shutdown still leads
     * rather than leaving the partition offline.
     */
    public static Optional<PartitionState> onLiveBrokersChanged(PartitionState current, List<Integer> assignment,
                                                                Set<Integer> liveBrokers, Set<Integer> shuttingDown,
                                                                boolean uncleanAllowed, int controllerEpoch) {
        if (current.hasLeader() && liveBrokers.contains(current.leader())) {
            List<Integer> liveIsr = current.isr().stream().filter(liveBrokers::contains).toList();
            if (liveIsr.equals(current.isr())) {
                return Optional.empty();
            }
            return Optional.of(current.withLeaderAndIsr(current.leader(), liveIsr, controllerEpoch));
        }
        Election election = electLeader(assignment, current.isr(), minus(liveBrokers, shuttingDown), false);
        if (election instanceof Election.NoEligibleReplica) {
            election = electLeader(assignment, current.isr(), liveBrokers, uncleanAllowed);
        }
        if (election instanceof Election.Elected elected) {
            return Optional.of(current.withLeaderAndIsr(elected.leader(), elected.isr(), controllerEpoch));
        }
        if (!current.hasLeader()) {
            return Optional.empty();
        }
        return Optional.of(current.withLeaderAndIsr(PartitionState.NO_LEADER, current.isr(), controllerEpoch));
    }

    // ---- controlled shutdown ------------------------------------------------------------------------------------

    /**
     * Moves one partition off brokers in a controlled shutdown; empty if nothing changes. The leader (live) is in
     * shutdown: the first replica in assignment order that is live, in the ISR and not shutting down leads, and the
     * brokers in shutdown leave the ISR (leader epoch + 1); without such a replica the leader stays (moving would
     * take the partition offline, or lose data). A follower in shutdown leaves the ISR (leader epoch + 1) unless
     * that would empty it. An offline partition is left alone.
     */
    public static Optional<PartitionState> onControlledShutdown(PartitionState current, List<Integer> assignment,
                                                                Set<Integer> liveBrokers, Set<Integer> shuttingDown,
                                                                int controllerEpoch) {
        if (!current.hasLeader() || !liveBrokers.contains(current.leader()) || shuttingDown.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> isrWithout = current.isr().stream().filter(b -> !shuttingDown.contains(b)).toList();
        if (shuttingDown.contains(current.leader())) {
            Optional<Integer> next = assignment.stream()
                .filter(b -> isrWithout.contains(b) && liveBrokers.contains(b)).findFirst();
            return next.map(leader -> current.withLeaderAndIsr(leader, isrWithout, controllerEpoch));
        }
        if (isrWithout.size() == current.isr().size() || isrWithout.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(current.withLeaderAndIsr(current.leader(), isrWithout, controllerEpoch));
    }

    // ---- elections on request (ElectLeaders) and by the imbalance check --------------------------------------------

    /** The controller's answer to an election request for one partition. */
    public sealed interface Requested {
        /** Write {@code next}; the client hears NONE. */
        record Elected(PartitionState next) implements Requested {
        }

        /** Nothing to write; the client hears {@code outcome} (ELECTION_NOT_NEEDED or an error). */
        record Answered(PartitionOutcome outcome) implements Requested {
        }
    }

    /**
     * Preferred-leader election: the preferred (first) replica leads if it is live, in the ISR and not shutting
     * down (leader epoch + 1, ISR unchanged). ELECTION_NOT_NEEDED if it already leads; PREFERRED_LEADER_NOT_AVAILABLE
     * otherwise (including a partition the controller has not initialised yet).
     */
    public static Requested electPreferred(String tp, PartitionImage partition, Set<Integer> liveBrokers,
                                           Set<Integer> shuttingDown, int controllerEpoch) {
        int preferred = partition.preferredReplica();
        if (partition.state().isEmpty()) {
            return answered(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Partition " + tp + " has no leader state yet.");
        }
        PartitionState current = partition.state().get();
        if (current.leader() == preferred) {
            return answered(Errors.ELECTION_NOT_NEEDED, "Broker " + preferred + " already leads " + tp + ".");
        }
        if (!liveBrokers.contains(preferred) || shuttingDown.contains(preferred)) {
            return answered(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "The preferred leader " + preferred + " of " + tp
                + " is not alive" + (shuttingDown.contains(preferred) ? " (it is shutting down)." : "."));
        }
        if (!current.isr().contains(preferred)) {
            return answered(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "The preferred leader " + preferred + " of " + tp
                + " is not in the ISR " + current.isr() + ".");
        }
        return new Requested.Elected(current.withLeaderAndIsr(preferred, current.isr(), controllerEpoch));
    }

    /**
     * Unclean election on request (KIP-460): only for a partition without a live leader. A live ISR member is
     * still preferred (clean); otherwise the first live replica in assignment order leads with ISR = [it], which
     * may lose data. ELECTION_NOT_NEEDED when a live leader exists; ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica
     * lives.
     */
    public static Requested electUnclean(String tp, PartitionImage partition, Set<Integer> liveBrokers,
                                         int controllerEpoch) {
        if (partition.state().isEmpty()) {
            return answered(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "Partition " + tp + " has no leader state yet.");
        }
        PartitionState current = partition.state().get();
        if (current.hasLeader() && liveBrokers.contains(current.leader())) {
            return answered(Errors.ELECTION_NOT_NEEDED, "Partition " + tp + " has a live leader, " + current.leader() + ".");
        }
        Election election = electLeader(partition.replicas(), current.isr(), liveBrokers, true);
        if (election instanceof Election.Elected elected) {
            return new Requested.Elected(current.withLeaderAndIsr(elected.leader(), elected.isr(), controllerEpoch));
        }
        return answered(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "No replica of " + tp + " " + partition.replicas()
            + " is alive.");
    }

    private static Requested answered(Errors error, String message) {
        return new Requested.Answered(PartitionOutcome.of(error, message));
    }

    private static Set<Integer> minus(Set<Integer> a, Set<Integer> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<Integer> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }
}

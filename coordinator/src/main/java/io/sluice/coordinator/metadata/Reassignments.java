package io.sluice.coordinator.metadata;

import io.sluice.common.Errors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure rules for starting and cancelling a partition reassignment (AlterPartitionReassignments): no ZooKeeper,
 * no clock. The representation is {@link TopicAssignment}'s: replicas = target then the replicas being removed,
 * adding = target − original, removing = original − target. The controller drives a started reassignment to its
 * end (io.sluice.coordinator.controller).
 *
 * <p>Rules, per partition:
 * <ul>
 *   <li>A target must be non-empty, without duplicates, of registered brokers only (INVALID_REPLICA_ASSIGNMENT),
 *       and, if the client does not allow a replication-factor change, as long as the original replica list
 *       (INVALID_REPLICATION_FACTOR).</li>
 *   <li>While a reassignment runs, asking for the same target again is accepted and changes nothing; a different
 *       target is refused (REASSIGNMENT_IN_PROGRESS): cancel first. (Kafka would redirect the running reassignment;
 *       refusing keeps the controller's invariant that replicas being added never leave the replica list
 *       before they are removed through the controller.)</li>
 *   <li>A target equal to the current replicas changes nothing; a permutation only reorders them (which changes
 *       the preferred leader, nothing else).</li>
 *   <li>Cancelling (no target) without a running reassignment: NO_REASSIGNMENT_IN_PROGRESS. Otherwise the
 *       reassignment is turned around: the original replicas become the target and the replicas that were being
 *       added become the ones being removed, so the controller removes them through the same safe path (leader
 *       moved back first if needed, ISR shrunk in the same write). A reassignment that only removed replicas is
 *       simply dropped. As in Kafka, the original replicas come back in the order they have in the reassignment's
 *       replica list (target first), which the znode keeps; so the preferred leader may differ from before the
 *       reassignment (reassign to the exact old order to restore it).</li>
 * </ul>
 */
public final class Reassignments {
    private Reassignments() {
    }

    /** What a request does to one partition. */
    public sealed interface Change {
        /** Write this replica list with these adding and removing replicas. */
        record Update(List<Integer> replicas, List<Integer> adding, List<Integer> removing) implements Change {
            public Update {
                replicas = List.copyOf(replicas);
                adding = List.copyOf(adding);
                removing = List.copyOf(removing);
            }
        }

        /** The partition already is (or is going) where the request asks. */
        record Unchanged() implements Change {
        }

        /** The request is refused for this partition. */
        record Refused(PartitionOutcome outcome) implements Change {
        }
    }

    /**
     * @param current      the topic's assignment
     * @param target       the requested replicas, or empty to cancel
     * @param liveBrokers  registered brokers
     * @param allowRfChange false if the client forbids changing the replication factor (v1 request field)
     */
    public static Change plan(TopicAssignment current, int partition, Optional<List<Integer>> target,
                              Set<Integer> liveBrokers, boolean allowRfChange) {
        String tp = current.topic() + "-" + partition;
        List<Integer> replicas = current.replicas(partition);
        List<Integer> adding = current.addingReplicas(partition);
        List<Integer> removing = current.removingReplicas(partition);
        boolean reassigning = current.isReassigning(partition);
        List<Integer> original = minus(replicas, adding);

        if (target.isEmpty()) {
            if (!reassigning) {
                return refused(Errors.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment is in progress for " + tp + ".");
            }
            if (adding.isEmpty()) {
                return new Change.Update(replicas, List.of(), List.of());
            }
            List<Integer> reverted = new ArrayList<>(original);
            reverted.addAll(adding);
            return new Change.Update(reverted, List.of(), adding);
        }

        List<Integer> wanted = target.get();
        if (wanted.isEmpty()) {
            return refused(Errors.INVALID_REPLICA_ASSIGNMENT, "The replica list for " + tp + " is empty.");
        }
        if (new HashSet<>(wanted).size() != wanted.size()) {
            return refused(Errors.INVALID_REPLICA_ASSIGNMENT, "The replica list " + wanted + " for " + tp
                + " names a broker more than once.");
        }
        List<Integer> notLive = wanted.stream().filter(b -> !liveBrokers.contains(b)).toList();
        if (!notLive.isEmpty()) {
            return refused(Errors.INVALID_REPLICA_ASSIGNMENT, "The replica list " + wanted + " for " + tp
                + " names brokers that are not alive: " + notLive + ".");
        }
        if (!allowRfChange && wanted.size() != original.size()) {
            return refused(Errors.INVALID_REPLICATION_FACTOR, "The reassignment of " + tp + " would change its"
                + " replication factor from " + original.size() + " to " + wanted.size() + ", which the request forbids.");
        }
        if (reassigning) {
            if (wanted.equals(minus(replicas, removing))) {
                return new Change.Unchanged();
            }
            return refused(Errors.REASSIGNMENT_IN_PROGRESS, "A reassignment of " + tp + " to "
                + minus(replicas, removing) + " is in progress; cancel it before asking for " + wanted + ".");
        }
        if (wanted.equals(replicas)) {
            return new Change.Unchanged();
        }
        if (new HashSet<>(wanted).equals(new HashSet<>(replicas))) {
            return new Change.Update(wanted, List.of(), List.of());
        }
        List<Integer> removed = minus(replicas, wanted);
        List<Integer> full = new ArrayList<>(wanted);
        full.addAll(removed);
        return new Change.Update(full, minus(wanted, replicas), removed);
    }

    private static Change refused(Errors error, String message) {
        return new Change.Refused(PartitionOutcome.of(error, message));
    }

    /** {@code a} without the members of {@code b}, in {@code a}'s order. */
    static List<Integer> minus(List<Integer> a, List<Integer> b) {
        return a.stream().filter(x -> !b.contains(x)).toList();
    }
}

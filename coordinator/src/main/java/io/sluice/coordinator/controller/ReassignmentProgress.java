package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure: the controller's next step for a partition being reassigned (see
 * {@link io.sluice.coordinator.metadata.TopicAssignment} for how a reassignment is recorded). No ZooKeeper, no
 * clock, no threads.
 *
 * <p>The replicas being added are in the replica list from the start, so their brokers create them and follow
 * the leader; the leader adds them to the ISR once they have caught up. When every target replica is in the ISR,
 * the reassignment completes in one step, written as one transaction by the controller: the leader moves to a
 * target replica if it is not one (the first in target order that is live and in the ISR, preferring brokers not
 * in a controlled shutdown; leader epoch + 1), the replicas being removed leave the ISR, and the replica list
 * becomes the target. Nothing acknowledged is lost, because the new leader and every remaining ISR member were
 * in sync; and the partition is never without a leader, because the leader only moves to a live in-sync replica.
 */
public final class ReassignmentProgress {
    private ReassignmentProgress() {
    }

    /** What to do next. */
    public sealed interface Step {
        /** Target replicas still catching up (not in the ISR yet): wait. */
        record Waiting(List<Integer> notInIsr) implements Step {
            public Waiting {
                notInIsr = List.copyOf(notInIsr);
            }
        }

        /** No live target replica in the ISR could lead: wait (the partition keeps its current leader). */
        record NoEligibleLeader() implements Step {
        }

        /**
         * Finish: the replica list becomes {@code replicas} (the target) and, if leader or ISR change, the state
         * becomes {@code nextState}.
         */
        record Complete(List<Integer> replicas, Optional<PartitionState> nextState) implements Step {
            public Complete {
                replicas = List.copyOf(replicas);
            }
        }
    }

    public static Step next(PartitionImage partition, Set<Integer> liveBrokers, Set<Integer> shuttingDown,
                            int controllerEpoch) {
        List<Integer> target = partition.targetReplicas();
        if (partition.state().isEmpty()) {
            return new Step.Waiting(target);
        }
        PartitionState current = partition.state().get();
        List<Integer> notInIsr = target.stream().filter(r -> !current.isr().contains(r)).toList();
        if (!notInIsr.isEmpty()) {
            return new Step.Waiting(notInIsr);
        }
        int leader;
        if (current.hasLeader() && target.contains(current.leader()) && liveBrokers.contains(current.leader())) {
            leader = current.leader();
        } else {
            Optional<Integer> candidate = target.stream()
                .filter(r -> liveBrokers.contains(r) && !shuttingDown.contains(r)).findFirst();
            if (candidate.isEmpty()) {
                candidate = target.stream().filter(liveBrokers::contains).findFirst();
            }
            if (candidate.isEmpty()) {
                return new Step.NoEligibleLeader();
            }
            leader = candidate.get();
        }
        List<Integer> isr = current.isr().stream().filter(target::contains).toList();
        if (leader == current.leader() && isr.equals(current.isr())) {
            return new Step.Complete(target, Optional.empty());
        }
        return new Step.Complete(target, Optional.of(current.withLeaderAndIsr(leader, isr, controllerEpoch)));
    }
}

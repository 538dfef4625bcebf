package io.sluice.coordinator.metadata;

import java.util.List;

/**
 * The content of {@code /brokers/topics/<t>/partitions/<p>/state} plus its ZooKeeper data version.
 *
 * @param leader          broker id of the leader, or {@link #NO_LEADER} when the partition is offline
 * @param leaderEpoch     bumped on every leader change (and on every controller-driven ISR change)
 * @param isr             in-sync replicas, in the order they were written
 * @param controllerEpoch epoch of the controller that last wrote the leader and ISR
 * @param zkVersion       the znode's data version when read (the "partition epoch"); the expected version of
 *                        the next compare-and-set. {@link #NEW_ZK_VERSION} for a state not yet written.
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int zkVersion) {
    public static final int NO_LEADER = -1;
    public static final int NEW_ZK_VERSION = -1;

    public PartitionState {
        isr = List.copyOf(isr);
        if (leader < NO_LEADER) {
            throw new IllegalArgumentException("Leader must be a broker id or -1, got " + leader);
        }
        if (leaderEpoch < 0) {
            throw new IllegalArgumentException("Leader epoch must be >= 0, got " + leaderEpoch);
        }
        if (isr.stream().distinct().count() != isr.size()) {
            throw new IllegalArgumentException("ISR lists a replica twice: " + isr);
        }
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** The state a controller of epoch {@code controllerEpoch} writes to change the leader and ISR: epoch + 1. */
    public PartitionState withLeaderAndIsr(int newLeader, List<Integer> newIsr, int newControllerEpoch) {
        return new PartitionState(newLeader, leaderEpoch + 1, newIsr, newControllerEpoch, zkVersion);
    }

    /** The same leader and epoch with another ISR: what a leader writes when it shrinks or expands its ISR. */
    public PartitionState withIsr(List<Integer> newIsr) {
        return new PartitionState(leader, leaderEpoch, newIsr, controllerEpoch, zkVersion);
    }

    public PartitionState withZkVersion(int version) {
        return new PartitionState(leader, leaderEpoch, isr, controllerEpoch, version);
    }
}

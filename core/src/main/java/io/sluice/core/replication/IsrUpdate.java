package io.sluice.core.replication;

import io.sluice.core.log.TopicPartition;
import java.util.List;

/**
 * A leader's proposal to change a partition's ISR: the new ISR, written with the same leader and leader epoch
 * (and the controller epoch of the state it was based on) only if the state znode is still at
 * {@code expectedZkVersion}. Immutable.
 */
public record IsrUpdate(TopicPartition tp, int leaderId, int leaderEpoch, List<Integer> newIsr, int controllerEpoch,
                        int expectedZkVersion) {
    public IsrUpdate {
        newIsr = List.copyOf(newIsr);
    }
}

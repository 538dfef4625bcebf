package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import java.util.Collection;

/**
 * Told when the group moves partitions to or from this consumer. Called on the thread that calls
 * {@link SluiceConsumer#poll} (or {@link SluiceConsumer#close}), never concurrently; it may call the
 * consumer (commitSync, seek, position, ...).
 *
 * <ul>
 *   <li>{@link #onPartitionsRevoked}: the consumer is about to give these partitions up and still owns them,
 *       so offsets committed now are accepted. With an eager assignor, every owned partition, before the
 *       consumer rejoins; with cooperative-sticky, only those moving elsewhere, after the rebalance.</li>
 *   <li>{@link #onPartitionsAssigned}: after each rebalance, with the partitions newly added (all of them
 *       with an eager assignor); may be empty.</li>
 *   <li>{@link #onPartitionsLost}: the partitions already belong to someone else (the session expired,
 *       {@code max.poll.interval.ms} passed, the member was fenced); committing for them will fail. By default
 *       the same as revoked.</li>
 * </ul>
 */
public interface ConsumerRebalanceListener {
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** A listener that does nothing. */
    static ConsumerRebalanceListener noOp() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
    }
}

package io.sluice.client.consumer;

/**
 * The group refused a commit because this consumer is no longer a member of the current generation (a
 * rebalance happened, e.g. after {@code max.poll.interval.ms}); its partitions may belong to another member.
 */
public class CommitFailedException extends RuntimeException {
    public CommitFailedException(String message) {
        super(message);
    }
}

package io.sluice.core.log;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;

/**
 * A follower append whose batches do not start at or after the log end offset, or go backwards: the follower's
 * log and the leader's disagree, and the replica fetcher must truncate (OffsetsForLeaderEpoch) rather than retry.
 * Not a protocol error of its own; it maps to UNKNOWN_SERVER_ERROR if it ever reaches a response.
 */
public final class OffsetsOutOfOrderException extends ApiException {
    private static final long serialVersionUID = 1L;

    public OffsetsOutOfOrderException(String message) {
        super(Errors.UNKNOWN_SERVER_ERROR, message);
    }
}

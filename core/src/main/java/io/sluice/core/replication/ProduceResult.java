package io.sluice.core.replication;

import io.sluice.common.Errors;

/** What one partition answers to a produce. Immutable. */
public record ProduceResult(Errors error, String errorMessage, long baseOffset, long logAppendTime, long logStartOffset,
                            int leaderId, int leaderEpoch) {

    public static ProduceResult error(Errors error, String message, int leaderId, int leaderEpoch) {
        return new ProduceResult(error, message, -1, -1, -1, leaderId, leaderEpoch);
    }
}

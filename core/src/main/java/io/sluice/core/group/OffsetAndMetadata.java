package io.sluice.core.group;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A committed offset as stored in {@code __consumer_offsets}. Immutable.
 *
 * @param offset            the next offset the group will read
 * @param leaderEpoch       the leader epoch of the record before {@code offset}, or -1 if unknown
 * @param metadata          the client's metadata string ("" if none)
 * @param commitTimestampMs when the commit was accepted
 * @param expireTimestampMs when it expires, only for commits that asked for a retention time (OffsetCommit v2-4);
 *                          such commits are stored in value version 1
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                                OptionalLong expireTimestampMs) {
    public static final int NO_LEADER_EPOCH = -1;

    public OffsetAndMetadata {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(expireTimestampMs, "expireTimestampMs");
    }

    public OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
        this(offset, leaderEpoch, metadata, commitTimestampMs, OptionalLong.empty());
    }
}

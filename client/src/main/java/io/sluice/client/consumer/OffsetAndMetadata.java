package io.sluice.client.consumer;

/**
 * A committed offset: the next offset to consume, the leader epoch of the last consumed record (-1 unknown)
 * and free-form metadata. Immutable.
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("Negative offset " + offset);
        }
        metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(long offset) {
        this(offset, -1, "");
    }
}

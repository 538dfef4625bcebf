package io.sluice.client.admin;

/**
 * The answer of ListOffsets for one partition: offset -1 when no record matches a timestamp; timestamp -1 for
 * earliest/latest. Immutable.
 */
public record ListedOffset(long offset, long timestamp, int leaderEpoch) {
}

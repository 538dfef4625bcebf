package io.sluice.core.log;

/**
 * A record found by timestamp (ListOffsets): its timestamp, its offset, and the partition leader epoch stamped on
 * its batch (-1 if none). Immutable.
 */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}

package io.sluice.lag;

/**
 * Burrow's status values, in Burrow's order: the ordinal is the number Burrow exposes (for example in the
 * Prometheus gauge {@code burrow_kafka_consumer_status}), and a larger value is a worse status.
 */
public enum LagStatus {
    /** The group is not known to the monitor. */
    NOTFOUND,
    /** Keeping up, or caught up at some point of the window. */
    OK,
    /** Moving, but the lag never decreased over the window: falling behind. */
    WARN,
    /** A group-level status: some partition is STOP, STALL or REWIND. */
    ERR,
    /** Lagging, and no commit for longer than the window spans. */
    STOP,
    /** Lagging, and committing the same offset over and over. */
    STALL,
    /** A committed offset went backwards within the window. */
    REWIND;

    /** The status of a group whose worst partition has this status: capped at {@link #ERR}, as Burrow does. */
    public LagStatus cappedAtErr() {
        return compareTo(ERR) > 0 ? ERR : this;
    }

    public LagStatus worse(LagStatus other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}

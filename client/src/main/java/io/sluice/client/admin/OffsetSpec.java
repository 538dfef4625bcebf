package io.sluice.client.admin;

/** Which offset ListOffsets looks up: the earliest, the latest, or the first at or after a timestamp. */
public record OffsetSpec(long timestamp) {
    public static final long EARLIEST_TIMESTAMP = -2L;
    public static final long LATEST_TIMESTAMP = -1L;
    public static final long MAX_TIMESTAMP = -3L;

    public static OffsetSpec earliest() {
        return new OffsetSpec(EARLIEST_TIMESTAMP);
    }

    public static OffsetSpec latest() {
        return new OffsetSpec(LATEST_TIMESTAMP);
    }

    /** The record with the largest timestamp. */
    public static OffsetSpec maxTimestamp() {
        return new OffsetSpec(MAX_TIMESTAMP);
    }

    public static OffsetSpec forTimestamp(long timestampMs) {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("Timestamp must not be negative: " + timestampMs);
        }
        return new OffsetSpec(timestampMs);
    }
}

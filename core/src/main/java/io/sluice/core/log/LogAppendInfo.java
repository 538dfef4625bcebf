package io.sluice.core.log;

/**
 * What an append did. Immutable.
 *
 * @param firstOffset    offset of the first appended record (for a duplicate: of the original append); -1 if
 *                       nothing was appended
 * @param lastOffset     offset of the last appended record; -1 if nothing was appended
 * @param maxTimestamp   largest batch timestamp appended (after a LogAppendTime rewrite), or -1
 * @param logAppendTime  the broker time stamped into the batches for {@code message.timestamp.type=LogAppendTime},
 *                       else -1 (what Produce returns as {@code log_append_time_ms})
 * @param logStartOffset the log start offset after the append
 * @param recordCount    records appended (0 for a duplicate)
 * @param sizeInBytes    bytes appended (0 for a duplicate)
 * @param duplicate      true if the batch repeated one already in the log and nothing was appended
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long logAppendTime,
                            long logStartOffset, int recordCount, int sizeInBytes, boolean duplicate) {

    /** Nothing appended (a follower fetch that brought no complete batch). */
    static LogAppendInfo nothing(long logStartOffset) {
        return new LogAppendInfo(-1, -1, -1, -1, logStartOffset, 0, 0, false);
    }

    /** The number of offsets the append covers ({@code lastOffset - firstOffset + 1}), 0 if none. */
    public long offsetCount() {
        return firstOffset < 0 ? 0 : lastOffset - firstOffset + 1;
    }
}

package io.sluice.core.producerstate;

/**
 * What producer state remembers of one appended batch of an idempotent producer: its sequence range, its offset
 * range in the log, and the log append time recorded by {@link ProducerStateManager#update}. Immutable.
 *
 * @param firstSequence sequence of the first record, {@code >= 0}
 * @param lastSequence  sequence of the last record, {@code >= 0}; below firstSequence if the batch wrapped past
 *                      {@link Integer#MAX_VALUE}
 * @param firstOffset   offset of the first record, {@code >= 0}
 * @param lastOffset    offset of the last record, within {@link Integer#MAX_VALUE} of firstOffset
 * @param logAppendTime the append time given to {@link ProducerStateManager#update} (may be -1)
 */
public record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset,
                            long logAppendTime) {
    public BatchMetadata {
        if (firstSequence < 0 || lastSequence < 0) {
            throw new IllegalArgumentException("Negative sequence in batch metadata: " + firstSequence + ".."
                + lastSequence);
        }
        if (firstOffset < 0 || lastOffset < firstOffset || lastOffset - firstOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Invalid offset range in batch metadata: " + firstOffset + ".."
                + lastOffset);
        }
    }

    /** lastOffset - firstOffset, as stored in the batch header and in snapshots. */
    public int lastOffsetDelta() {
        return (int) (lastOffset - firstOffset);
    }

    boolean hasSequences(int first, int last) {
        return firstSequence == first && lastSequence == last;
    }
}

package io.sluice.core.producerstate;

/**
 * The outcome of checking an incoming leader batch against the producer state ({@link
 * ProducerStateManager#check}). Rejections are not outcomes: they are thrown as {@link
 * io.sluice.common.ApiException}s carrying OUT_OF_ORDER_SEQUENCE_NUMBER or INVALID_PRODUCER_EPOCH.
 */
public sealed interface SequenceCheck {
    /** Shared instance of {@link Accept}; it has no state. */
    SequenceCheck ACCEPT = new Accept();

    /** Append the batch (then call {@link ProducerStateManager#update} with its assigned offsets). */
    record Accept() implements SequenceCheck {
    }

    /**
     * The batch repeats one already in the log (same producer id, epoch, first and last sequence): do not append;
     * answer the producer with the original batch's offsets and the log append time recorded for it.
     */
    record Duplicate(long firstOffset, long lastOffset, long logAppendTime) implements SequenceCheck {
        public Duplicate {
            if (firstOffset < 0 || lastOffset < firstOffset) {
                throw new IllegalArgumentException("Invalid offsets of a duplicate batch: " + firstOffset + ".."
                    + lastOffset);
            }
        }
    }
}

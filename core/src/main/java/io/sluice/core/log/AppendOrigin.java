package io.sluice.core.log;

/** Who appends as leader: decides which client-only rules apply (see {@link LogValidator}). */
public enum AppendOrigin {
    /** A Produce request: exactly one batch, at least one record, no control batches, contiguous offsets. */
    CLIENT,
    /** The broker itself (group coordinator, transaction markers): several batches and control batches allowed. */
    COORDINATOR
}

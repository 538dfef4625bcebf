package io.sluice.record;

import java.nio.ByteBuffer;

/**
 * A run of record batches as carried by a RECORDS field: back-to-back v2 batches, the last of which may be
 * truncated in fetch responses. Implementations are in memory ({@link MemoryRecords}) or slices of log
 * segment files (in the broker), which the network layer may send without copying.
 */
public interface Records {
    /** Number of bytes these records occupy on the wire. */
    int sizeInBytes();

    /**
     * Copies the bytes into {@code target} at its position, advancing it by {@link #sizeInBytes()}.
     * Does not retain {@code target}.
     */
    void writeTo(ByteBuffer target);
}

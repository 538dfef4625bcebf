package io.sluice.client.consumer;

import java.util.ArrayDeque;

/** What the consumer knows about one assigned partition. Confined to the polling thread. */
final class PartitionState {
    enum Reset { EARLIEST, LATEST }

    /** The next offset to return, or -1 while unknown. */
    long position = -1;
    /** Leader epoch of the last returned record, -1 if none. */
    int lastEpoch = -1;
    boolean paused;
    /** A seekToBeginning/End or auto.offset.reset waiting to be resolved, or null. */
    Reset pendingReset;
    /** A committed-offset or ListOffsets lookup is in flight. */
    boolean lookupInFlight;
    long highWatermark = -1;
    long lastStableOffset = -1;
    long logStartOffset = -1;
    /** Fetched records not yet returned, in offset order, and where fetching resumes after them. */
    final ArrayDeque<ConsumerRecord<?, ?>> buffered = new ArrayDeque<>();
    long bufferedNextOffset = -1;

    boolean hasPosition() {
        return position >= 0 && pendingReset == null;
    }

    void seek(long offset, int epoch) {
        position = offset;
        lastEpoch = epoch;
        pendingReset = null;
        clearBuffer();
    }

    void clearBuffer() {
        buffered.clear();
        bufferedNextOffset = -1;
    }

    long lag() {
        return highWatermark < 0 || position < 0 ? -1 : Math.max(0, highWatermark - position);
    }
}

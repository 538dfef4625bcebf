package io.sluice.core.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sparse offset index of one segment, {@code <baseOffset>.index}. Format: 8-byte big-endian entries, ascending
 * in both fields, each {@code [int relativeOffset][int position]}: the batch that starts at byte
 * {@code position} of the segment's log file ends at offset {@code baseOffset + relativeOffset} (the batch's
 * last offset, as Kafka records it). The segment adds an entry for the first batch appended after more than
 * {@code index.interval.bytes} bytes since the previous entry, so a lookup lands at most about that many bytes
 * before the batch it is after.
 *
 * <p>{@link #lookup} returns the entry with the largest offset at or below a target; every batch before that
 * entry's position ends below the target, so a forward scan from there finds the batch containing the target.
 *
 * <p>No checksum: the index is rebuilt from the log after a crash or when {@link #sanityProblem} finds a fault.
 * Threads: see {@link MappedIndex}: one writer, lock-free readers.
 */
final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    /** An offset and the position of the batch that ends at it. */
    record Entry(long offset, int position) {
    }

    OffsetIndex(Path file, long baseOffset) throws IOException {
        super(file, baseOffset, ENTRY_SIZE);
    }

    /**
     * The entry with the largest offset at or below {@code targetOffset}, or {@code (baseOffset, 0)} (the start of
     * the segment) if there is none.
     */
    Entry lookup(long targetOffset) {
        View v = view();
        ByteBuffer buffer = reader(v);
        int slot = largestAtMost(buffer, v.entries, targetOffset);
        return slot < 0 ? new Entry(baseOffset, 0) : entryAt(buffer, slot);
    }

    Entry entry(int n) {
        View v = view();
        if (n < 0 || n >= v.entries) {
            throw new IndexOutOfBoundsException("Index " + file() + " has " + v.entries + " entries, no entry " + n);
        }
        return entryAt(reader(v), n);
    }

    Optional<Entry> lastEntry() {
        View v = view();
        return v.entries == 0 ? Optional.empty() : Optional.of(entryAt(reader(v), v.entries - 1));
    }

    /**
     * Appends an entry. Writer only.
     *
     * @throws IllegalArgumentException if the offset is not above the last entry's, or not within 2^31 - 1 of the
     *                                  base offset
     * @throws IllegalStateException    if the index is full (callers check {@link #isFull()} first)
     */
    void append(long offset, int position) {
        View v = view();
        int n = v.entries;
        if (n > 0) {
            Entry last = entryAt(v.buffer, n - 1); // absolute reads only: no cursor needed
            if (offset <= last.offset() || position <= last.position()) {
                throw new IllegalArgumentException("Index " + file() + ": entry (" + offset + ", " + position
                    + ") is not after the last entry (" + last.offset() + ", " + last.position() + ")");
            }
        }
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Index " + file() + ": offset " + offset
                + " is not within 2^31 - 1 above the base offset " + baseOffset);
        }
        if (isFull()) {
            throw new IllegalStateException("Index " + file() + " is full (" + n + " entries)");
        }
        ByteBuffer buffer = writableBuffer();
        buffer.putInt(n * ENTRY_SIZE, (int) relative);
        buffer.putInt(n * ENTRY_SIZE + 4, position);
        publish(n + 1);
    }

    /** Removes the entries at or above {@code offset}. Writer only. */
    void truncateTo(long offset) {
        View v = view();
        int slot = largestAtMost(reader(v), v.entries, offset - 1);
        publish(slot + 1);
    }

    @Override
    Optional<String> sanityProblem(long nextOffset, int logSizeInBytes) {
        if (openedRagged()) {
            return Optional.of("size is not a multiple of " + ENTRY_SIZE);
        }
        View v = view();
        ByteBuffer buffer = reader(v);
        long previousOffset = -1;
        int previousPosition = -1;
        for (int i = 0; i < v.entries; i++) {
            int relative = buffer.getInt(i * ENTRY_SIZE);
            int position = buffer.getInt(i * ENTRY_SIZE + 4);
            if (relative < 0 || position < 0) {
                return Optional.of("entry " + i + " is negative (" + relative + ", " + position + ")");
            }
            if (i > 0 && (relative <= previousOffset || position <= previousPosition)) {
                return Optional.of("entry " + i + " (" + relative + ", " + position + ") is not after entry "
                    + (i - 1) + " (" + previousOffset + ", " + previousPosition + ")");
            }
            previousOffset = relative;
            previousPosition = position;
        }
        if (v.entries > 0) {
            if (baseOffset + previousOffset >= nextOffset) {
                return Optional.of("last entry's offset " + (baseOffset + previousOffset)
                    + " is not below the segment's next offset " + nextOffset);
            }
            if (previousPosition >= logSizeInBytes) {
                return Optional.of("last entry's position " + previousPosition + " is not inside the "
                    + logSizeInBytes + "-byte log");
            }
        }
        return Optional.empty();
    }

    private Entry entryAt(ByteBuffer buffer, int n) {
        return new Entry(baseOffset + buffer.getInt(n * ENTRY_SIZE), buffer.getInt(n * ENTRY_SIZE + 4));
    }

    /** Slot of the largest entry with offset <= target, or -1. */
    private int largestAtMost(ByteBuffer buffer, int entries, long target) {
        long relative = target - baseOffset;
        if (entries == 0 || relative < buffer.getInt(0)) {
            return -1;
        }
        int low = 0;
        int high = entries - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (buffer.getInt(mid * ENTRY_SIZE) <= relative) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    @Override
    public String toString() {
        return "OffsetIndex(" + file() + ", " + entries() + " entries)";
    }
}

package io.sluice.core.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sparse time index of one segment, {@code <baseOffset>.timeindex}. Format: 12-byte big-endian entries, each
 * {@code [long timestamp][int relativeOffset]}, strictly ascending in both fields. An entry {@code (t, o)} says:
 * the largest record timestamp in the segment up to and including the batch that ends at offset
 * {@code baseOffset + o} is {@code t}, and that batch is the first to reach it, so every earlier batch has only
 * timestamps below {@code t}.
 *
 * <p>Entries are added at the same moments as offset-index entries, but only when the largest timestamp so far
 * has grown since the last entry; when the segment stops being active (roll, close) a final entry records its
 * largest timestamp, so the last entry of an inactive segment is the segment's maximum.
 *
 * <p>{@link #lookup}{@code (t)} returns the last entry with a timestamp at or below {@code t}: no batch before that
 * entry's batch holds a timestamp at or above {@code t}, so a scan for the first such record starts there.
 *
 * <p>No checksum (rebuilt from the log when in doubt). Threads: see {@link MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    /** A timestamp and the last offset of the batch that first reached it. */
    record Entry(long timestamp, long offset) {
    }

    TimeIndex(Path file, long baseOffset) throws IOException {
        super(file, baseOffset, ENTRY_SIZE);
    }

    /** The last entry with a timestamp at or below {@code timestamp}, if any. */
    Optional<Entry> lookup(long timestamp) {
        View v = view();
        ByteBuffer buffer = reader(v);
        if (v.entries == 0 || buffer.getLong(0) > timestamp) {
            return Optional.empty();
        }
        int low = 0;
        int high = v.entries - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (buffer.getLong(mid * ENTRY_SIZE) <= timestamp) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return Optional.of(entryAt(buffer, low));
    }

    Optional<Entry> lastEntry() {
        View v = view();
        return v.entries == 0 ? Optional.empty() : Optional.of(entryAt(reader(v), v.entries - 1));
    }

    Entry entry(int n) {
        View v = view();
        if (n < 0 || n >= v.entries) {
            throw new IndexOutOfBoundsException("Index " + file() + " has " + v.entries + " entries, no entry " + n);
        }
        return entryAt(reader(v), n);
    }

    /**
     * Appends {@code (timestamp, offset)} if the timestamp is above the last entry's and there is room; otherwise
     * does nothing. Writer only.
     *
     * @throws IllegalArgumentException if the timestamp is larger but the offset is below the last entry's, or
     *                                  the offset is not within 2^31 - 1 of the base offset
     */
    void maybeAppend(long timestamp, long offset) {
        View v = view();
        int n = v.entries;
        if (n > 0) {
            Entry last = entryAt(v.buffer, n - 1); // absolute reads only: no cursor needed
            if (timestamp <= last.timestamp()) {
                return;
            }
            if (offset < last.offset()) {
                throw new IllegalArgumentException("Time index " + file() + ": entry (" + timestamp + ", " + offset
                    + ") goes back from the last entry (" + last.timestamp() + ", " + last.offset() + ")");
            }
            if (offset == last.offset()) {
                return;
            }
        }
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Time index " + file() + ": offset " + offset
                + " is not within 2^31 - 1 above the base offset " + baseOffset);
        }
        if (isFull()) {
            return;
        }
        ByteBuffer buffer = writableBuffer();
        buffer.putLong(n * ENTRY_SIZE, timestamp);
        buffer.putInt(n * ENTRY_SIZE + 8, (int) relative);
        publish(n + 1);
    }

    /** Removes the entries whose offset is at or above {@code offset}. Writer only. */
    void truncateTo(long offset) {
        View v = view();
        ByteBuffer buffer = reader(v);
        int keep = v.entries;
        while (keep > 0 && baseOffset + buffer.getInt((keep - 1) * ENTRY_SIZE + 8) >= offset) {
            keep--;
        }
        publish(keep);
    }

    @Override
    Optional<String> sanityProblem(long nextOffset, int logSizeInBytes) {
        if (openedRagged()) {
            return Optional.of("size is not a multiple of " + ENTRY_SIZE);
        }
        View v = view();
        ByteBuffer buffer = reader(v);
        long previousTimestamp = Long.MIN_VALUE;
        long previousRelative = -1;
        for (int i = 0; i < v.entries; i++) {
            long timestamp = buffer.getLong(i * ENTRY_SIZE);
            int relative = buffer.getInt(i * ENTRY_SIZE + 8);
            if (relative < 0) {
                return Optional.of("entry " + i + " has a negative relative offset " + relative);
            }
            if (i > 0 && (timestamp <= previousTimestamp || relative <= previousRelative)) {
                return Optional.of("entry " + i + " (" + timestamp + ", " + relative + ") is not after entry "
                    + (i - 1) + " (" + previousTimestamp + ", " + previousRelative + ")");
            }
            previousTimestamp = timestamp;
            previousRelative = relative;
        }
        if (v.entries > 0 && baseOffset + previousRelative >= nextOffset) {
            return Optional.of("last entry's offset " + (baseOffset + previousRelative)
                + " is not below the segment's next offset " + nextOffset);
        }
        return Optional.empty();
    }

    private Entry entryAt(ByteBuffer buffer, int n) {
        return new Entry(buffer.getLong(n * ENTRY_SIZE), baseOffset + buffer.getInt(n * ENTRY_SIZE + 8));
    }

    @Override
    public String toString() {
        return "TimeIndex(" + file() + ", " + entries() + " entries)";
    }
}

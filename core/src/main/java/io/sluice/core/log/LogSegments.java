package io.sluice.core.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log by base offset. The last one is the active segment. Backed by a concurrent sorted map:
 * the owning log changes it under its append lock, readers walk it without locks and see each change (a segment
 * added, removed or replaced) atomically per key. Replacing several segments by one (the cleaner's swap) puts
 * the new segment first, then removes the others, so a reader always finds some segment covering an offset.
 */
final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> map = new ConcurrentSkipListMap<>();

    void add(LogSegment segment) {
        map.put(segment.baseOffset(), segment);
    }

    /** Removes the segment if it is still the one at its base offset. */
    void remove(LogSegment segment) {
        map.remove(segment.baseOffset(), segment);
    }

    boolean contains(LogSegment segment) {
        return map.get(segment.baseOffset()) == segment;
    }

    Optional<LogSegment> get(long baseOffset) {
        return Optional.ofNullable(map.get(baseOffset));
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    int size() {
        return map.size();
    }

    LogSegment active() {
        return map.lastEntry().getValue();
    }

    LogSegment first() {
        return map.firstEntry().getValue();
    }

    /** The segment with the largest base offset at or below {@code offset}. */
    Optional<LogSegment> floor(long offset) {
        Map.Entry<Long, LogSegment> e = map.floorEntry(offset);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /** The segment after the one based at {@code baseOffset}. */
    Optional<LogSegment> higher(long baseOffset) {
        Map.Entry<Long, LogSegment> e = map.higherEntry(baseOffset);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /** A snapshot list, ascending. */
    List<LogSegment> all() {
        return new ArrayList<>(map.values());
    }

    /** Segments with a base offset at or above {@code baseOffset}, ascending (a snapshot). */
    List<LogSegment> from(long baseOffset) {
        return new ArrayList<>(map.tailMap(baseOffset, true).values());
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : map.values()) {
            total += segment.sizeInBytes();
        }
        return total;
    }
}

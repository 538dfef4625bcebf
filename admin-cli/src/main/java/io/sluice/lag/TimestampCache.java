package io.sluice.lag;

import io.sluice.common.TopicPartition;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Record timestamps by (partition, offset), least recently used dropped beyond a bound. A record's timestamp
 * never changes, so an unchanged committed offset costs no fetch however many refreshes or groups ask for it.
 * Only found timestamps are kept: an offset with no record yet (nothing read there) is fetched again next time.
 * Not thread-safe: used from the monitor's refresh thread only.
 */
final class TimestampCache {
    /** Fetches the timestamp of the record at an offset; empty when there is none (yet). */
    @FunctionalInterface
    interface Fetcher {
        OptionalLong fetch(TopicPartition tp, long offset) throws IOException;
    }

    private record Key(TopicPartition tp, long offset) {
    }

    private final int capacity;
    private final Map<Key, Long> entries;

    TimestampCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A timestamp cache holds at least one entry, not " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The cached timestamp of the record at {@code offset} of {@code tp}, else what {@code fetcher} finds. */
    OptionalLong get(TopicPartition tp, long offset, Fetcher fetcher) throws IOException {
        Key key = new Key(tp, offset);
        Long cached = entries.get(key);
        if (cached != null) {
            return OptionalLong.of(cached);
        }
        OptionalLong fetched = fetcher.fetch(tp, offset);
        if (fetched.isPresent()) {
            entries.put(key, fetched.getAsLong());
            if (entries.size() > capacity) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        return fetched;
    }

    int size() {
        return entries.size();
    }
}

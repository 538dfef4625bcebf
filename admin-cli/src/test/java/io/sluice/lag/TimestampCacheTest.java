package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.common.TopicPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The record-timestamp cache of {@link AdminOffsetsSource}: an unchanged commit costs no fetch. */
class TimestampCacheTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final List<String> fetches = new ArrayList<>();

    private OptionalLong fetch(TopicPartition tp, long offset) {
        fetches.add(tp.partition() + "@" + offset);
        return OptionalLong.of(1_000 * tp.partition() + offset);
    }

    @Test
    void anUnchangedOffsetIsFetchedOnce() throws IOException {
        TimestampCache cache = new TimestampCache(10);
        for (int refresh = 0; refresh < 5; refresh++) {
            assertEquals(OptionalLong.of(1_007), cache.get(P1, 7, this::fetch));
            assertEquals(OptionalLong.of(7), cache.get(P0, 7, this::fetch));
        }
        assertEquals(List.of("1@7", "0@7"), fetches);
    }

    @Test
    void aNewOffsetOrAnotherPartitionIsFetched() throws IOException {
        TimestampCache cache = new TimestampCache(10);
        cache.get(P0, 7, this::fetch);
        assertEquals(OptionalLong.of(8), cache.get(P0, 8, this::fetch));
        assertEquals(OptionalLong.of(1_008), cache.get(P1, 8, this::fetch));
        assertEquals(OptionalLong.of(7), cache.get(P0, 7, this::fetch));
        assertEquals(List.of("0@7", "0@8", "1@8"), fetches);
    }

    @Test
    void aMissingRecordIsNotCachedAndIsFetchedAgain() throws IOException {
        TimestampCache cache = new TimestampCache(10);
        int[] calls = {0};
        TimestampCache.Fetcher notYet = (tp, offset) -> {
            calls[0]++;
            return calls[0] < 3 ? OptionalLong.empty() : OptionalLong.of(42);
        };
        assertEquals(OptionalLong.empty(), cache.get(P0, 5, notYet));
        assertEquals(OptionalLong.empty(), cache.get(P0, 5, notYet));
        assertEquals(OptionalLong.of(42), cache.get(P0, 5, notYet));
        assertEquals(OptionalLong.of(42), cache.get(P0, 5, notYet));
        assertEquals(3, calls[0]);
        assertEquals(1, cache.size());
    }

    @Test
    void theLeastRecentlyUsedEntryIsDroppedBeyondTheBound() throws IOException {
        TimestampCache cache = new TimestampCache(2);
        cache.get(P0, 1, this::fetch);
        cache.get(P0, 2, this::fetch);
        cache.get(P0, 1, this::fetch);     // 1 is now the most recently used
        cache.get(P0, 3, this::fetch);     // drops 2
        assertEquals(2, cache.size());
        cache.get(P0, 1, this::fetch);
        cache.get(P0, 2, this::fetch);
        assertEquals(List.of("0@1", "0@2", "0@3", "0@2"), fetches);
    }

    @Test
    void aFetchFailureIsPassedOnAndNotCached() throws IOException {
        TimestampCache cache = new TimestampCache(2);
        assertThrows(IOException.class, () -> cache.get(P0, 1, (tp, o) -> {
            throw new IOException("down");
        }));
        assertEquals(0, cache.size());
        assertEquals(OptionalLong.of(1), cache.get(P0, 1, this::fetch));
    }

    @Test
    void rejectsAnEmptyBound() {
        assertThrows(IllegalArgumentException.class, () -> new TimestampCache(0));
    }
}

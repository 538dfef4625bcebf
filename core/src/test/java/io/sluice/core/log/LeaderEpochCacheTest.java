package io.sluice.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.log.LeaderEpochCache.EpochEndOffset;
import io.sluice.core.log.LeaderEpochCache.EpochEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    private LeaderEpochCache cache(int... epochAndStart) {
        LeaderEpochCache cache = new LeaderEpochCache(dir);
        for (int i = 0; i < epochAndStart.length; i += 2) {
            cache.assign(epochAndStart[i], epochAndStart[i + 1]);
        }
        return cache;
    }

    @Test
    void assignKeepsTheFirstOffsetOfEachEpoch() {
        LeaderEpochCache cache = cache(1, 0, 1, 5, 2, 10, 2, 12, 4, 20);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 10), new EpochEntry(4, 20)), cache.entries());
        assertEquals(Optional.of(4), cache.latestEpoch());
        cache.assign(-1, 30);
        assertEquals(3, cache.entries().size());
    }

    @Test
    void assignReplacesEntriesOfADivergentHistory() {
        LeaderEpochCache cache = cache(1, 0, 2, 10, 3, 20);
        cache.assign(3, 15);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 10), new EpochEntry(3, 15)), cache.entries());
        cache.assign(2, 5);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 5)), cache.entries());
    }

    @Test
    void endOffsetForFollowsOffsetsForLeaderEpochSemantics() {
        LeaderEpochCache cache = cache(2, 10, 4, 20, 6, 35);
        long logEnd = 50;
        assertEquals(new EpochEndOffset(6, 50), cache.endOffsetFor(6, logEnd), "latest epoch: the log end");
        assertEquals(new EpochEndOffset(4, 35), cache.endOffsetFor(4, logEnd), "start of the next epoch");
        assertEquals(new EpochEndOffset(4, 35), cache.endOffsetFor(5, logEnd), "largest known epoch below");
        assertEquals(new EpochEndOffset(2, 20), cache.endOffsetFor(3, logEnd));
        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(1, logEnd), "below every epoch: first start");
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(7, logEnd), "above every epoch");
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(-1, logEnd));
    }

    @Test
    void endOffsetForAnEmptyCacheIsUndefined() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(EpochEndOffset.UNDEFINED, new LeaderEpochCache(empty).endOffsetFor(3, 100));
    }

    @Test
    void truncateFromEndAndFromStart() {
        LeaderEpochCache cache = cache(2, 10, 4, 20, 6, 35);
        cache.truncateFromEnd(35);
        assertEquals(List.of(new EpochEntry(2, 10), new EpochEntry(4, 20)), cache.entries());
        cache.truncateFromStart(25);
        assertEquals(List.of(new EpochEntry(4, 25)), cache.entries());
        cache.truncateFromStart(5);
        assertEquals(List.of(new EpochEntry(4, 25)), cache.entries());
        cache.truncateFromEnd(0);
        assertEquals(List.of(), cache.entries());
        assertEquals(Optional.empty(), cache.epochForOffset(3));
    }

    @Test
    void epochForOffset() {
        LeaderEpochCache cache = cache(2, 10, 4, 20);
        assertEquals(Optional.empty(), cache.epochForOffset(9));
        assertEquals(Optional.of(2), cache.epochForOffset(19));
        assertEquals(Optional.of(4), cache.epochForOffset(1000));
    }

    @Test
    void checkpointRoundTripsThroughTheFile() throws IOException {
        cache(1, 0, 3, 7, 8, 100);
        Path file = dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT);
        assertEquals(List.of("0", "3", "1 0", "3 7", "8 100"), Files.readAllLines(file));
        LeaderEpochCache reloaded = new LeaderEpochCache(dir);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 7), new EpochEntry(8, 100)), reloaded.entries());
        assertEquals(false, Files.exists(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT + ".tmp")));
    }

    @Test
    void aMalformedCheckpointIsIgnored() throws IOException {
        Files.write(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT), "0\n2\n1 0\nbad\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), new LeaderEpochCache(dir).entries());
        Files.write(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT), "0\n2\n1 50\n2 10\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), new LeaderEpochCache(dir).entries(), "not increasing");
    }
}

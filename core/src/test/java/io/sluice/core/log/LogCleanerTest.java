package io.sluice.core.log;

import static io.sluice.core.log.LogTestSupport.T0;
import static io.sluice.core.log.LogTestSupport.readAllBatches;
import static io.sluice.core.log.LogTestSupport.readAllRecords;
import static io.sluice.core.log.LogTestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    private static final long DELETE_RETENTION_MS = 60_000;

    @TempDir
    Path root;

    private final MockTime time = LogTestSupport.time();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> logs = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        logs.forEach(PartitionLog::close);
    }

    private PartitionLog open(String name, Map<String, Object> extra) throws IOException {
        Map<String, Object> overrides = new HashMap<>(Map.of(LogConfig.CLEANUP_POLICY, "compact",
            LogConfig.SEGMENT_BYTES, 1024, LogConfig.DELETE_RETENTION_MS, DELETE_RETENTION_MS,
            LogConfig.MIN_CLEANABLE_DIRTY_RATIO, 0.01, LogConfig.FILE_DELETE_DELAY_MS, 1000L));
        overrides.putAll(extra);
        PartitionLog log = LogTestSupport.open(root.resolve(name), LogTestSupport.config(overrides), time, scheduler);
        logs.add(log);
        return log;
    }

    private LogCleaner cleaner(PartitionLog log) {
        return new LogCleaner(() -> List.of(log), 1 << 20, 100, time);
    }

    /** Latest value per key replaying the records in order (a tombstone removes the key). */
    private static Map<String, String> replay(List<Record> records) {
        Map<String, String> state = new LinkedHashMap<>();
        for (Record record : records) {
            String key = string(record.key());
            if (record.hasValue()) {
                state.put(key, string(record.value()));
            } else {
                state.remove(key);
            }
        }
        return state;
    }

    private static void assertOffsetsIncrease(List<RecordBatch> batches) {
        long previous = -1;
        for (RecordBatch batch : batches) {
            batch.ensureValid();
            assertTrue(batch.baseOffset() > previous, "batch " + batch + " after offset " + previous);
            long previousRecord = batch.baseOffset() - 1;
            for (Record record : batch.records()) {
                assertTrue(record.offset() > previousRecord);
                previousRecord = record.offset();
            }
            assertTrue(batch.lastOffset() >= previousRecord);
            previous = batch.lastOffset();
        }
    }

    /** Appends {@code count} random batches of keyed records (about 1 in 8 a tombstone); returns what was written. */
    private static void appendRandom(PartitionLog log, Random random, int batches, int keys) {
        for (int b = 0; b < batches; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(4);
            for (int r = 0; r < count; r++) {
                String key = "key-" + random.nextInt(keys);
                String value = random.nextInt(8) == 0 ? null : "value-" + b + "-" + r + "-" + "x".repeat(random.nextInt(30));
                builder.append(T0 + b, LogTestSupport.utf8(key), LogTestSupport.utf8(value));
            }
            log.appendAsLeader(builder.build(), 0, AppendOrigin.CLIENT);
        }
    }

    @Test
    void afterCleaningEveryKeyHoldsTheValueAReplayOfTheLogWouldHold() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        PartitionLog log = open("compact-0", Map.of());
        appendRandom(log, random, 300, 40);
        log.updateHighWatermark(log.logEndOffset());
        List<Record> before = readAllRecords(log);
        Map<String, String> expected = replay(before);
        long sizeBefore = log.sizeInBytes();
        long activeBase = log.activeSegmentBaseOffset();
        List<RecordBatch> activeBefore = readAllBatches(log).stream().filter(b -> b.baseOffset() >= activeBase).toList();

        LogCleaner cleaner = cleaner(log);
        assertTrue(cleaner.cleanOnce(), "seed " + seed);
        List<RecordBatch> batches = readAllBatches(log);
        assertOffsetsIncrease(batches);
        List<Record> after = readAllRecords(log);
        assertEquals(expected, replay(after), "seed " + seed);
        assertTrue(log.sizeInBytes() < sizeBefore, "seed " + seed);
        assertEquals(before.get(before.size() - 1).offset(), after.get(after.size() - 1).offset());
        // Below the active segment, at most one record per key survives.
        Map<String, Integer> perKey = new HashMap<>();
        for (Record record : after) {
            if (record.offset() < activeBase) {
                perKey.merge(string(record.key()), 1, Integer::sum);
            }
        }
        perKey.forEach((key, count) -> assertEquals(1, count, "key " + key + ", seed " + seed));
        // The active segment is untouched.
        List<RecordBatch> activeAfter = batches.stream().filter(b -> b.baseOffset() >= activeBase).toList();
        assertEquals(activeBefore.stream().map(RecordBatch::buffer).toList(),
            activeAfter.stream().map(RecordBatch::buffer).toList());
        assertEquals(Optional.of(activeBase), cleaner.checkpoint(log.topicPartition()));
        assertEquals(Map.of(log.topicPartition(), activeBase),
            new OffsetCheckpointFile(root.resolve(LogFileNames.CLEANER_OFFSET_CHECKPOINT)).read());
        // Nothing more to do until new data arrives.
        assertFalse(cleaner.cleanOnce());
        // The cleaned log survives a restart.
        log.close();
        PartitionLog reopened = LogTestSupport.reopen(log.dir(), log.config(), time, scheduler, 0, 0, false);
        logs.add(reopened);
        assertEquals(expected, replay(readAllRecords(reopened)), "seed " + seed);
    }

    @Test
    void tombstonesDisappearOnlyAfterTheirHorizon() throws IOException {
        PartitionLog log = open("tomb-0", Map.of());
        log.appendAsLeader(LogTestSupport.keyed(T0, "gone", "v1", "kept", "k1"), 0, AppendOrigin.CLIENT);
        log.appendAsLeader(LogTestSupport.keyed(T0 + 1, "gone", null), 0, AppendOrigin.CLIENT);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(LogTestSupport.keyed(T0 + 2, "filler-" + i, "x".repeat(100)), 0, AppendOrigin.CLIENT);
        }
        log.updateHighWatermark(log.logEndOffset());
        LogCleaner cleaner = cleaner(log);
        assertTrue(cleaner.cleanOnce());
        Record tombstone = findKey(log, "gone").orElseThrow();
        assertFalse(tombstone.hasValue());
        assertEquals(T0 + 1, tombstone.timestamp(), "the record keeps its timestamp");
        RecordBatch withHorizon = readAllBatches(log).stream().filter(b -> b.hasDeleteHorizon()).findFirst().orElseThrow();
        assertEquals(time.milliseconds() + DELETE_RETENTION_MS, withHorizon.deleteHorizonMs().getAsLong());

        time.advance(DELETE_RETENTION_MS - 1);
        assertFalse(cleaner.cleanOnce(), "no dirty data and the horizon has not passed");
        assertTrue(findKey(log, "gone").isPresent());
        time.advance(1);
        assertTrue(cleaner.cleanOnce(), "the horizon passed: cleaned for the tombstone");
        assertTrue(findKey(log, "gone").isEmpty());
        assertEquals("k1", string(findKey(log, "kept").orElseThrow().value()));
    }

    private static Optional<Record> findKey(PartitionLog log, String key) {
        return readAllRecords(log).stream().filter(r -> key.equals(string(r.key()))).findFirst();
    }

    @Test
    void aReaderIteratingDuringCleaningSeesAConsistentLog() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        PartitionLog log = open("read-0", Map.of(LogConfig.SEGMENT_BYTES, 600));
        appendRandom(log, random, 200, 25);
        log.updateHighWatermark(log.logEndOffset());
        Map<String, String> expected = replay(readAllRecords(log));
        LogCleaner cleaner = cleaner(log);
        // A reader that fetches a few batches at every swap, carrying its position across swaps.
        long[] position = {log.logStartOffset()};
        List<Record> seen = new ArrayList<>();
        int[] swaps = {0};
        cleaner.beforeSwapHook(() -> {
            swaps[0]++;
            assertEquals(expected, replay(readAllRecords(log)), "full read before swap " + swaps[0] + ", seed " + seed);
            for (int i = 0; i < 3 && position[0] < log.logEndOffset(); i++) {
                FetchDataInfo read = log.read(position[0], 200, Long.MAX_VALUE, true);
                for (RecordBatch batch : read.records().toMemoryRecords().batches()) {
                    batch.ensureValid();
                    for (Record record : batch.records()) {
                        if (record.offset() >= position[0]) {
                            seen.add(record);
                        }
                    }
                    position[0] = batch.nextOffset();
                }
            }
        });
        assertTrue(cleaner.cleanOnce());
        assertTrue(swaps[0] > 1, "several groups were swapped: " + swaps[0]);
        while (position[0] < log.logEndOffset()) {
            for (RecordBatch batch : log.read(position[0], 1000, Long.MAX_VALUE, true).records().toMemoryRecords()
                    .batches()) {
                for (Record record : batch.records()) {
                    if (record.offset() >= position[0]) {
                        seen.add(record);
                    }
                }
                position[0] = batch.nextOffset();
            }
        }
        long previous = -1;
        for (Record record : seen) {
            assertTrue(record.offset() > previous, "seed " + seed);
            previous = record.offset();
        }
        assertEquals(expected, replay(seen), "a reader moving across the swaps, seed " + seed);
    }

    @Test
    void aTruncationDuringCleaningAbandonsThePass() throws IOException {
        PartitionLog log = open("trunc-0", Map.of());
        appendRandom(log, new Random(3), 100, 10);
        log.updateHighWatermark(log.logEndOffset());
        LogCleaner cleaner = cleaner(log);
        long target = log.logEndOffset() / 2;
        cleaner.beforeSwapHook(() -> log.truncateTo(target));
        // truncateTo cuts the whole batch that holds the target offset
        List<Record> before = new ArrayList<>();
        for (RecordBatch batch : readAllBatches(log)) {
            if (batch.lastOffset() < target) {
                before.addAll(batch.records());
            }
        }
        assertFalse(cleaner.cleanOnce());
        assertEquals(target, log.logEndOffset());
        assertEquals(replay(before), replay(readAllRecords(log)));
        try (Stream<Path> files = Files.list(log.dir())) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".cleaned") || p.toString().endsWith(".swap")));
        }
    }

    @Test
    void theDirtyRatioAndTheCompactionLagDecideWhatIsCleaned() throws IOException {
        PartitionLog log = open("ratio-0", Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, 0.9));
        appendRandom(log, new Random(5), 60, 10);
        log.updateHighWatermark(log.logEndOffset());
        LogCleaner cleaner = cleaner(log);
        assertTrue(cleaner.cleanOnce(), "all dirty: ratio 1.0");
        appendRandom(log, new Random(6), 8, 10);
        log.roll();
        log.updateHighWatermark(log.logEndOffset());
        LogCleaner.Candidate candidate = cleaner.candidate(log, time.milliseconds()).orElseThrow();
        assertTrue(candidate.dirtyRatio() < 0.9, "ratio " + candidate.dirtyRatio());
        assertFalse(cleaner.cleanOnce(), "below min.cleanable.dirty.ratio");

        PartitionLog lagged = open("lag-0", Map.of(LogConfig.MIN_COMPACTION_LAG_MS, 10_000L));
        for (int i = 0; i < 30; i++) {
            lagged.appendAsLeader(LogTestSupport.keyed(time.milliseconds(), "k" + (i % 3), "v" + i), 0,
                AppendOrigin.CLIENT);
            lagged.roll();
        }
        lagged.updateHighWatermark(lagged.logEndOffset());
        LogCleaner lagCleaner = cleaner(lagged);
        assertFalse(lagCleaner.cleanOnce(), "everything is younger than min.compaction.lag.ms");
        time.advance(10_001);
        assertTrue(lagCleaner.cleanOnce());
        assertEquals(Map.of("k0", "v27", "k1", "v28", "k2", "v29"), replay(readAllRecords(lagged)));
    }

    @Test
    void nothingAtOrAboveTheHighWatermarkIsCleaned() throws IOException {
        PartitionLog log = open("hw-0", Map.of());
        appendRandom(log, new Random(8), 100, 5);
        LogCleaner cleaner = cleaner(log);
        assertFalse(cleaner.cleanOnce(), "high watermark at 0");
        List<Long> bases = log.segmentBaseOffsets();
        log.updateHighWatermark(bases.get(2));
        assertTrue(cleaner.cleanOnce());
        assertEquals(Optional.of(bases.get(2)), cleaner.checkpoint(log.topicPartition()));
    }

    @Test
    void theLastBatchOfAProducerIsKeptEvenWhenEmptied() throws IOException {
        PartitionLog log = open("producer-0", Map.of());
        for (int i = 0; i < 10; i++) {
            RecordBatchBuilder builder = new RecordBatchBuilder().producerState(77, (short) 0, i);
            builder.append(T0, LogTestSupport.utf8("same"), LogTestSupport.utf8("v" + i));
            log.appendAsLeader(builder.build(), 0, AppendOrigin.CLIENT);
            if (i == 5) {
                log.roll();
            }
        }
        log.roll();
        log.appendAsLeader(LogTestSupport.keyed(T0, "same", "overwritten by a non-idempotent producer"), 0,
            AppendOrigin.CLIENT);
        log.roll();
        log.updateHighWatermark(log.logEndOffset());
        assertTrue(cleaner(log).cleanOnce());
        List<RecordBatch> batches = readAllBatches(log);
        RecordBatch emptied = batches.stream().filter(RecordBatch::hasProducerId).reduce((a, b) -> b).orElseThrow();
        assertEquals(0, emptied.recordCount());
        assertEquals(9, emptied.baseOffset());
        assertEquals(9, emptied.lastSequence());
        assertEquals(1, batches.stream().filter(RecordBatch::hasProducerId).count());
    }

    @Test
    void compactAndDeleteAppliesRetentionToo() throws IOException {
        PartitionLog log = open("both-0", Map.of(LogConfig.CLEANUP_POLICY, "compact,delete", LogConfig.RETENTION_MS,
            1000L));
        appendRandom(log, new Random(1), 50, 5);
        log.updateHighWatermark(log.logEndOffset());
        time.advance(T0 + 100_000 - time.milliseconds());
        assertTrue(log.deleteOldSegments() > 0);
    }
}

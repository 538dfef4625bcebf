package io.sluice.core.log;

import static io.sluice.core.log.LogTestSupport.T0;
import static io.sluice.core.log.LogTestSupport.keyed;
import static io.sluice.core.log.LogTestSupport.readAllBatches;
import static io.sluice.core.log.LogTestSupport.readAllRecords;
import static io.sluice.core.log.LogTestSupport.utf8;
import static io.sluice.core.log.LogTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.record.EndTransactionMarker;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import io.sluice.record.TimestampType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
    @TempDir
    Path root;

    private final MockTime time = LogTestSupport.time();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> logs = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        logs.forEach(PartitionLog::close);
    }

    private PartitionLog open(Map<String, ?> overrides) throws IOException {
        PartitionLog log = LogTestSupport.open(root.resolve("topic-0"), LogTestSupport.config(overrides), time, scheduler);
        logs.add(log);
        return log;
    }

    private PartitionLog reopen(PartitionLog old, boolean clean) throws IOException {
        old.close();
        PartitionLog log = LogTestSupport.reopen(old.dir(), old.config(), time, scheduler, 0, old.logStartOffset(), clean);
        logs.add(log);
        return log;
    }

    private static LogAppendInfo append(PartitionLog log, MemoryRecords records) {
        return log.appendAsLeader(records, 0, AppendOrigin.CLIENT);
    }

    private static Errors errorOf(Runnable action) {
        ApiException e = assertThrows(ApiException.class, action::run);
        return e.error();
    }

    // ------------------------------------------------------------------------------------------ append and read

    @Test
    void appendAndReadRoundTripAcrossSegmentBoundaries() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 2048, LogConfig.INDEX_INTERVAL_BYTES, 100));
        List<String> expected = new ArrayList<>();
        for (int b = 0; b < 150; b++) {
            int count = 1 + random.nextInt(4);
            String[] values = new String[count];
            for (int r = 0; r < count; r++) {
                values[r] = "v" + expected.size() + "-" + "x".repeat(random.nextInt(150));
                expected.add(values[r]);
            }
            LogAppendInfo info = append(log, LogTestSupport.values(T0, values));
            assertEquals(expected.size() - count, info.firstOffset());
            assertEquals(expected.size() - 1, info.lastOffset());
        }
        assertTrue(log.numberOfSegments() > 5, "rolled: " + log.numberOfSegments());
        assertEquals(expected.size(), log.logEndOffset());
        List<Record> records = readAllRecords(log);
        assertEquals(expected, values(records), "seed " + seed);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i, records.get(i).offset());
        }
        for (long offset = 0; offset < log.logEndOffset(); offset++) {
            FetchDataInfo read = log.read(offset, 1, Long.MAX_VALUE, true);
            RecordBatch first = read.records().toMemoryRecords().batches().iterator().next();
            assertTrue(first.baseOffset() <= offset && offset <= first.lastOffset(), "offset " + offset);
        }
    }

    @Test
    void leaderAppendAssignsOffsetsAndStampsTheEpoch() throws IOException {
        PartitionLog log = open(Map.of());
        log.appendAsLeader(values(T0, "a", "b"), 3, AppendOrigin.CLIENT);
        log.appendAsLeader(values(T0, "c"), 5, AppendOrigin.CLIENT);
        List<RecordBatch> batches = readAllBatches(log);
        assertEquals(0, batches.get(0).baseOffset());
        assertEquals(3, batches.get(0).partitionLeaderEpoch());
        assertEquals(2, batches.get(1).baseOffset());
        assertEquals(5, batches.get(1).partitionLeaderEpoch());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(3, 0), new LeaderEpochCache.EpochEntry(5, 2)),
            log.leaderEpochCache().entries());
        assertEquals(new LeaderEpochCache.EpochEndOffset(3, 2), log.endOffsetForEpoch(3));
        assertEquals(new LeaderEpochCache.EpochEndOffset(5, 3), log.endOffsetForEpoch(5));
    }

    @Test
    void logAppendTimeRewritesTimestampsAndTheCrc() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        time.advance(1234);
        LogAppendInfo info = append(log, values(5, "a", "b"));
        assertEquals(T0 + 1234, info.logAppendTime());
        RecordBatch batch = readAllBatches(log).get(0);
        batch.ensureValid();
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        for (Record record : batch.records()) {
            assertEquals(T0 + 1234, record.timestamp());
        }
        assertEquals(-1, append(open2CreateTime(), values(5, "x")).logAppendTime());
    }

    private PartitionLog open2CreateTime() throws IOException {
        PartitionLog log = LogTestSupport.open(root.resolve("other-0"), LogConfig.defaults(), time, scheduler);
        logs.add(log);
        return log;
    }

    @Test
    void aTopicCompressionTypeRecompressesBatches() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.COMPRESSION_TYPE, "gzip"));
        RecordBatchBuilder builder = new RecordBatchBuilder().producerState(5, (short) 1, 0);
        builder.append(T0, utf8("k"), utf8("v".repeat(100)));
        builder.append(T0 + 1, null, utf8("w".repeat(100)));
        LogAppendInfo info = append(log, builder.build());
        assertEquals(1, info.lastOffset());
        RecordBatch stored = readAllBatches(log).get(0);
        stored.ensureValid();
        assertEquals(io.sluice.record.CompressionType.GZIP, stored.compressionType());
        assertEquals(5, stored.producerId());
        assertEquals(1, stored.lastSequence());
        assertEquals(List.of("v".repeat(100), "w".repeat(100)), values(stored.records()));
        assertEquals(T0 + 1, stored.records().get(1).timestamp());

        PartitionLog plain = LogTestSupport.open(root.resolve("plain-0"),
            LogTestSupport.config(Map.of(LogConfig.COMPRESSION_TYPE, "uncompressed")), time, scheduler);
        logs.add(plain);
        append(plain, values(T0, "unused"));
        RecordBatchBuilder lz4 = new RecordBatchBuilder().compression(io.sluice.record.CompressionType.LZ4);
        lz4.append(T0, null, utf8("x"));
        append(plain, lz4.build());
        assertEquals(io.sluice.record.CompressionType.NONE, readAllBatches(plain).get(1).compressionType());
        assertEquals(List.of("unused", "x"), values(readAllRecords(plain)));
    }

    @Test
    void readHonoursTheRangeTheUpperBoundAndMinOneBatch() throws IOException {
        PartitionLog log = open(Map.of());
        for (int i = 0; i < 10; i++) {
            append(log, values(T0, "value-" + i));
        }
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.read(11, 100, Long.MAX_VALUE, true)));
        assertTrue(log.read(10, 100, Long.MAX_VALUE, true).isEmpty());
        assertEquals(10, log.read(10, 100, Long.MAX_VALUE, true).fetchOffsetMetadata().messageOffset());
        List<Long> bases = new ArrayList<>();
        for (RecordBatch batch : log.read(2, 1 << 20, 5, false).records().toMemoryRecords().batches()) {
            bases.add(batch.baseOffset());
        }
        assertEquals(List.of(2L, 3L, 4L), bases);
        assertTrue(log.read(5, 1 << 20, 5, true).isEmpty(), "nothing visible at the upper bound");
        assertEquals(0, log.read(0, 0, Long.MAX_VALUE, false).records().sizeInBytes());
        int firstBatch = readAllBatches(log).get(0).sizeInBytes();
        assertEquals(firstBatch, log.read(0, 1, Long.MAX_VALUE, true).records().sizeInBytes());
    }

    // ------------------------------------------------------------------------------------------ validation

    @Test
    void corruptCrcIsCorruptMessage() throws IOException {
        PartitionLog log = open(Map.of());
        ByteBuffer bytes = copy(values(T0, "payload"));
        bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 1));
        assertEquals(Errors.CORRUPT_MESSAGE, errorOf(() -> append(log, MemoryRecords.readableRecords(bytes))));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void truncatedBatchIsCorruptMessage() throws IOException {
        PartitionLog log = open(Map.of());
        ByteBuffer bytes = copy(values(T0, "payload"));
        bytes.limit(bytes.limit() - 3);
        assertEquals(Errors.CORRUPT_MESSAGE, errorOf(() -> append(log, MemoryRecords.readableRecords(bytes))));
    }

    @Test
    void wrongMagicIsInvalidRecord() throws IOException {
        PartitionLog log = open(Map.of());
        ByteBuffer bytes = copy(values(T0, "payload"));
        bytes.put(16, (byte) 1);
        assertEquals(Errors.INVALID_RECORD, errorOf(() -> append(log, MemoryRecords.readableRecords(bytes))));
    }

    @Test
    void oversizedBatchIsMessageTooLarge() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.MAX_MESSAGE_BYTES, 500));
        assertEquals(Errors.MESSAGE_TOO_LARGE, errorOf(() -> append(log, LogTestSupport.sized(T0, 600))));
        append(log, LogTestSupport.sized(T0, 300));
        assertEquals(1, log.logEndOffset());
    }

    @Test
    void recordsLargerThanASegmentAreRecordListTooLarge() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1000, LogConfig.MAX_MESSAGE_BYTES, 5000));
        assertEquals(Errors.RECORD_LIST_TOO_LARGE, errorOf(() -> append(log, LogTestSupport.sized(T0, 2000))));
    }

    @Test
    void compactedTopicsNeedKeys() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        assertEquals(Errors.INVALID_RECORD, errorOf(() -> append(log, values(T0, "no key"))));
        append(log, keyed(T0, "k", "v"));
        assertEquals(1, log.logEndOffset());
    }

    @Test
    void timestampsOutsideTheBoundsAreInvalidTimestamp() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, 1000L,
            LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, 500L));
        long now = time.milliseconds();
        assertEquals(Errors.INVALID_TIMESTAMP, errorOf(() -> append(log, values(now - 1001, "old"))));
        assertEquals(Errors.INVALID_TIMESTAMP, errorOf(() -> append(log, values(now + 501, "future"))));
        append(log, values(now - 1000, "ok"));
        append(log, values(now + 500, "ok"));
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void clientRulesRejectSeveralBatchesEmptyRecordsAndControlBatches() throws IOException {
        PartitionLog log = open(Map.of());
        MemoryRecords two = MemoryRecords.concat(List.of(values(T0, "a"), values(T0, "b")));
        assertEquals(Errors.INVALID_RECORD, errorOf(() -> append(log, two)));
        assertEquals(Errors.INVALID_RECORD, errorOf(() -> append(log, MemoryRecords.EMPTY)));
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0, T0, 0, 7, (short) 0,
            new EndTransactionMarker(io.sluice.record.ControlRecordType.COMMIT, 0));
        assertEquals(Errors.INVALID_RECORD, errorOf(() -> append(log, marker)));
        assertEquals(0, log.logEndOffset());
        // The broker itself may write several batches and control batches.
        LogAppendInfo info = log.appendAsLeader(MemoryRecords.concat(List.of(values(T0, "a"), values(T0, "b"))), 0,
            AppendOrigin.COORDINATOR);
        assertEquals(0, info.firstOffset());
        assertEquals(1, info.lastOffset());
    }

    private static ByteBuffer copy(MemoryRecords records) {
        ByteBuffer bytes = ByteBuffer.allocate(records.sizeInBytes());
        records.writeTo(bytes);
        return bytes.flip();
    }

    // ------------------------------------------------------------------------------------------ follower

    private static MemoryRecords at(long baseOffset, int epoch, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder().baseOffset(baseOffset).partitionLeaderEpoch(epoch);
        for (String value : values) {
            builder.append(T0, null, utf8(value));
        }
        return builder.build();
    }

    @Test
    void followerAppendKeepsOffsetsAndRejectsNonMonotonicOnes() throws IOException {
        PartitionLog log = open(Map.of());
        LogAppendInfo info = log.appendAsFollower(MemoryRecords.concat(List.of(at(0, 1, "a", "b"), at(5, 2, "c"))));
        assertEquals(0, info.firstOffset());
        assertEquals(5, info.lastOffset());
        assertEquals(6, log.logEndOffset());
        assertThrows(OffsetsOutOfOrderException.class, () -> log.appendAsFollower(at(5, 2, "again")));
        assertThrows(OffsetsOutOfOrderException.class,
            () -> log.appendAsFollower(MemoryRecords.concat(List.of(at(10, 2, "x"), at(8, 2, "back")))));
        assertEquals(6, log.logEndOffset());
        List<RecordBatch> batches = readAllBatches(log);
        assertEquals(2, batches.size());
        assertEquals(5, batches.get(1).baseOffset());
        assertEquals(2, batches.get(1).partitionLeaderEpoch());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 0), new LeaderEpochCache.EpochEntry(2, 5)),
            log.leaderEpochCache().entries());
    }

    @Test
    void followerAppendIgnoresAPartialTrailingBatch() throws IOException {
        PartitionLog log = open(Map.of());
        ByteBuffer bytes = copy(MemoryRecords.concat(List.of(at(0, 0, "a"), at(1, 0, "b"))));
        bytes.limit(bytes.limit() - 10);
        log.appendAsFollower(MemoryRecords.readableRecords(bytes));
        assertEquals(1, log.logEndOffset());
    }

    @Test
    void followerAppendRollsInsideOneFetch() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 300));
        List<MemoryRecords> parts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            parts.add(at(i * 2L, 0, "value-" + i, "more-" + i));
        }
        log.appendAsFollower(MemoryRecords.concat(parts));
        assertTrue(log.numberOfSegments() > 3);
        assertEquals(40, log.logEndOffset());
        assertEquals(40, readAllRecords(log).size());
    }

    // ------------------------------------------------------------------------------------------ truncation

    @Test
    void truncateToRemovesEverythingFromTheOffsetOn() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 500));
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(values(T0, "value-" + i), i / 20, AppendOrigin.CLIENT);
        }
        log.updateHighWatermark(60);
        int segmentsBefore = log.numberOfSegments();
        assertTrue(log.truncateTo(25));
        assertEquals(25, log.logEndOffset());
        assertEquals(25, log.highWatermark());
        assertTrue(log.numberOfSegments() < segmentsBefore);
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.read(26, 100, Long.MAX_VALUE, true)));
        assertEquals(25, readAllRecords(log).size());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(0, 0), new LeaderEpochCache.EpochEntry(1, 20)),
            log.leaderEpochCache().entries());
        append(log, values(T0, "after"));
        assertEquals("after", LogTestSupport.string(readAllRecords(log).get(25).value()));
        assertFalse(log.truncateTo(100));
        time.advance(log.config().fileDeleteDelayMs());
        try (Stream<Path> files = Files.list(log.dir())) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".deleted")), "deleted segments are removed");
        }
    }

    @Test
    void truncateFullyRestartsTheLogAtAnOffset() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 500));
        for (int i = 0; i < 30; i++) {
            append(log, values(T0, "value-" + i));
        }
        log.truncateFullyAndStartAt(1000);
        assertEquals(1000, log.logStartOffset());
        assertEquals(1000, log.logEndOffset());
        assertEquals(1, log.numberOfSegments());
        assertEquals(List.of(), log.leaderEpochCache().entries());
        assertTrue(log.read(1000, 100, Long.MAX_VALUE, true).isEmpty());
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.read(5, 100, Long.MAX_VALUE, true)));
        assertEquals(1000, append(log, values(T0, "new")).firstOffset());
        scheduler.runDue();
        PartitionLog reopened = reopen(log, false);
        assertEquals(1000, reopened.logStartOffset());
        assertEquals(1001, reopened.logEndOffset());
        assertEquals(List.of("new"), values(readAllRecords(reopened)));
    }

    @Test
    void theSameBaseOffsetCanBeDeletedTwiceWithinTheDeleteDelay() throws IOException {
        PartitionLog log = open(Map.of());
        for (int round = 0; round < 3; round++) {
            append(log, values(T0, "a", "b"));
            log.truncateFullyAndStartAt(0);
        }
        append(log, values(T0, "c"));
        assertEquals(List.of("c"), values(readAllRecords(log)));
        time.advance(log.config().fileDeleteDelayMs());
        assertEquals(List.of("c"), values(readAllRecords(log)));
    }

    @Test
    void replayingOldTimestampsDoesNotRollAtEveryAppend() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_MS, 3_600_000L));
        long monthAgo = time.milliseconds() - 30L * 24 * 3_600_000L;
        for (int i = 0; i < 10; i++) {
            append(log, values(monthAgo + i, "old-" + i));
        }
        assertEquals(1, log.numberOfSegments());
        append(log, values(monthAgo + 3_600_001L, "an hour later in record time"));
        assertEquals(2, log.numberOfSegments());
    }

    @Test
    void truncateBelowTheLogStartEmptiesTheLog() throws IOException {
        PartitionLog log = open(Map.of());
        log.truncateFullyAndStartAt(100);
        append(log, values(T0, "a"));
        assertTrue(log.truncateTo(50));
        assertEquals(50, log.logStartOffset());
        assertEquals(50, log.logEndOffset());
    }

    // ------------------------------------------------------------------------------------------ roll

    @Test
    void rollsWhenTheSegmentIsOlderThanSegmentMs() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_MS, 10_000L));
        append(log, values(time.milliseconds(), "a"));
        time.advance(10_000);
        append(log, values(time.milliseconds(), "b"));
        assertEquals(1, log.numberOfSegments());
        time.advance(1);
        append(log, values(time.milliseconds(), "c"));
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void rollsWhenAnIndexIsFull() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_INDEX_BYTES, 48, LogConfig.INDEX_INTERVAL_BYTES, 0));
        for (int i = 0; i < 20; i++) {
            append(log, values(T0 + i, "v" + i));
        }
        assertTrue(log.numberOfSegments() >= 4, "segments: " + log.segmentBaseOffsets());
        assertEquals(20, readAllRecords(log).size());
    }

    @Test
    void rollFlushesTheOldSegmentAndMovesTheRecoveryPoint() throws IOException {
        PartitionLog log = open(Map.of());
        append(log, values(T0, "a", "b"));
        assertEquals(0, log.recoveryPoint());
        log.roll();
        scheduler.runDue();
        assertEquals(2, log.recoveryPoint());
        assertTrue(Files.exists(log.dir().resolve(LogFileNames.offsetName(2) + ".snapshot")),
            "producer state snapshot at the roll");
    }

    @Test
    void flushMessagesFlushesAfterThatManyMessages() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.FLUSH_MESSAGES, 3L));
        append(log, values(T0, "a"));
        append(log, values(T0, "b"));
        assertEquals(0, log.recoveryPoint());
        append(log, values(T0, "c"));
        assertEquals(3, log.recoveryPoint());
    }

    // ------------------------------------------------------------------------------------------ retention

    @Test
    void retentionMsDeletesOldSegmentsBelowTheHighWatermarkOnly() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 300, LogConfig.RETENTION_MS, 60_000L,
            LogConfig.FILE_DELETE_DELAY_MS, 1000L));
        for (int i = 0; i < 30; i++) {
            append(log, values(time.milliseconds(), "value-" + i));
            time.advance(1000);
        }
        int segments = log.numberOfSegments();
        assertTrue(segments > 4);
        time.advance(60_000);
        assertEquals(0, log.deleteOldSegments(), "high watermark still at 0");
        log.updateHighWatermark(log.logEndOffset());
        int deleted = log.deleteOldSegments();
        assertTrue(deleted > 0);
        long firstBase = log.segmentBaseOffsets().get(0);
        assertEquals(firstBase, log.logStartOffset());
        for (Record record : readAllRecords(log)) {
            assertTrue(record.timestamp() > time.milliseconds() - 60_000 - 10_000, "only young-ish data is left");
        }
        try (Stream<Path> files = Files.list(log.dir())) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".log.deleted")), "renamed first");
        }
        time.advance(1000);
        try (Stream<Path> files = Files.list(log.dir())) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".deleted")), "deleted after the delay");
        }
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.read(0, 100, Long.MAX_VALUE, true)));
    }

    @Test
    void retentionRollsAnExpiredActiveSegmentRatherThanLeaveNoSegment() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.RETENTION_MS, 1000L));
        append(log, values(time.milliseconds(), "a", "b"));
        log.updateHighWatermark(2);
        time.advance(5000);
        assertEquals(1, log.deleteOldSegments());
        assertEquals(List.of(2L), log.segmentBaseOffsets());
        assertEquals(2, log.logStartOffset());
        assertEquals(2, log.logEndOffset());
        assertEquals(0, log.deleteOldSegments(), "an empty active segment stays");
        assertEquals(2, append(log, values(time.milliseconds(), "c")).firstOffset());
    }

    @Test
    void retentionBytesKeepsTheLogUnderTheLimit() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 400, LogConfig.RETENTION_BYTES, 1000L));
        for (int i = 0; i < 40; i++) {
            append(log, values(T0, "value-" + i));
        }
        log.updateHighWatermark(log.logEndOffset());
        long before = log.sizeInBytes();
        assertTrue(log.deleteOldSegments() > 0);
        assertTrue(log.sizeInBytes() < before);
        assertTrue(log.sizeInBytes() >= 1000 - 400 && log.sizeInBytes() <= 1000 + 400, "size " + log.sizeInBytes());
    }

    @Test
    void compactOnlyLogsIgnoreRetention() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.RETENTION_MS, 1000L,
            LogConfig.SEGMENT_BYTES, 300));
        for (int i = 0; i < 10; i++) {
            append(log, keyed(T0, "k" + i, "v"));
        }
        log.updateHighWatermark(10);
        time.advance(100_000);
        assertEquals(0, log.deleteOldSegments());
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetAndDropsWholeSegments() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 300));
        for (int i = 0; i < 30; i++) {
            append(log, values(T0, "value-" + i));
        }
        log.updateHighWatermark(20);
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.maybeIncrementLogStartOffset(21)));
        assertTrue(log.maybeIncrementLogStartOffset(15));
        assertFalse(log.maybeIncrementLogStartOffset(10));
        assertEquals(15, log.logStartOffset());
        assertTrue(log.segmentBaseOffsets().get(0) <= 15);
        assertTrue(log.segmentBaseOffsets().size() < 2 || log.segmentBaseOffsets().get(1) > 15);
        assertEquals(Errors.OFFSET_OUT_OF_RANGE, errorOf(() -> log.read(14, 100, Long.MAX_VALUE, true)));
        List<Record> records = readAllRecords(log);
        assertEquals(15, records.get(0).offset());
        PartitionLog reopened = reopen(log, true);
        assertEquals(15, reopened.logStartOffset());
    }

    // ------------------------------------------------------------------------------------------ timestamps

    @Test
    void offsetForTimestampAgreesWithALinearScan() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1500, LogConfig.INDEX_INTERVAL_BYTES, 150));
        List<long[]> written = new ArrayList<>();
        for (int b = 0; b < 120; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(3);
            for (int r = 0; r < count; r++) {
                long ts = T0 + random.nextInt(5000);
                long offset = log.logEndOffset() + r;
                written.add(new long[] {offset, ts});
                builder.append(ts, null, new byte[random.nextInt(60)]);
            }
            append(log, builder.build());
        }
        assertTrue(log.numberOfSegments() > 3);
        for (int i = 0; i < 300; i++) {
            long target = T0 - 2 + random.nextInt(5004);
            long bound = random.nextBoolean() ? Long.MAX_VALUE : random.nextInt((int) log.logEndOffset() + 1);
            Optional<long[]> expected = written.stream().filter(w -> w[1] >= target).findFirst();
            Optional<TimestampAndOffset> actual = log.offsetForTimestamp(target, bound);
            Optional<Long> expectedOffset = expected.filter(w -> w[0] < bound).map(w -> w[0]);
            assertEquals(expectedOffset, actual.map(TimestampAndOffset::offset), "seed " + seed + " target " + target);
            actual.ifPresent(a -> assertEquals(expected.get()[1], a.timestamp()));
        }
        long[] max = written.stream().reduce((a, b) -> b[1] > a[1] ? b : a).orElseThrow();
        TimestampAndOffset maxFound = log.maxTimestampAndOffset().orElseThrow();
        assertEquals(max[1], maxFound.timestamp(), "seed " + seed);
        assertEquals(max[0], maxFound.offset(), "seed " + seed);
    }

    // ------------------------------------------------------------------------------------------ producers

    private static MemoryRecords idempotent(long producerId, short epoch, int sequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder().producerState(producerId, epoch, sequence);
        for (String value : values) {
            builder.append(T0, null, utf8(value));
        }
        return builder.build();
    }

    @Test
    void duplicateBatchesReturnTheOriginalOffsetsWithoutAppending() throws IOException {
        PartitionLog log = open(Map.of());
        append(log, values(T0, "other"));
        LogAppendInfo first = append(log, idempotent(42, (short) 0, 0, "a", "b"));
        LogAppendInfo again = append(log, idempotent(42, (short) 0, 0, "a", "b"));
        assertTrue(again.duplicate());
        assertEquals(first.firstOffset(), again.firstOffset());
        assertEquals(first.lastOffset(), again.lastOffset());
        assertEquals(3, log.logEndOffset());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, errorOf(() -> append(log, idempotent(42, (short) 0, 5, "x"))));
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void producerStateSurvivesACleanRestartThroughItsSnapshot() throws IOException {
        PartitionLog log = open(Map.of());
        LogAppendInfo first = append(log, idempotent(7, (short) 1, 0, "a"));
        append(log, idempotent(7, (short) 1, 1, "b"));
        PartitionLog reopened = reopen(log, true);
        assertTrue(Files.exists(reopened.dir().resolve(LogFileNames.offsetName(2) + ".snapshot")));
        LogAppendInfo dup = append(reopened, idempotent(7, (short) 1, 0, "a"));
        assertTrue(dup.duplicate());
        assertEquals(first.firstOffset(), dup.firstOffset());
        assertEquals(2, append(reopened, idempotent(7, (short) 1, 2, "c")).firstOffset());
    }

    @Test
    void producerStateIsRebuiltByReplayAfterACrash() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 400));
        Map<Long, Integer> nextSequence = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            long producerId = 100 + i % 3;
            int sequence = nextSequence.merge(producerId, 1, Integer::sum) - 1;
            append(log, idempotent(producerId, (short) 0, sequence, "value-" + i));
        }
        assertTrue(log.numberOfSegments() > 2);
        Path dir = log.dir();
        log.close();
        // A crash: the snapshot taken at close and the one at the last roll are gone.
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".snapshot")).toList()) {
                Files.delete(p);
            }
        }
        PartitionLog reopened = LogTestSupport.reopen(dir, log.config(), time, scheduler, 0, 0, false);
        logs.add(reopened);
        assertEquals(3, reopened.activeProducers().size());
        int last = nextSequence.get(101L) - 1;
        assertTrue(append(reopened, idempotent(101, (short) 0, last, "value-" + (27 + 1))).duplicate());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
            errorOf(() -> append(reopened, idempotent(101, (short) 0, last + 2, "gap"))));
        assertFalse(append(reopened, idempotent(101, (short) 0, last + 1, "next")).duplicate());
    }

    @Test
    void ioFailureTakesTheLogOffline() throws IOException {
        List<Path> failed = new ArrayList<>();
        Path dir = root.resolve("bad-0");
        PartitionLog log = PartitionLog.open(dir, LogConfig.defaults(), 0, 0, true,
            new PartitionLog.Environment(time, scheduler, 86_400_000L, (d, e) -> failed.add(d)));
        logs.add(log);
        append(log, values(T0, "a"));
        for (LogSegment segment : log.segmentList()) {
            segment.channel().close();
        }
        assertEquals(Errors.KAFKA_STORAGE_ERROR, errorOf(() -> append(log, values(T0, "b"))));
        assertEquals(List.of(root), failed);
        assertTrue(log.isOffline());
        assertEquals(Errors.KAFKA_STORAGE_ERROR, errorOf(() -> log.read(0, 100, Long.MAX_VALUE, true)));
    }
}

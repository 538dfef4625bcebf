package io.sluice.core.log;

import static io.sluice.core.log.LogTestSupport.T0;
import static io.sluice.core.log.LogTestSupport.readAllBatches;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active segment's memory-mapped write window: the file is longer than the segment while it takes appends
 * (preallocated zeros), reads see exactly the logical bytes, roll / close / truncation cut the file to its size,
 * flushes work with the windows, and a crash image (the files as they are while the log is open) recovers to
 * every acknowledged batch, with a zero tail or a partial batch cut off.
 */
class MappedAppendTest {
    @TempDir
    Path root;

    private final MockTime time = LogTestSupport.time();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final LogConfig config = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 64 * 1024,
        LogConfig.INDEX_INTERVAL_BYTES, 256));

    private static Path logFile(Path dir, long base) {
        return LogFileNames.logFile(dir, base, "");
    }

    private static LogSegment activeOf(PartitionLog log) {
        List<LogSegment> segments = log.segmentList();
        return segments.get(segments.size() - 1);
    }

    private static List<byte[]> bytesOf(List<RecordBatch> batches) {
        List<byte[]> out = new ArrayList<>();
        for (RecordBatch batch : batches) {
            byte[] b = new byte[batch.sizeInBytes()];
            batch.buffer().duplicate().get(b);
            out.add(b);
        }
        return out;
    }

    private static void assertSameBatches(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "batch " + i);
        }
    }

    /** Copies every file of {@code from} into a new directory: what a SIGKILL leaves behind (the page cache). */
    private Path crashImage(Path from, String name) throws IOException {
        Path to = root.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
        return to;
    }

    private PartitionLog appendSome(Path dir, int batches) throws IOException {
        PartitionLog log = LogTestSupport.open(dir, config, time, scheduler);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(LogTestSupport.values(T0 + i, "value-" + i), 3, AppendOrigin.CLIENT);
        }
        return log;
    }

    @Test
    void fileIsPreallocatedWhileActiveAndCutToItsSizeOnClose() throws IOException {
        Path dir = root.resolve("t-0");
        PartitionLog log = appendSome(dir, 20);
        LogSegment active = activeOf(log);
        int size = active.sizeInBytes();
        assertTrue(Files.size(logFile(dir, 0)) > size, "the active file is longer than the segment while mapped");
        FetchDataInfo read = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        assertEquals(size, read.records().sizeInBytes(), "a read covers exactly the logical bytes");
        List<byte[]> written = bytesOf(readAllBatches(log));
        assertEquals(20, written.size());
        log.close();
        assertEquals(size, Files.size(logFile(dir, 0)));
        PartitionLog reopened = LogTestSupport.reopen(dir, config, time, scheduler, 20, 0, true);
        assertEquals(20, reopened.logEndOffset());
        assertSameBatches(written, bytesOf(readAllBatches(reopened)));
        reopened.appendAsLeader(LogTestSupport.values(T0, "after"), 3, AppendOrigin.CLIENT);
        assertEquals(21, readAllBatches(reopened).size());
        reopened.close();
    }

    @Test
    void rollCutsTheOldSegmentToItsSize() throws IOException {
        Path dir = root.resolve("t-1");
        PartitionLog log = appendSome(dir, 5);
        int size = activeOf(log).sizeInBytes();
        log.roll();
        assertEquals(size, Files.size(logFile(dir, 0)));
        log.appendAsLeader(LogTestSupport.values(T0, "next"), 3, AppendOrigin.CLIENT);
        assertEquals(6, readAllBatches(log).size());
        log.close();
    }

    @Test
    void appendsLargerThanAWindowAndAcrossWindowsReadBackExactly() throws IOException {
        Path dir = root.resolve("t-2");
        LogConfig big = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 64 * 1024 * 1024,
            LogConfig.MAX_MESSAGE_BYTES, 10 * 1024 * 1024));
        PartitionLog log = LogTestSupport.open(dir, big, time, scheduler);
        List<MemoryRecords> appended = new ArrayList<>();
        int total = 0;
        for (int i = 0; total < LogSegment.WINDOW_BYTES + 3 * 1024 * 1024; i++) {
            MemoryRecords records = LogTestSupport.sized(T0 + i, i % 5 == 4 ? 2 * 1024 * 1024 + 17 : 100_000 + i);
            total += records.sizeInBytes();
            appended.add(records);
            log.appendAsLeader(records, 1, AppendOrigin.CLIENT);
        }
        List<RecordBatch> read = readAllBatches(log);
        assertEquals(appended.size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(appended.get(i).sizeInBytes(), read.get(i).sizeInBytes());
            read.get(i).ensureValid();
        }
        log.flush();
        assertEquals(log.logEndOffset(), log.recoveryPoint());
        log.close();
        assertEquals(total, Files.size(logFile(dir, 0)));
    }

    @Test
    void windowsGrowWithTheSegmentSoAQuietPartitionPreallocatesLittle() throws IOException {
        Path dir = root.resolve("t-9");
        LogConfig big = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 64 * 1024 * 1024));
        PartitionLog log = LogTestSupport.open(dir, big, time, scheduler);
        log.appendAsLeader(LogTestSupport.sized(T0, 100), 1, AppendOrigin.CLIENT);
        assertEquals(LogSegment.MIN_WINDOW_BYTES, Files.size(logFile(dir, 0)), "first window");
        int total = 0;
        for (int i = 1; total < 3 * LogSegment.WINDOW_BYTES; i++) {
            MemoryRecords records = LogTestSupport.sized(T0 + i, 50_000);
            total += records.sizeInBytes();
            log.appendAsLeader(records, 1, AppendOrigin.CLIENT);
            long size = log.sizeInBytes(); // one segment: 3 windows of data stay far below segment.bytes
            long length = Files.size(logFile(dir, 0));
            assertTrue(length >= size, "the file holds the data");
            assertTrue(length - size <= Math.max(size, LogSegment.MIN_WINDOW_BYTES) + 50_000L
                    && length - size <= LogSegment.WINDOW_BYTES,
                "preallocated " + (length - size) + " bytes past " + size);
        }
        log.close();
    }

    @Test
    void flushCoversTheWindowsAndTheLogKeepsAppending() throws IOException {
        Path dir = root.resolve("t-3");
        PartitionLog log = appendSome(dir, 10);
        log.flush();
        assertEquals(10, log.recoveryPoint());
        log.appendAsLeader(LogTestSupport.values(T0, "more"), 3, AppendOrigin.CLIENT);
        log.roll();
        log.appendAsLeader(LogTestSupport.values(T0, "more2"), 3, AppendOrigin.CLIENT);
        log.flush();
        assertEquals(12, log.recoveryPoint());
        Path image = crashImage(dir, "t3img-0");
        PartitionLog recovered = LogTestSupport.reopen(image, config, time, scheduler, log.recoveryPoint(), 0, false);
        assertSameBatches(bytesOf(readAllBatches(log)), bytesOf(readAllBatches(recovered)));
        recovered.close();
        log.close();
    }

    @Test
    void crashImageWithAZeroTailRecoversEveryBatch() throws IOException {
        Path dir = root.resolve("t-4");
        PartitionLog log = appendSome(dir, 30);
        List<byte[]> written = bytesOf(readAllBatches(log));
        int size = activeOf(log).sizeInBytes();
        Path image = crashImage(dir, "t4img-0");
        assertTrue(Files.size(logFile(image, 0)) > size, "the image has the preallocated zero tail");
        for (long recoveryPoint : new long[] {0, 30}) {   // recovered from the start, or only checked at load
            Path copy = crashImage(image, "t4img" + recoveryPoint + "-0");
            PartitionLog recovered = LogTestSupport.reopen(copy, config, time, scheduler, recoveryPoint, 0, false);
            assertEquals(30, recovered.logEndOffset());
            assertEquals(size, Files.size(logFile(copy, 0)), "the zero tail is cut");
            assertSameBatches(written, bytesOf(readAllBatches(recovered)));
            recovered.appendAsLeader(LogTestSupport.values(T0, "after"), 3, AppendOrigin.CLIENT);
            assertEquals(31, recovered.logEndOffset());
            assertEquals(31, readAllBatches(recovered).size());
            recovered.close();
        }
        log.close();
    }

    @Test
    void crashImageWithAPartialBatchInTheZeroTailIsCutAtTheTear() throws IOException {
        Path dir = root.resolve("t-5");
        PartitionLog log = appendSome(dir, 12);
        List<byte[]> written = bytesOf(readAllBatches(log));
        int size = activeOf(log).sizeInBytes();
        byte[] last = written.get(written.size() - 1);
        for (int cut : new int[] {1, 12, 61, last.length - 1}) {
            Path image = crashImage(dir, "t5img" + cut + "-0");
            try (FileChannel ch = FileChannel.open(logFile(image, 0), StandardOpenOption.WRITE)) {
                ByteBuffer partial = ByteBuffer.wrap(last, 0, cut);
                ch.write(partial, size);   // a torn write of one more batch into the zeros
            }
            PartitionLog recovered = LogTestSupport.reopen(image, config, time, scheduler, 0, 0, false);
            assertEquals(12, recovered.logEndOffset(), "cut " + cut);
            assertEquals(size, Files.size(logFile(image, 0)));
            assertSameBatches(written, bytesOf(readAllBatches(recovered)));
            recovered.close();
        }
        log.close();
    }

    @Test
    void truncationCutsTheFileAndLaterAppendsDoNotResurrectTruncatedBatches() throws IOException {
        Path dir = root.resolve("t-6");
        PartitionLog log = appendSome(dir, 20);
        List<byte[]> before = bytesOf(readAllBatches(log));
        log.truncateTo(8);
        assertEquals(8, log.logEndOffset());
        int size = activeOf(log).sizeInBytes();
        assertEquals(size, Files.size(logFile(dir, 0)));
        assertEquals(size, log.read(0, 1 << 20, Long.MAX_VALUE, true).records().sizeInBytes());
        log.appendAsLeader(LogTestSupport.values(T0, "x"), 4, AppendOrigin.CLIENT);
        Path image = crashImage(dir, "t6img-0");
        PartitionLog recovered = LogTestSupport.reopen(image, config, time, scheduler, 0, 0, false);
        assertEquals(9, recovered.logEndOffset());
        List<byte[]> after = bytesOf(readAllBatches(recovered));
        assertSameBatches(before.subList(0, 8), after.subList(0, 8));
        recovered.close();
        log.close();
    }
}

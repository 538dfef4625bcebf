package io.sluice.core.log;

import static io.sluice.core.log.LogTestSupport.T0;
import static io.sluice.core.log.LogTestSupport.readAllBatches;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash recovery: torn and corrupt tails, damaged or missing indexes, the clean-shutdown shortcut. */
class LogRecoveryTest {
    @TempDir
    Path root;

    private final MockTime time = LogTestSupport.time();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final LogConfig config = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 1024,
        LogConfig.INDEX_INTERVAL_BYTES, 64));

    /**
     * Builds a log of several segments, closes it cleanly, and returns its batches as written. The last batch is
     * one small record, to keep the byte-by-byte crash loop short.
     */
    private List<byte[]> buildLog(Path dir, int batches) throws IOException {
        PartitionLog log = LogTestSupport.open(dir, config, time, scheduler);
        Random random = new Random(42);
        for (int i = 0; i < batches; i++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(3);
            for (int r = 0; r < count; r++) {
                builder.append(T0 + i, LogTestSupport.utf8("k" + i), new byte[10 + random.nextInt(40)]);
            }
            log.appendAsLeader(builder.build(), 1 + i / 10, AppendOrigin.CLIENT);
        }
        log.appendAsLeader(LogTestSupport.values(T0 + batches, "last"), 1 + batches / 10, AppendOrigin.CLIENT);
        List<byte[]> written = new ArrayList<>();
        for (RecordBatch batch : readAllBatches(log)) {
            written.add(bytes(batch));
        }
        log.close();
        return written;
    }

    private static byte[] bytes(RecordBatch batch) {
        byte[] bytes = new byte[batch.sizeInBytes()];
        batch.buffer().get(bytes);
        return bytes;
    }

    private static Map<Path, byte[]> snapshot(Path dir) throws IOException {
        Map<Path, byte[]> files = new HashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void restore(Path dir, Map<Path, byte[]> files) throws IOException {
        if (Files.exists(dir)) {
            LogManager.deleteRecursively(dir);
        }
        Files.createDirectories(dir);
        for (Map.Entry<Path, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    private static Path activeLogFile(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /**
     * Where the byte-by-byte loop runs: it reopens the log about 150 times, and each recovery fsyncs what it
     * recovered; on a RAM-backed directory that costs nothing, so the test measures recovery logic rather than the
     * disk. Falls back to the JUnit temp dir.
     */
    private Path fastDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "sluice-log-test");
        }
        return Files.createTempDirectory(root, "crash");
    }

    @Test
    void everyTearOrCorruptionInsideTheLastBatchIsCutAndNothingElse() throws IOException {
        Path base = fastDir();
        try {
            tearAndCorruptEveryByteOfTheLastBatch(base.resolve("crash-0"));
        } finally {
            LogManager.deleteRecursively(base);
        }
    }

    private void tearAndCorruptEveryByteOfTheLastBatch(Path dir) throws IOException {
        List<byte[]> written = buildLog(dir, 40);
        Map<Path, byte[]> pristine = snapshot(dir);
        Path activeName = activeLogFile(dir).getFileName();
        long activeBase = Long.parseLong(activeName.toString().substring(0, 20));
        byte[] active = pristine.get(activeName);
        byte[] last = written.get(written.size() - 1);
        int lastStart = active.length - last.length;
        long lastBase = ByteBuffer.wrap(last).getLong(0);
        int checked = 0;
        for (int position = lastStart; position < active.length; position++) {
            for (boolean corrupt : new boolean[] {false, true}) {
                restore(dir, pristine);
                byte[] damaged;
                if (corrupt) {
                    damaged = active.clone();
                    damaged[position] ^= (byte) 0xa5;
                } else {
                    damaged = java.util.Arrays.copyOf(active, position);
                }
                Files.write(dir.resolve(activeName), damaged);
                String what = (corrupt ? "corrupt" : "torn") + " at position " + position + " (last batch at "
                    + lastStart + ")";
                // Unclean start with the recovery point at the last roll, as after a crash of a running broker.
                PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, activeBase, 0, false);
                try {
                    List<RecordBatch> recovered = readAllBatches(log);
                    assertTrue(recovered.size() == written.size() - 1 || corrupt && recovered.size() == written.size(),
                        what + ": " + recovered.size() + " batches");
                    for (int i = 0; i < written.size() - 1; i++) {
                        assertArrayEquals(written.get(i), bytes(recovered.get(i)), what + ", batch " + i);
                    }
                    long expectedEnd;
                    if (recovered.size() == written.size()) {
                        // Only a byte outside the CRC's cover (offset, epoch) changed, and the batch still fits
                        // after its predecessor: it is kept, and its CRC-covered bytes are intact.
                        RecordBatch kept = recovered.get(written.size() - 1);
                        assertTrue(position - lastStart < 17, what);
                        byte[] keptBytes = bytes(kept);
                        assertArrayEquals(java.util.Arrays.copyOfRange(last, 17, last.length),
                            java.util.Arrays.copyOfRange(keptBytes, 17, keptBytes.length), what);
                        expectedEnd = kept.nextOffset();
                    } else {
                        expectedEnd = lastBase;
                    }
                    assertEquals(expectedEnd, log.logEndOffset(), what);
                    assertEquals(expectedEnd, log.recoveryPoint(), what);
                    checkIndexesAgainstTheLog(log, what);
                    assertTrue(log.leaderEpochCache().latestEntry().orElseThrow().startOffset() < expectedEnd, what);
                    checked++;
                } finally {
                    log.closeForDeletion();
                }
            }
        }
        assertEquals(2 * last.length, checked);
    }

    /**
     * Index-backed reads agree with a linear scan (each batch's first and last offset, and an offset in the gap
     * before it, find that batch), and every index passes the sanity check.
     */
    private static void checkIndexesAgainstTheLog(PartitionLog log, String what) {
        List<RecordBatch> batches = readAllBatches(log);
        long previousEnd = log.logStartOffset();
        for (RecordBatch batch : batches) {
            for (long offset : new long[] {previousEnd, batch.baseOffset(), batch.lastOffset()}) {
                FetchDataInfo read = log.read(offset, 1, Long.MAX_VALUE, true);
                RecordBatch first = read.records().toMemoryRecords().batches().iterator().next();
                assertEquals(batch.baseOffset(), first.baseOffset(), what + ", offset " + offset);
            }
            previousEnd = batch.nextOffset();
        }
        for (LogSegment segment : log.segmentList()) {
            assertEquals(Optional.empty(), segment.offsetIndex().sanityProblem(segment.nextOffset(),
                segment.sizeInBytes()), what);
            assertEquals(Optional.empty(), segment.timeIndex().sanityProblem(segment.nextOffset(),
                segment.sizeInBytes()), what);
        }
    }

    @Test
    void aTornTailIsRecoveredEvenWithACleanShutdownMarker() throws IOException {
        Path dir = root.resolve("torn-0");
        List<byte[]> written = buildLog(dir, 20);
        Path active = activeLogFile(dir);
        byte[] bytes = Files.readAllBytes(active);
        Files.write(active, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, Long.MAX_VALUE, 0, true);
        assertEquals(written.size() - 1, readAllBatches(log).size());
        log.close();
    }

    @Test
    void cleanShutdownSkipsRecoveryAndAnUncleanOneRevalidates() throws IOException {
        Path dir = root.resolve("clean-0");
        List<byte[]> written = buildLog(dir, 20);
        Path active = activeLogFile(dir);
        byte[] bytes = Files.readAllBytes(active);
        bytes[bytes.length - 1] ^= 0x01;   // a CRC failure that size checks cannot see
        Files.write(active, bytes);
        PartitionLog trusted = LogTestSupport.reopen(dir, config, time, scheduler, Long.MAX_VALUE, 0, true);
        long end = trusted.logEndOffset();
        assertEquals(written.size(), readAllBatches(trusted).size(), "files trusted: no CRC check");
        trusted.close();
        Files.write(active, bytes);
        PartitionLog recovered = LogTestSupport.reopen(dir, config, time, scheduler, 0, 0, false);
        assertEquals(written.size() - 1, readAllBatches(recovered).size());
        assertTrue(recovered.logEndOffset() < end);
        recovered.close();
    }

    @Test
    void recoveryStartsAtTheRecoveryPointSegment() throws IOException {
        Path dir = root.resolve("point-0");
        List<byte[]> written = buildLog(dir, 40);
        List<Path> logFiles;
        try (Stream<Path> list = Files.list(dir)) {
            logFiles = list.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(logFiles.size() > 3);
        // Damage a CRC in the first segment: below the recovery point it is not revalidated.
        byte[] first = Files.readAllBytes(logFiles.get(0));
        first[first.length - 1] ^= 0x01;
        Files.write(logFiles.get(0), first);
        long activeBase = Long.parseLong(logFiles.get(logFiles.size() - 1).getFileName().toString().substring(0, 20));
        PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, activeBase, 0, false);
        assertEquals(written.size(), readAllBatches(log).size());
        log.close();
        PartitionLog full = LogTestSupport.reopen(dir, config, time, scheduler, 0, 0, false);
        assertEquals(1, full.numberOfSegments(), "everything after the damaged batch is gone");
        full.close();
    }

    @Test
    void corruptOrMissingIndexFilesAreRebuilt() throws IOException {
        Path dir = root.resolve("index-0");
        List<byte[]> written = buildLog(dir, 40);
        List<Path> indexes;
        try (Stream<Path> list = Files.list(dir)) {
            indexes = list.filter(p -> p.toString().endsWith("index")).sorted().toList();
        }
        Files.delete(indexes.get(0));
        Files.write(indexes.get(1), new byte[] {1, 2, 3});
        byte[] garbage = new byte[24];
        new Random(1).nextBytes(garbage);
        Files.write(indexes.get(2), garbage);
        Files.write(indexes.get(indexes.size() - 1), new byte[0]);
        for (boolean clean : new boolean[] {true, false}) {
            PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, Long.MAX_VALUE, 0, clean);
            assertEquals(written.size(), readAllBatches(log).size());
            checkIndexesAgainstTheLog(log, clean ? "clean" : "unclean");
            Optional<TimestampAndOffset> found = log.offsetForTimestamp(T0 + 25, Long.MAX_VALUE);
            assertEquals(T0 + 25, found.orElseThrow().timestamp());
            log.close();
        }
    }

    @Test
    void leftoversOfDeletionAndCleaningAreRemovedAndAnInterruptedSwapIsCompleted() throws IOException {
        Path dir = root.resolve("swap-0");
        buildLog(dir, 30);
        List<Path> logFiles;
        try (Stream<Path> list = Files.list(dir)) {
            logFiles = list.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        // An uncommitted cleaner output and an unfinished async delete.
        Files.write(dir.resolve(LogFileNames.offsetName(0) + ".log.cleaned"), new byte[100]);
        Files.write(dir.resolve(LogFileNames.offsetName(0) + ".index.swap"), new byte[8]);
        Files.write(dir.resolve(LogFileNames.offsetName(999) + ".log.deleted"), new byte[10]);
        // A committed swap replacing the first two segments with a copy of their batches minus the first one.
        byte[] one = Files.readAllBytes(logFiles.get(0));
        byte[] two = Files.readAllBytes(logFiles.get(1));
        int firstSize = RecordBatch.wrap(ByteBuffer.wrap(one)).sizeInBytes();
        ByteBuffer merged = ByteBuffer.allocate(one.length - firstSize + two.length);
        merged.put(one, firstSize, one.length - firstSize).put(two);
        Files.write(dir.resolve(LogFileNames.offsetName(0) + ".log.swap"), merged.array());
        PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, Long.MAX_VALUE, 0, true);
        try (Stream<Path> list = Files.list(dir)) {
            List<String> names = list.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap")
                || n.endsWith(".deleted")), names.toString());
        }
        assertEquals(logFiles.size() - 1, log.numberOfSegments());
        List<RecordBatch> batches = readAllBatches(log);
        assertTrue(batches.get(0).baseOffset() > 0, "the first batch was cleaned away");
        long previous = -1;
        for (RecordBatch batch : batches) {
            assertTrue(batch.baseOffset() > previous);
            previous = batch.lastOffset();
        }
        log.close();
    }

    @Test
    void checkpointedLogStartOffsetIsKept() throws IOException {
        Path dir = root.resolve("start-0");
        buildLog(dir, 10);
        PartitionLog log = LogTestSupport.reopen(dir, config, time, scheduler, Long.MAX_VALUE, 3, true);
        assertEquals(3, log.logStartOffset());
        MemoryRecords more = LogTestSupport.values(T0, "x");
        long end = log.logEndOffset();
        assertEquals(end, log.appendAsLeader(more, 9, AppendOrigin.CLIENT).firstOffset());
        log.close();
    }
}

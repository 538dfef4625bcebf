package io.sluice.core.log;

import static io.sluice.core.log.LogTestSupport.T0;
import static io.sluice.core.log.LogTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path root;

    private final MockTime time = LogTestSupport.time();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<LogManager> managers = new ArrayList<>();
    private final LogConfig config = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 500));

    @AfterEach
    void shutdown() {
        managers.forEach(LogManager::close);
    }

    private LogManager start(List<Path> dirs) throws IOException {
        LogManager.Settings defaults = LogManager.Settings.defaults(dirs);
        LogManager.Settings settings = new LogManager.Settings(dirs, 1000, 500, 2000, 2000,
            defaults.producerIdExpirationMs(), defaults.producerIdExpirationCheckIntervalMs(), false, 1 << 20, 100, 2);
        LogManager manager = new LogManager(settings, config, topic -> config, scheduler, time, LogDirFailureHandler.IGNORE);
        manager.startup();
        managers.add(manager);
        return manager;
    }

    private void stop(LogManager manager) {
        manager.close();
        managers.remove(manager);
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Test
    void newLogsGoToTheDirWithTheFewestPartitions() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = start(List.of(a, b));
        for (int p = 0; p < 5; p++) {
            manager.getOrCreateLog(tp("t", p), config);
        }
        try (Stream<Path> inA = Files.list(a); Stream<Path> inB = Files.list(b)) {
            long countA = inA.filter(Files::isDirectory).count();
            long countB = inB.filter(Files::isDirectory).count();
            assertEquals(5, countA + countB);
            assertTrue(Math.abs(countA - countB) <= 1, countA + " vs " + countB);
        }
        assertTrue(manager.getOrCreateLog(tp("t", 0), config) == manager.getLog(tp("t", 0)).orElseThrow());
    }

    @Test
    void aSecondManagerCannotUseALockedDir() throws IOException {
        Path a = root.resolve("a");
        start(List.of(a));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(List.of(root.resolve("c"), a)));
        assertTrue(e.getMessage().contains(a.toString()), e.getMessage());
        // The failed manager released the lock it did get.
        LogManager other = start(List.of(root.resolve("c")));
        assertEquals(0, other.allLogs().size());
    }

    @Test
    void checkpointsAndLogsSurviveACleanRestart() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = start(List.of(a, b));
        PartitionLog one = manager.getOrCreateLog(tp("t", 0), config);
        PartitionLog two = manager.getOrCreateLog(tp("t", 1), config);
        for (int i = 0; i < 30; i++) {
            one.appendAsLeader(values(T0, "one-" + i), 0, AppendOrigin.CLIENT);
            two.appendAsLeader(values(T0, "two-" + i), 0, AppendOrigin.CLIENT);
        }
        one.updateHighWatermark(30);
        one.maybeIncrementLogStartOffset(12);
        stop(manager);
        Path dirOfOne = one.dir().getParent();
        assertTrue(Files.exists(dirOfOne.resolve(LogFileNames.CLEAN_SHUTDOWN_MARKER)));
        assertEquals(Map.of(tp("t", 0), 30L),
            new OffsetCheckpointFile(dirOfOne.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT)).read());
        assertEquals(Map.of(tp("t", 0), 12L),
            new OffsetCheckpointFile(dirOfOne.resolve(LogFileNames.LOG_START_OFFSET_CHECKPOINT)).read());

        LogManager restarted = start(List.of(a, b));
        assertFalse(Files.exists(dirOfOne.resolve(LogFileNames.CLEAN_SHUTDOWN_MARKER)), "marker removed after load");
        PartitionLog reloaded = restarted.getLog(tp("t", 0)).orElseThrow();
        assertEquals(12, reloaded.logStartOffset());
        assertEquals(30, reloaded.logEndOffset());
        assertEquals(30, reloaded.recoveryPoint());
        assertEquals("one-12", LogTestSupport.string(LogTestSupport.readAllRecords(reloaded).get(0).value()));
        assertEquals(30, restarted.getLog(tp("t", 1)).orElseThrow().logEndOffset());
    }

    @Test
    void anUncleanRestartRecoversFromTheCheckpointedRecoveryPoint() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = start(List.of(a));
        PartitionLog log = manager.getOrCreateLog(tp("t", 0), config);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(values(T0, "v" + i), 0, AppendOrigin.CLIENT);
        }
        Path active = log.dir().resolve(LogFileNames.offsetName(log.activeSegmentBaseOffset()) + ".log");
        stop(manager);
        Files.delete(a.resolve(LogFileNames.CLEAN_SHUTDOWN_MARKER));
        byte[] bytes = Files.readAllBytes(active);
        Files.write(active, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        LogManager restarted = start(List.of(a));
        PartitionLog recovered = restarted.getLog(tp("t", 0)).orElseThrow();
        assertEquals(29, recovered.logEndOffset());
    }

    @Test
    void scheduledTasksRunRetentionFlushAndCheckpoints() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = start(List.of(a));
        LogConfig retained = LogTestSupport.config(Map.of(LogConfig.SEGMENT_BYTES, 500, LogConfig.RETENTION_MS, 5000L,
            LogConfig.FLUSH_MS, 300L));
        PartitionLog log = manager.getOrCreateLog(tp("r", 0), retained);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(values(time.milliseconds(), "v" + i), 0, AppendOrigin.CLIENT);
        }
        log.updateHighWatermark(30);
        int segments = log.numberOfSegments();
        time.advance(500);
        assertEquals(log.activeSegmentBaseOffset(), log.recoveryPoint(), "the rolls flushed up to the active segment");
        time.advance(500);
        assertEquals(30, log.recoveryPoint(), "flush.ms elapsed: flushed by the flush task");
        time.advance(1000);
        assertEquals(Map.of(tp("r", 0), 30L),
            new OffsetCheckpointFile(a.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT)).read());
        assertEquals(segments, log.numberOfSegments(), "not old enough yet");
        time.advance(5000);
        assertTrue(log.numberOfSegments() == 1, "retention task deleted the old segments: " + log.segmentBaseOffsets());
        assertEquals(30, log.logStartOffset());
    }

    @Test
    void deletingALogRemovesItsDirectoryAfterTheDelay() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = start(List.of(a));
        PartitionLog log = manager.getOrCreateLog(tp("gone", 3), config);
        log.appendAsLeader(values(T0, "x"), 0, AppendOrigin.CLIENT);
        assertTrue(manager.deleteLog(tp("gone", 3)));
        assertFalse(manager.deleteLog(tp("gone", 3)));
        assertTrue(manager.getLog(tp("gone", 3)).isEmpty());
        assertFalse(Files.exists(a.resolve("gone-3")));
        try (Stream<Path> dirs = Files.list(a)) {
            assertTrue(dirs.anyMatch(p -> p.getFileName().toString().startsWith("gone-3.")
                && p.getFileName().toString().endsWith("-delete")));
        }
        time.advance(config.fileDeleteDelayMs());
        try (Stream<Path> dirs = Files.list(a)) {
            assertTrue(dirs.noneMatch(Files::isDirectory));
        }
        assertThrows(LogStorageException.class, () -> log.appendAsLeader(values(T0, "y"), 0, AppendOrigin.CLIENT));
        // A new log of the same partition starts empty.
        assertEquals(0, manager.getOrCreateLog(tp("gone", 3), config).logEndOffset());
    }

    @Test
    void leftoverDeletedDirectoriesAreRemovedAtStartAndOddDirectoriesIgnored() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a.resolve("old-0.0123abc-delete"));
        Files.write(a.resolve("old-0.0123abc-delete").resolve("x.log"), new byte[3]);
        Files.createDirectories(a.resolve("lost+found"));
        LogManager manager = start(List.of(a));
        assertFalse(Files.exists(a.resolve("old-0.0123abc-delete")));
        assertEquals(0, manager.allLogs().size());
    }

    @Test
    void aPartitionInTwoDirsFailsStartup() throws IOException {
        Files.createDirectories(root.resolve("a").resolve("t-0"));
        Files.createDirectories(root.resolve("b").resolve("t-0"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> start(List.of(root.resolve("a"), root.resolve("b"))));
        assertTrue(e.getMessage().contains("t-0"), e.getMessage());
    }
}

package io.sluice.core.log;

import io.sluice.common.Scheduler;
import io.sluice.common.Time;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.logging.log4j.Logger;

/**
 * All partition logs of the broker, spread over the {@code log.dirs}.
 *
 * <h2>Files per log dir</h2>
 * <ul>
 *   <li>{@code .lock}: held with an OS file lock while the broker runs, so a second broker pointed at the same
 *       directory fails at start-up with an error naming it.</li>
 *   <li>{@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint}: {@link OffsetCheckpointFile}s
 *       ({@code 0}, count, {@code topic partition offset} lines), written atomically every
 *       {@code log.flush.offset.checkpoint.interval.ms} / {@code log.flush.start.offset.checkpoint.interval.ms} and
 *       at shutdown; {@code cleaner-offset-checkpoint} is the {@link LogCleaner}'s.</li>
 *   <li>{@code .kafka_cleanshutdown}: written after a clean shutdown (everything flushed, checkpoints and producer
 *       snapshots written), deleted once the logs are loaded. Present at start-up, it lets every log skip
 *       recovery.</li>
 *   <li>{@code <topic>-<partition>/}: one {@link PartitionLog}; {@code <topic>-<partition>.<uuid>-delete/}: a
 *       deleted partition, removed after {@code file.delete.delay.ms} (or at the next start).</li>
 * </ul>
 *
 * <h2>Background work</h2>
 * On the {@link Scheduler}: retention every {@code log.retention.check.interval.ms}, the {@code flush.ms} check
 * every {@code log.flush.scheduler.interval.ms}, checkpoints, producer-id expiration. Compaction runs on the
 * {@link LogCleaner}'s own thread.
 *
 * <h2>Failures</h2>
 * A log that hits an {@link IOException} reports its log dir; the directory is then offline: its logs refuse
 * every operation (KAFKA_STORAGE_ERROR), its checkpoints are no longer written, and the broker's
 * {@link LogDirFailureHandler} is told once (with a single log dir the broker should shut down).
 *
 * <p>Thread-safe: the log map is concurrent; creation and deletion of logs synchronize on this object.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger log = org.apache.logging.log4j.LogManager.getLogger(LogManager.class);

    /** Broker-level settings (Kafka's key names in the comments). */
    public record Settings(
            List<Path> logDirs,                       // log.dirs
            long retentionCheckIntervalMs,            // log.retention.check.interval.ms
            long flushCheckIntervalMs,                // log.flush.scheduler.interval.ms
            long recoveryPointCheckpointIntervalMs,   // log.flush.offset.checkpoint.interval.ms
            long logStartOffsetCheckpointIntervalMs,  // log.flush.start.offset.checkpoint.interval.ms
            long producerIdExpirationMs,              // producer.id.expiration.ms
            long producerIdExpirationCheckIntervalMs, // producer.id.expiration.check.interval.ms
            boolean cleanerEnabled,                   // log.cleaner.enable
            int cleanerDedupeBufferBytes,             // log.cleaner.dedupe.buffer.size
            long cleanerBackoffMs,                    // log.cleaner.backoff.ms
            int recoveryThreadsPerDir) {              // num.recovery.threads.per.data.dir

        public Settings {
            logDirs = List.copyOf(logDirs);
            if (logDirs.isEmpty()) {
                throw new IllegalArgumentException("log.dirs is empty");
            }
            if (recoveryThreadsPerDir < 1) {
                throw new IllegalArgumentException("num.recovery.threads.per.data.dir must be at least 1");
            }
        }

        /** Kafka's defaults (with a 32 MiB cleaner buffer rather than 128 MiB, for small brokers). */
        public static Settings defaults(List<Path> logDirs) {
            return new Settings(logDirs, 300_000L, Long.MAX_VALUE, 60_000L, 60_000L, 86_400_000L, 600_000L,
                true, 32 * 1024 * 1024, 15_000L, 1);
        }
    }

    private final Settings settings;
    private final LogConfig defaultConfig;
    private final Function<String, LogConfig> topicConfigs;
    private final Scheduler scheduler;
    private final Time time;
    private final LogDirFailureHandler brokerFailureHandler;
    private final PartitionLog.Environment environment;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();
    private final Map<Path, FileLock> dirLocks = new LinkedHashMap<>();
    private final List<Scheduler.Cancellable> tasks = new ArrayList<>();
    private final LogCleaner cleaner;
    private volatile boolean started;

    /**
     * @param topicConfigs the effective config of a topic (broker defaults merged with its overrides), used for
     *                     logs found at start-up; {@link #getOrCreateLog} is given one explicitly
     * @param failureHandler told when a log dir goes offline
     */
    public LogManager(Settings settings, LogConfig defaultConfig, Function<String, LogConfig> topicConfigs,
                      Scheduler scheduler, Time time, LogDirFailureHandler failureHandler) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.defaultConfig = Objects.requireNonNull(defaultConfig, "defaultConfig");
        this.topicConfigs = Objects.requireNonNull(topicConfigs, "topicConfigs");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.time = Objects.requireNonNull(time, "time");
        this.brokerFailureHandler = Objects.requireNonNull(failureHandler, "failureHandler");
        this.environment = new PartitionLog.Environment(time, scheduler, settings.producerIdExpirationMs(),
            this::onLogDirFailure);
        this.cleaner = new LogCleaner(this::allLogs, settings.cleanerDedupeBufferBytes(), settings.cleanerBackoffMs(),
            time);
    }

    /**
     * Locks every log dir, loads every log in it (recovering those not shut down cleanly), then starts the
     * background tasks and the cleaner.
     *
     * @throws IllegalStateException naming the directory if another process holds a log dir's lock or a partition
     *                               appears in two log dirs
     * @throws IOException if a log dir cannot be read
     */
    public synchronized void startup() throws IOException {
        if (started) {
            throw new IllegalStateException("The log manager was already started");
        }
        for (Path dir : settings.logDirs()) {
            Files.createDirectories(dir);
            lockDir(dir);
        }
        try {
            loadLogs();
            cleaner.loadCheckpoints(settings.logDirs());
        } catch (IOException | RuntimeException e) {
            logs.values().forEach(PartitionLog::closeForDeletion);
            logs.clear();
            releaseLocks();
            throw e;
        }
        scheduleTasks();
        if (settings.cleanerEnabled()) {
            cleaner.startup();
        }
        started = true;
        log.info("Log manager started with {} logs in {}", logs.size(), settings.logDirs());
    }

    private void lockDir(Path dir) throws IOException {
        Path lockFile = dir.resolve(LogFileNames.LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            releaseLocks();
            throw new IllegalStateException("Log directory " + dir + " is in use by another broker process (the lock "
                + "on " + lockFile + " is held); give each broker its own log.dirs");
        }
        dirLocks.put(dir, lock);
    }

    private void releaseLocks() {
        for (FileLock lock : dirLocks.values()) {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException e) {
                log.warn("Releasing a log dir lock failed: {}", e.toString());
            }
        }
        dirLocks.clear();
    }

    private void loadLogs() throws IOException {
        int threads = settings.logDirs().size() * settings.recoveryThreadsPerDir();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "log-recovery");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PartitionLog>> futures = new ArrayList<>();
            Map<TopicPartition, Path> seen = new HashMap<>();
            List<Path> markers = new ArrayList<>();
            for (Path dir : settings.logDirs()) {
                Path marker = dir.resolve(LogFileNames.CLEAN_SHUTDOWN_MARKER);
                boolean clean = Files.exists(marker);
                if (clean) {
                    markers.add(marker);
                }
                Map<TopicPartition, Long> recoveryPoints = readCheckpoint(dir, LogFileNames.RECOVERY_POINT_CHECKPOINT);
                Map<TopicPartition, Long> startOffsets = readCheckpoint(dir, LogFileNames.LOG_START_OFFSET_CHECKPOINT);
                for (Path partitionDir : subdirectories(dir)) {
                    String name = partitionDir.getFileName().toString();
                    if (name.endsWith(LogFileNames.DELETE_DIR_SUFFIX)) {
                        log.info("Removing the deleted partition directory {}", partitionDir);
                        deleteRecursively(partitionDir);
                        continue;
                    }
                    Optional<TopicPartition> tp = TopicPartition.fromDirName(name);
                    if (tp.isEmpty()) {
                        log.warn("Ignoring {}: not a <topic>-<partition> directory", partitionDir);
                        continue;
                    }
                    Path other = seen.put(tp.get(), dir);
                    if (other != null) {
                        throw new IllegalStateException("Partition " + tp.get() + " has a log in both " + other
                            + " and " + dir + "; remove one of them");
                    }
                    long recoveryPoint = recoveryPoints.getOrDefault(tp.get(), 0L);
                    long logStart = startOffsets.getOrDefault(tp.get(), 0L);
                    LogConfig config = topicConfigs.apply(tp.get().topic());
                    futures.add(pool.submit(() -> PartitionLog.open(partitionDir, config, recoveryPoint, logStart,
                        clean, environment)));
                }
            }
            for (Future<PartitionLog> future : futures) {
                PartitionLog partitionLog = future.get();
                logs.put(partitionLog.topicPartition(), partitionLog);
            }
            for (Path marker : markers) {
                Files.deleteIfExists(marker);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while loading logs", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("Loading a log failed", cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<TopicPartition, Long> readCheckpoint(Path dir, String name) {
        try {
            return new OffsetCheckpointFile(dir.resolve(name)).read();
        } catch (IOException e) {
            log.warn("Ignoring {} in {} ({}); logs will be fully recovered", name, dir, e.getMessage());
            return Map.of();
        }
    }

    private void scheduleTasks() {
        tasks.add(scheduler.schedulePeriodic("log-retention", settings.retentionCheckIntervalMs(),
            settings.retentionCheckIntervalMs(), this::runRetention));
        if (settings.flushCheckIntervalMs() < Long.MAX_VALUE / 2) {
            tasks.add(scheduler.schedulePeriodic("log-flusher", settings.flushCheckIntervalMs(),
                settings.flushCheckIntervalMs(), this::flushDirtyLogs));
        }
        tasks.add(scheduler.schedulePeriodic("recovery-point-checkpoint", settings.recoveryPointCheckpointIntervalMs(),
            settings.recoveryPointCheckpointIntervalMs(), this::checkpointRecoveryPoints));
        tasks.add(scheduler.schedulePeriodic("log-start-offset-checkpoint",
            settings.logStartOffsetCheckpointIntervalMs(), settings.logStartOffsetCheckpointIntervalMs(),
            this::checkpointLogStartOffsets));
        tasks.add(scheduler.schedulePeriodic("producer-id-expiration", settings.producerIdExpirationCheckIntervalMs(),
            settings.producerIdExpirationCheckIntervalMs(), this::removeExpiredProducers));
    }

    // ------------------------------------------------------------------------------------------- logs

    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** Every log (a snapshot). */
    public Collection<PartitionLog> allLogs() {
        return List.copyOf(logs.values());
    }

    /**
     * The partition's log, created empty in the log dir holding the fewest partitions if it does not exist.
     *
     * @throws LogStorageException if every log dir is offline or creating the directory fails
     */
    public synchronized PartitionLog getOrCreateLog(TopicPartition tp, LogConfig config) {
        PartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        Path dir = pickLogDir();
        try {
            PartitionLog created = PartitionLog.open(dir.resolve(tp.dirName()), config, 0, 0, true, environment);
            logs.put(tp, created);
            log.info("Created log {} in {}", tp, dir);
            return created;
        } catch (IOException e) {
            onLogDirFailure(dir, e);
            throw new LogStorageException("Cannot create the log of " + tp + " in " + dir, e);
        }
    }

    private Path pickLogDir() {
        Map<Path, Integer> counts = new LinkedHashMap<>();
        for (Path dir : settings.logDirs()) {
            if (!offlineDirs.contains(dir)) {
                counts.put(dir, 0);
            }
        }
        if (counts.isEmpty()) {
            throw new LogStorageException("Every log dir is offline: " + settings.logDirs());
        }
        for (PartitionLog partitionLog : logs.values()) {
            counts.computeIfPresent(partitionLog.dir().getParent(), (d, n) -> n + 1);
        }
        return counts.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Applies a topic's new config to its logs. */
    public void updateTopicConfig(String topic, LogConfig config) {
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.topicPartition().topic().equals(topic)) {
                partitionLog.updateConfig(config);
            }
        }
    }

    /**
     * Deletes a partition's log (topic deletion, or a replica moved away): it leaves the map at once, its
     * directory is renamed to {@code <topic>-<partition>.<uuid>-delete} and removed after
     * {@code file.delete.delay.ms}.
     *
     * @return false if there was no such log
     */
    public synchronized boolean deleteLog(TopicPartition tp) {
        PartitionLog partitionLog = logs.remove(tp);
        if (partitionLog == null) {
            return false;
        }
        cleaner.pauseCleaning(tp);
        Path dir = partitionLog.dir();
        Path logDir = dir.getParent();
        partitionLog.closeForDeletion();
        Path renamed = logDir.resolve(tp.dirName() + "." + UUID.randomUUID().toString().replace("-", "")
            + LogFileNames.DELETE_DIR_SUFFIX);
        try {
            Files.move(dir, renamed);
            CheckpointFile.fsyncDirectory(logDir);
        } catch (IOException e) {
            onLogDirFailure(logDir, e);
            throw new LogStorageException("Cannot delete the log of " + tp + " in " + logDir, e);
        }
        cleaner.forget(tp, logDir);
        scheduler.schedule("delete-log-" + tp, partitionLog.config().fileDeleteDelayMs(), () -> {
            try {
                deleteRecursively(renamed);
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", renamed, e.toString());
            }
        });
        log.info("Deleted log {} (directory renamed to {})", tp, renamed);
        return true;
    }

    public LogCleaner cleaner() {
        return cleaner;
    }

    public Set<Path> offlineLogDirs() {
        return Set.copyOf(offlineDirs);
    }

    // ------------------------------------------------------------------------------------------- background

    /** Retention for every log (the scheduled task; public for tests and admin tools). */
    public void runRetention() {
        int total = 0;
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.isOffline()) {
                continue;
            }
            try {
                total += partitionLog.deleteOldSegments();
            } catch (LogStorageException e) {
                log.debug("Retention skipped {}: {}", partitionLog.topicPartition(), e.getMessage());
            }
        }
        if (total > 0) {
            log.debug("Retention deleted {} segments", total);
        }
    }

    /** Flushes the logs whose last flush is older than their flush.ms. */
    public void flushDirtyLogs() {
        long nowMs = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.isOffline() || partitionLog.unflushedMessages() == 0) {
                continue;
            }
            if (nowMs - partitionLog.lastFlushTimeMs() >= partitionLog.config().flushMs()) {
                try {
                    partitionLog.flush();
                } catch (LogStorageException e) {
                    log.debug("Flush skipped {}: {}", partitionLog.topicPartition(), e.getMessage());
                }
            }
        }
    }

    public void checkpointRecoveryPoints() {
        writeCheckpoints(LogFileNames.RECOVERY_POINT_CHECKPOINT, PartitionLog::recoveryPoint);
    }

    public void checkpointLogStartOffsets() {
        writeCheckpoints(LogFileNames.LOG_START_OFFSET_CHECKPOINT, PartitionLog::logStartOffset);
    }

    private void writeCheckpoints(String name, java.util.function.ToLongFunction<PartitionLog> offset) {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Path dir : settings.logDirs()) {
            byDir.put(dir, new HashMap<>());
        }
        for (PartitionLog partitionLog : logs.values()) {
            Map<TopicPartition, Long> entries = byDir.get(partitionLog.dir().getParent());
            if (entries != null) {
                entries.put(partitionLog.topicPartition(), offset.applyAsLong(partitionLog));
            }
        }
        for (Map.Entry<Path, Map<TopicPartition, Long>> e : byDir.entrySet()) {
            if (offlineDirs.contains(e.getKey())) {
                continue;
            }
            try {
                new OffsetCheckpointFile(e.getKey().resolve(name)).write(e.getValue());
            } catch (IOException ex) {
                onLogDirFailure(e.getKey(), ex);
            }
        }
    }

    private void removeExpiredProducers() {
        long nowMs = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            partitionLog.removeExpiredProducers(nowMs);
        }
    }

    private void onLogDirFailure(Path dir, IOException cause) {
        Path logDir = settings.logDirs().stream().filter(d -> d.equals(dir)).findFirst().orElse(dir);
        if (!offlineDirs.add(logDir)) {
            return;
        }
        log.error("Log directory {} failed and is now offline; its partitions report KAFKA_STORAGE_ERROR", logDir, cause);
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.dir().getParent().equals(logDir)) {
                partitionLog.markOffline();
                cleaner.pauseCleaning(partitionLog.topicPartition());
            }
        }
        brokerFailureHandler.onFailure(logDir, cause);
    }

    // ------------------------------------------------------------------------------------------- shutdown

    /**
     * Clean shutdown: stops the cleaner and the tasks, closes every log (flush, producer snapshot), writes the
     * checkpoints, then the clean-shutdown marker of every healthy log dir, and releases the dir locks.
     */
    @Override
    public synchronized void close() {
        log.info("Shutting down the log manager");
        cleaner.close();
        tasks.forEach(Scheduler.Cancellable::cancel);
        tasks.clear();
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.close();
            } catch (RuntimeException e) {
                log.error("Closing {} failed", partitionLog.topicPartition(), e);
            }
        }
        checkpointRecoveryPoints();
        checkpointLogStartOffsets();
        for (Path dir : dirLocks.keySet()) {
            if (offlineDirs.contains(dir)) {
                continue;
            }
            try {
                Files.write(dir.resolve(LogFileNames.CLEAN_SHUTDOWN_MARKER), new byte[0]);
                CheckpointFile.fsyncDirectory(dir);
            } catch (IOException e) {
                log.error("Could not write the clean shutdown marker in {}; the next start will recover", dir, e);
            }
        }
        logs.clear();
        releaseLocks();
        started = false;
        log.info("Log manager shut down");
    }

    // ------------------------------------------------------------------------------------------- files

    private static List<Path> subdirectories(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(null);
        return dirs;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The broker-wide default topic config. */
    public LogConfig defaultConfig() {
        return defaultConfig;
    }
}

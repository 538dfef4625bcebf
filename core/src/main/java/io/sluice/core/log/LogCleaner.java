package io.sluice.core.log;

import io.sluice.common.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The log cleaner: one thread ({@code log-cleaner}) that repeatedly picks the compacted log most in need of
 * cleaning and runs a {@link Compactor} pass over it, sleeping {@code log.cleaner.backoff.ms} when there is
 * nothing to do.
 *
 * <h2>Which log</h2>
 * For each log with {@code cleanup.policy} containing {@code compact}: the dirty range starts at its cleaner
 * checkpoint (clamped into the log) and ends at the first uncleanable offset, the smallest of the active
 * segment's base offset, the high watermark, and the base of the first segment younger than
 * {@code min.compaction.lag.ms} (by largest timestamp); only whole segments below it count. The dirty ratio is
 * {@code dirty bytes / (clean bytes + dirty bytes)}. Logs whose oldest dirty segment is older than
 * {@code max.compaction.lag.ms} come first; otherwise the highest ratio at or above
 * {@code min.cleanable.dirty.ratio} wins; failing both, a log whose earliest tombstone horizon has passed is
 * cleaned so the tombstones go.
 *
 * <h2>Checkpoint</h2>
 * After each pass the end of the cleaned range is recorded per partition and written to
 * {@code cleaner-offset-checkpoint} in the partition's log dir ({@link OffsetCheckpointFile}), so a restart does
 * not re-clean what is clean. Tombstone horizons are kept in memory only; after a restart the next pass finds
 * them again.
 *
 * <h2>Threads</h2>
 * {@link #cleanOnce()} runs on the cleaner thread (or a test's thread); the maps here are concurrent because the
 * log manager pauses, resumes and forgets partitions from other threads. Passes that lose a race with a
 * truncation or deletion are abandoned by {@link PartitionLog#replaceSegments}, not prevented.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(LogCleaner.class);

    /** The range and ratio of one candidate log. */
    record Candidate(PartitionLog log, long firstDirtyOffset, long firstUncleanableOffset, long cleanBytes,
                     long dirtyBytes, boolean pastMaxLag, boolean tombstonesDue) {
        double dirtyRatio() {
            long total = cleanBytes + dirtyBytes;
            return total == 0 ? 0 : (double) dirtyBytes / total;
        }
    }

    private final Supplier<Collection<PartitionLog>> logs;
    private final Time time;
    private final long backoffMs;
    private final int dedupeBufferBytes;
    /** Created at the first pass, so a broker without compacted topics never allocates the offset map. */
    private Compactor compactor;
    private Runnable beforeSwapHook = () -> { };
    private final Map<TopicPartition, Long> checkpoints = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> tombstoneHorizons = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> uncleanable = ConcurrentHashMap.newKeySet();
    private final Object monitor = new Object();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param logs            every log of the broker, asked afresh at each pass
     * @param dedupeBufferBytes memory of the key → offset map ({@code log.cleaner.dedupe.buffer.size})
     * @param backoffMs       sleep when there is nothing to clean ({@code log.cleaner.backoff.ms})
     */
    public LogCleaner(Supplier<Collection<PartitionLog>> logs, int dedupeBufferBytes, long backoffMs, Time time) {
        this.logs = logs;
        this.time = time;
        this.backoffMs = backoffMs;
        this.dedupeBufferBytes = dedupeBufferBytes;
    }

    /** Loads the cleaner checkpoints of these log dirs. */
    public void loadCheckpoints(List<Path> logDirs) throws IOException {
        for (Path dir : logDirs) {
            checkpoints.putAll(new OffsetCheckpointFile(dir.resolve(LogFileNames.CLEANER_OFFSET_CHECKPOINT)).read());
        }
    }

    public synchronized void startup() {
        if (thread != null) {
            throw new IllegalStateException("The log cleaner was already started");
        }
        running = true;
        thread = new Thread(this::run, "log-cleaner");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        log.info("Log cleaner started");
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanOnce();
            } catch (RuntimeException e) {
                log.error("Log cleaner pass failed", e);
            }
            if (!cleaned) {
                synchronized (monitor) {
                    if (running) {
                        try {
                            monitor.wait(Math.max(1, backoffMs));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
        log.info("Log cleaner stopped");
    }

    /**
     * Picks one log and cleans it.
     *
     * @return true if a log was cleaned
     */
    public boolean cleanOnce() {
        Optional<Candidate> picked = pick();
        if (picked.isEmpty()) {
            return false;
        }
        Candidate candidate = picked.get();
        PartitionLog partitionLog = candidate.log();
        TopicPartition tp = partitionLog.topicPartition();
        long startNs = time.nanoseconds();
        try {
            Optional<Compactor.Result> result = compactor().clean(partitionLog, candidate.firstDirtyOffset(),
                candidate.firstUncleanableOffset());
            if (result.isEmpty()) {
                return false;
            }
            Compactor.Result r = result.get();
            if (r.mappedEndOffset() <= candidate.firstDirtyOffset() && candidate.dirtyBytes() > 0
                    && !candidate.tombstonesDue()) {
                log.error("Cannot clean {}: one segment holds more keys than the cleaner's dedupe buffer; raise "
                    + "log.cleaner.dedupe.buffer.size. The partition is skipped until restart.", tp);
                uncleanable.add(tp);
                return false;
            }
            checkpoints.put(tp, Math.max(r.mappedEndOffset(), checkpoints.getOrDefault(tp, 0L)));
            if (r.earliestDeleteHorizonMs() >= 0) {
                tombstoneHorizons.put(tp, r.earliestDeleteHorizonMs());
            } else {
                tombstoneHorizons.remove(tp);
            }
            writeCheckpoint(partitionLog.dir().getParent());
            log.info("Cleaned {} up to offset {} in {} ms: dirty ratio {}, {} bytes read, {} bytes written", tp,
                r.mappedEndOffset(), (time.nanoseconds() - startNs) / 1_000_000,
                String.format("%.2f", candidate.dirtyRatio()), r.bytesRead(), r.bytesWritten());
            return true;
        } catch (LogStorageException e) {
            log.info("Stopped cleaning {}: {}", tp, e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            if (partitionLog.isOffline() || !logs.get().contains(partitionLog)) {
                log.info("Stopped cleaning {}, which went away: {}", tp, e.toString());
                return false;
            }
            log.error("Cleaning {} failed; the partition is skipped until restart", tp, e);
            uncleanable.add(tp);
            return false;
        }
    }

    /** The log most in need of cleaning, if any qualifies. */
    Optional<Candidate> pick() {
        long nowMs = time.milliseconds();
        List<Candidate> candidates = new ArrayList<>();
        for (PartitionLog partitionLog : logs.get()) {
            TopicPartition tp = partitionLog.topicPartition();
            if (!partitionLog.config().compact() || partitionLog.isOffline() || paused.contains(tp)
                    || uncleanable.contains(tp)) {
                continue;
            }
            candidate(partitionLog, nowMs).ifPresent(candidates::add);
        }
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.pastMaxLag() && c.dirtyBytes() > 0 && (best == null || !best.pastMaxLag()
                    || c.dirtyRatio() > best.dirtyRatio())) {
                best = c;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        for (Candidate c : candidates) {
            if (c.dirtyBytes() > 0 && c.dirtyRatio() >= c.log().config().minCleanableDirtyRatio()
                    && (best == null || c.dirtyRatio() > best.dirtyRatio())) {
                best = c;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return candidates.stream().filter(Candidate::tombstonesDue).findFirst();
    }

    /** The dirty range and sizes of one log, or empty if it cannot be cleaned now. */
    Optional<Candidate> candidate(PartitionLog partitionLog, long nowMs) {
        LogConfig config = partitionLog.config();
        List<LogSegment> segments = partitionLog.segmentList();
        if (segments.size() < 2) {
            return Optional.empty();
        }
        long logStart = partitionLog.logStartOffset();
        long logEnd = partitionLog.logEndOffset();
        long firstDirty = checkpoints.getOrDefault(partitionLog.topicPartition(), logStart);
        if (firstDirty < logStart || firstDirty > logEnd) {
            firstDirty = logStart;
        }
        LogSegment active = segments.get(segments.size() - 1);
        long uncleanable = Math.min(active.baseOffset(), partitionLog.highWatermark());
        long cleanBytes = 0;
        long dirtyBytes = 0;
        boolean pastMaxLag = false;
        boolean firstDirtySegment = true;
        for (int i = 0; i + 1 < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            long upper = segments.get(i + 1).baseOffset();
            if (upper <= firstDirty) {
                cleanBytes += segment.sizeInBytes();
                continue;
            }
            if (upper > uncleanable) {
                uncleanable = segment.baseOffset();
                break;
            }
            if (config.minCompactionLagMs() > 0 && nowMs - segment.maxTimestamp() < config.minCompactionLagMs()) {
                uncleanable = segment.baseOffset();
                break;
            }
            if (firstDirtySegment && config.maxCompactionLagMs() < Long.MAX_VALUE
                    && nowMs - segment.rollingBasedTimestamp() > config.maxCompactionLagMs()) {
                pastMaxLag = true;
            }
            firstDirtySegment = false;
            dirtyBytes += segment.sizeInBytes();
        }
        long horizon = tombstoneHorizons.getOrDefault(partitionLog.topicPartition(), -1L);
        boolean tombstonesDue = horizon >= 0 && nowMs >= horizon;
        if (dirtyBytes == 0 && !tombstonesDue) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(partitionLog, firstDirty, Math.max(firstDirty, uncleanable), cleanBytes,
            dirtyBytes, pastMaxLag, tombstonesDue));
    }

    /** Stops picking this partition (its log is being deleted or moved) until {@link #resumeCleaning}. */
    public void pauseCleaning(TopicPartition tp) {
        paused.add(tp);
    }

    public void resumeCleaning(TopicPartition tp) {
        paused.remove(tp);
    }

    /** Forgets a deleted partition and rewrites its log dir's checkpoint without it. */
    public void forget(TopicPartition tp, Path logDir) {
        checkpoints.remove(tp);
        tombstoneHorizons.remove(tp);
        uncleanable.remove(tp);
        paused.remove(tp);
        try {
            writeCheckpoint(logDir);
        } catch (RuntimeException e) {
            log.warn("Could not rewrite the cleaner checkpoint of {}: {}", logDir, e.toString());
        }
    }

    /** The cleaner checkpoint of a partition (the end of its last cleaned range), if any. */
    public Optional<Long> checkpoint(TopicPartition tp) {
        return Optional.ofNullable(checkpoints.get(tp));
    }

    private synchronized Compactor compactor() {
        if (compactor == null) {
            compactor = new Compactor(new KeyOffsetMap(dedupeBufferBytes), time);
            compactor.beforeSwapHook(beforeSwapHook);
        }
        return compactor;
    }

    /** Test hook: runs after each cleaned group is written, before it is swapped in. */
    synchronized void beforeSwapHook(Runnable hook) {
        beforeSwapHook = hook;
        if (compactor != null) {
            compactor.beforeSwapHook(hook);
        }
    }

    private void writeCheckpoint(Path logDir) {
        Map<TopicPartition, Long> entries = new HashMap<>();
        for (PartitionLog partitionLog : logs.get()) {
            Long offset = checkpoints.get(partitionLog.topicPartition());
            if (offset != null && partitionLog.dir().getParent().equals(logDir)) {
                entries.put(partitionLog.topicPartition(), offset);
            }
        }
        try {
            new OffsetCheckpointFile(logDir.resolve(LogFileNames.CLEANER_OFFSET_CHECKPOINT)).write(entries);
        } catch (IOException e) {
            throw new LogStorageException("Cannot write the cleaner checkpoint of " + logDir, e);
        }
    }

    /** Stops the thread (waits for the current pass to finish). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.sluice.core.log;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Scheduler;
import io.sluice.common.Time;
import io.sluice.core.producerstate.ProducerState;
import io.sluice.core.producerstate.ProducerStateManager;
import io.sluice.core.producerstate.SequenceCheck;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import io.sluice.record.TimestampType;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The log of one partition replica: a directory {@code <topic>-<partition>/} of {@link LogSegment}s, the last of
 * which takes appends, plus {@code leader-epoch-checkpoint} ({@link LeaderEpochCache}) and producer-state
 * snapshots ({@link ProducerStateManager}). Loading and crash recovery: {@link LogLoader}.
 *
 * <h2>Offsets</h2>
 * {@code logStartOffset <= highWatermark <= logEndOffset}. The log start offset moves up with retention and
 * DeleteRecords; the high watermark is set by the replication layer ({@link #updateHighWatermark}) and bounds
 * retention and compaction, which never touch data above it; the log end offset is the offset after the last
 * appended batch. The recovery point is the offset below which everything is known to be on disk.
 *
 * <h2>Segment roll</h2>
 * Before an append, a new active segment starts at the log end offset if the batches would push the active
 * segment past {@code segment.bytes}, if it is older than {@code segment.ms} minus a per-segment random jitter
 * below {@code segment.jitter.ms} (age: the incoming batch's timestamp minus the first batch's, see
 * {@link LogSegment#shouldRollForAge}), if an index is full, or if an offset would be more than 2^31 - 1 above its
 * base. At a roll the producer state is snapshotted at the new base offset and
 * the old segment is flushed asynchronously, which moves the recovery point up to the roll.
 *
 * <h2>Threads and locks</h2>
 * Every change (append, roll, truncation, retention, the cleaner's segment swap, close) runs under one
 * {@link ReentrantLock}, the append lock. Reads take no lock: the segment map is concurrent, a segment publishes
 * its size after writing, and the log end offset (with its position) is published through a volatile field after
 * that. The CPU-heavy part of a leader append (CRC and record validation) runs before the lock is taken.
 * Segments leave the log by renaming their files to {@code .deleted} and are closed and deleted
 * {@code file.delete.delay.ms} later on the {@link Scheduler}, so a read that found a segment can finish with it.
 * Lock order: a caller's partition lock, then this log's append lock; nothing here calls out while holding it
 * except the producer-state manager, the epoch cache and the {@link LogDirFailureHandler}.
 *
 * <h2>Errors</h2>
 * Validation and range failures are {@link ApiException}s with the protocol error code. An {@link IOException}
 * takes the log offline: the failure handler is told, and this and every later call throw
 * {@link LogStorageException} (KAFKA_STORAGE_ERROR).
 */
public final class PartitionLog implements Closeable {
    private static final Logger log = LogManager.getLogger(PartitionLog.class);

    /** What every log of a broker shares. */
    public record Environment(Time time, Scheduler scheduler, long producerIdExpirationMs,
                              LogDirFailureHandler failureHandler) {
        public Environment {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(failureHandler, "failureHandler");
        }
    }

    /** A test of one head segment for retention; {@code next} is the segment after it, if any. */
    @FunctionalInterface
    private interface SegmentPredicate {
        boolean test(LogSegment segment, Optional<LogSegment> next) throws IOException;
    }

    private final TopicPartition topicPartition;
    private final Path dir;
    private final Time time;
    private final Scheduler scheduler;
    private final LogDirFailureHandler failureHandler;
    private final LogSegments segments = new LogSegments();
    /** A segment file was created since the directory was last fsynced: a flush must sync the directory too. */
    private volatile boolean directoryDirty = true;
    private final LeaderEpochCache epochCache;
    /** Guarded by {@link #lock}. */
    private final ProducerStateManager producerState;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile LogConfig config;
    /** The log end offset and where it is: (offset, active segment base, position in it). */
    private volatile LogOffsetMetadata logEndOffsetMetadata;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    /** Bumped by every truncation: a flush or a cleaner pass that started before one must not publish. */
    private volatile long truncations;
    private volatile boolean offline;
    private volatile boolean closed;

    private PartitionLog(Path dir, TopicPartition topicPartition, LogConfig config, Environment env) {
        this.dir = dir;
        this.topicPartition = topicPartition;
        this.config = config;
        this.time = env.time();
        this.scheduler = env.scheduler();
        this.failureHandler = env.failureHandler();
        this.epochCache = new LeaderEpochCache(dir);
        this.producerState = new ProducerStateManager(dir, env.producerIdExpirationMs(), env.time());
        this.lastFlushMs = time.milliseconds();
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, whose name must be {@code <topic>-<partition>}.
     *
     * @param recoveryPoint     the checkpointed recovery point (0 if unknown): recovery starts at its segment
     * @param logStartOffset    the checkpointed log start offset (0 if unknown)
     * @param hadCleanShutdown  the log directory's clean-shutdown marker was present: skip recovery
     * @throws IOException if the directory cannot be read or written
     */
    public static PartitionLog open(Path dir, LogConfig config, long recoveryPoint, long logStartOffset,
                                    boolean hadCleanShutdown, Environment env) throws IOException {
        TopicPartition tp = TopicPartition.fromDirName(dir.getFileName().toString()).orElseThrow(
            () -> new IllegalArgumentException("Log directory name " + dir.getFileName()
                + " is not <topic>-<partition>"));
        boolean created = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (created) {
            // The new directory's own entry must survive a crash once records in it are acknowledged.
            CheckpointFile.fsyncDirectory(dir.toAbsolutePath().getParent());
        }
        PartitionLog partitionLog = new PartitionLog(dir, tp, config, env);
        partitionLog.load(recoveryPoint, logStartOffset, hadCleanShutdown);
        return partitionLog;
    }

    private void load(long recoveryPointCheckpoint, long logStartCheckpoint, boolean hadCleanShutdown)
            throws IOException {
        long startNs = time.nanoseconds();
        LogLoader.Loaded loaded = LogLoader.load(dir, config, recoveryPointCheckpoint, logStartCheckpoint,
            hadCleanShutdown, epochCache, time);
        loaded.segments().forEach(segments::add);
        LogSegment active = segments.active();
        logEndOffsetMetadata = new LogOffsetMetadata(loaded.logEndOffset(), active.baseOffset(), active.sizeInBytes());
        logStartOffset = loaded.logStartOffset();
        highWatermark = loaded.logStartOffset();
        recoveryPoint = loaded.recoveryPoint();
        lock.lock();
        try {
            rebuildProducerState();
        } catch (RuntimeException | IOException e) {
            segments.all().forEach(LogSegment::close);
            throw e;
        } finally {
            lock.unlock();
        }
        log.info("Loaded log {} in {} ms: {} segments, offsets [{}, {}), {}", topicPartition,
            (time.nanoseconds() - startNs) / 1_000_000, segments.size(), logStartOffset, logEndOffset(),
            hadCleanShutdown ? "after a clean shutdown" : "recovered from offset " + recoveryPointCheckpoint);
    }

    // ------------------------------------------------------------------------------------------- accessors

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** Swaps in a new configuration; it applies from the next append, roll or retention run. */
    public void updateConfig(LogConfig newConfig) {
        this.config = Objects.requireNonNull(newConfig, "config");
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffsetMetadata.messageOffset();
    }

    public LogOffsetMetadata logEndOffsetMetadata() {
        return logEndOffsetMetadata;
    }

    public long highWatermark() {
        return highWatermark;
    }

    /**
     * Sets the high watermark (the replication layer's job), clamped into {@code [logStartOffset, logEndOffset]}.
     *
     * @return the value set
     */
    public long updateHighWatermark(long newHighWatermark) {
        lock.lock();
        try {
            long clamped = Math.min(Math.max(newHighWatermark, logStartOffset), logEndOffset());
            highWatermark = clamped;
            return clamped;
        } finally {
            lock.unlock();
        }
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    public long lastFlushTimeMs() {
        return lastFlushMs;
    }

    /** Offsets appended since the last flush. */
    public long unflushedMessages() {
        return logEndOffset() - recoveryPoint;
    }

    public LeaderEpochCache leaderEpochCache() {
        return epochCache;
    }

    /** OffsetsForLeaderEpoch for this replica (see {@link LeaderEpochCache#endOffsetFor}). */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int leaderEpoch) {
        return epochCache.endOffsetFor(leaderEpoch, logEndOffset());
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    /** Base offsets of the segments, ascending (a snapshot). */
    public List<Long> segmentBaseOffsets() {
        return segments.all().stream().map(LogSegment::baseOffset).toList();
    }

    public long activeSegmentBaseOffset() {
        return segments.active().baseOffset();
    }

    /** The idempotent producers known to this partition (an immutable copy). */
    public Map<Long, ProducerState> activeProducers() {
        lock.lock();
        try {
            return producerState.producers();
        } finally {
            lock.unlock();
        }
    }

    public boolean isOffline() {
        return offline;
    }

    // ------------------------------------------------------------------------------------------- appends

    /**
     * Validates and appends batches from a producer or from the broker itself, as leader in {@code leaderEpoch}:
     * assigns offsets from the log end offset, stamps the epoch, applies LogAppendTime and the topic's
     * {@code compression.type}, checks producer sequences. The records must be a writable heap buffer the caller
     * hands over: offsets are written into it in place.
     *
     * @return what was appended, or for a duplicate of an earlier batch the original offsets (nothing appended)
     * @throws ApiException CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE,
     *                      INVALID_TIMESTAMP (see {@link LogValidator}), OUT_OF_ORDER_SEQUENCE_NUMBER,
     *                      INVALID_PRODUCER_EPOCH, or KAFKA_STORAGE_ERROR
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin) {
        LogConfig cfg = config;
        long nowMs = time.milliseconds();
        List<RecordBatch> batches = LogValidator.validateForLeader(records, cfg, origin, nowMs);
        MemoryRecords stored = LogValidator.maybeRecompress(records, batches, cfg);
        if (stored != records) {
            batches = LogValidator.batchesOf(stored);
        }
        boolean flushNeeded;
        LogAppendInfo info;
        lock.lock();
        try {
            checkUsable();
            for (RecordBatch batch : batches) {
                if (batch.hasProducerId() && producerState.check(batch) instanceof SequenceCheck.Duplicate dup) {
                    if (batches.size() > 1) {
                        throw new ApiException(Errors.INVALID_RECORD, "A batch of producer " + batch.producerId()
                            + " in a multi-batch append duplicates offsets " + dup.firstOffset() + ".."
                            + dup.lastOffset());
                    }
                    log.debug("Duplicate batch of producer {} epoch {} sequences {}..{} on {}: already at offsets "
                        + "{}..{}", batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                        batch.lastSequence(), topicPartition, dup.firstOffset(), dup.lastOffset());
                    return new LogAppendInfo(dup.firstOffset(), dup.lastOffset(), RecordBatch.NO_TIMESTAMP,
                        dup.logAppendTime(), logStartOffset, 0, 0, true);
                }
            }
            long firstOffset = logEndOffset();
            long logAppendTime = cfg.logAppendTime() ? nowMs : RecordBatch.NO_TIMESTAMP;
            long lastOffset = LogValidator.assignOffsets(batches, firstOffset, leaderEpoch, logAppendTime);
            epochCache.assign(leaderEpoch, firstOffset);
            appendBatches(stored.buffer(), batches, lastOffset + 1, nowMs, batch -> logAppendTime);
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            int recordCount = 0;
            for (RecordBatch batch : batches) {
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
                recordCount += batch.recordCount();
            }
            info = new LogAppendInfo(firstOffset, lastOffset, maxTimestamp, logAppendTime, logStartOffset,
                recordCount, stored.sizeInBytes(), false);
            flushNeeded = unflushedMessages() >= cfg.flushMessages();
        } catch (UncheckedIOException e) {
            throw storageFailure("Append", e.getCause());
        } finally {
            lock.unlock();
        }
        if (flushNeeded) {
            flush();
        }
        return info;
    }

    /**
     * Appends replicated batches as they are (offsets, epochs and timestamps from the leader). Only the complete
     * batches are taken (a fetch response may end with a partial one). Offsets must not go backwards, and the
     * first batch must start at or after the log end offset; gaps are fine (compacted leaders have them).
     *
     * @throws OffsetsOutOfOrderException if offsets go backwards
     * @throws ApiException CORRUPT_MESSAGE / INVALID_RECORD for damaged batches, or KAFKA_STORAGE_ERROR
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        List<RecordBatch> batches = LogValidator.validateForFollower(records);
        if (batches.isEmpty()) {
            return LogAppendInfo.nothing(logStartOffset);
        }
        long nowMs = time.milliseconds();
        LogConfig cfg = config;
        boolean flushNeeded;
        LogAppendInfo info;
        lock.lock();
        try {
            checkUsable();
            long expected = logEndOffset();
            int bytes = 0;
            int recordCount = 0;
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (RecordBatch batch : batches) {
                if (batch.baseOffset() < expected) {
                    throw new OffsetsOutOfOrderException("Follower append to " + topicPartition + ": batch at offsets "
                        + batch.baseOffset() + ".." + batch.lastOffset() + " does not start at or after "
                        + expected + " (the log end offset, or the previous batch's end)");
                }
                expected = batch.nextOffset();
                bytes += batch.sizeInBytes();
                recordCount += batch.recordCount();
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            }
            for (RecordBatch batch : batches) {
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            appendBatches(records.buffer(), batches, expected, nowMs, PartitionLog::logAppendTimeOf);
            info = new LogAppendInfo(batches.get(0).baseOffset(), expected - 1, maxTimestamp, RecordBatch.NO_TIMESTAMP,
                logStartOffset, recordCount, bytes, false);
            flushNeeded = unflushedMessages() >= cfg.flushMessages();
        } catch (UncheckedIOException e) {
            throw storageFailure("Follower append", e.getCause());
        } finally {
            lock.unlock();
        }
        if (flushNeeded) {
            flush();
        }
        return info;
    }

    /**
     * Writes validated batches (back to back from position 0 of {@code bytes}) into the active segment, rolling
     * as needed; consecutive batches that fit go in one write. Each written batch is applied to the producer state
     * before the next roll (which snapshots it). Publishes the new log end offset. Under the lock.
     */
    private void appendBatches(ByteBuffer bytes, List<RecordBatch> batches, long newLogEndOffset, long nowMs,
                               ToLongFunction<RecordBatch> logAppendTimeOf) {
        LogConfig cfg = config;
        try {
            int position = 0;
            int i = 0;
            LogSegment segment = segments.active();
            while (i < batches.size()) {
                RecordBatch first = batches.get(i);
                segment = maybeRoll(segment, first, cfg, nowMs);
                long chunk = 0;
                int j = i;
                while (j < batches.size()) {
                    RecordBatch batch = batches.get(j);
                    boolean fits = (long) segment.sizeInBytes() + chunk + batch.sizeInBytes() <= cfg.segmentBytes()
                        && batch.lastOffset() - segment.baseOffset() <= Integer.MAX_VALUE;
                    if (j > i && !fits) {
                        break;
                    }
                    chunk += batch.sizeInBytes();
                    j++;
                }
                segment.append(bytes.slice(position, (int) chunk));
                for (int k = i; k < j; k++) {
                    producerState.update(batches.get(k), logAppendTimeOf.applyAsLong(batches.get(k)));
                }
                position += (int) chunk;
                i = j;
            }
            logEndOffsetMetadata = new LogOffsetMetadata(newLogEndOffset, segment.baseOffset(), segment.sizeInBytes());
        } catch (IOException e) {
            throw storageFailure("Append", e);
        }
    }

    private LogSegment maybeRoll(LogSegment active, RecordBatch next, LogConfig cfg, long nowMs) throws IOException {
        String reason = null;
        if (active.sizeInBytes() > 0 && (long) active.sizeInBytes() + next.sizeInBytes() > cfg.segmentBytes()) {
            reason = "segment.bytes " + cfg.segmentBytes() + " reached";
        } else if (active.shouldRollForAge(nowMs, next.maxTimestamp(), cfg.segmentMs())) {
            reason = "segment.ms " + cfg.segmentMs() + " reached";
        } else if (active.indexesFull()) {
            reason = "an index is full";
        } else if (next.lastOffset() - active.baseOffset() > Integer.MAX_VALUE) {
            reason = "offset " + next.lastOffset() + " does not fit in an index entry";
        }
        if (reason == null) {
            return active;
        }
        log.debug("Rolling {} at offset {}: {}", topicPartition, next.baseOffset(), reason);
        return roll(Math.max(next.baseOffset(), logEndOffset()));
    }

    /** Starts a new active segment at the log end offset now. */
    public void roll() {
        lock.lock();
        try {
            checkUsable();
            roll(logEndOffset());
        } catch (IOException e) {
            throw storageFailure("Roll", e);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private LogSegment roll(long newBaseOffset) throws IOException {
        LogSegment active = segments.active();
        if (active.baseOffset() == newBaseOffset && active.isEmpty()) {
            return active;
        }
        if (newBaseOffset < active.nextOffset() || newBaseOffset <= active.baseOffset()) {
            throw new IllegalStateException("Cannot roll " + topicPartition + " to offset " + newBaseOffset
                + ": the active segment " + active + " already reaches it");
        }
        LogConfig cfg = config;
        active.onBecomeInactive();
        if (active.isEmpty()) {
            segments.remove(active);
            active.deleteFiles();
        }
        LogSegment fresh = LogSegment.create(dir, newBaseOffset, "", cfg, rollJitterMs(cfg), time);
        segments.add(fresh);
        directoryDirty = true;
        logEndOffsetMetadata = new LogOffsetMetadata(logEndOffset(), fresh.baseOffset(), 0);
        producerState.takeSnapshot(newBaseOffset);
        scheduler.schedule("flush-" + topicPartition, 0, () -> flushUpTo(newBaseOffset));
        log.debug("Rolled {}: new active segment at offset {}", topicPartition, newBaseOffset);
        return fresh;
    }

    private static long rollJitterMs(LogConfig cfg) {
        long bound = Math.min(cfg.segmentJitterMs(), cfg.segmentMs());
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
    }

    // ------------------------------------------------------------------------------------------- reads

    /**
     * Reads from the batch containing {@code fetchOffset}: a slice of one segment of at most {@code maxBytes}
     * bytes (but the whole first batch if {@code minOneBatch}), holding only batches that end below
     * {@code maxOffsetExclusive} (the high watermark for consumers; {@code Long.MAX_VALUE} reads to the log end).
     *
     * @throws ApiException OFFSET_OUT_OF_RANGE if {@code fetchOffset} is outside [log start, log end];
     *                      KAFKA_STORAGE_ERROR
     */
    public FetchDataInfo read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        for (int attempt = 1; ; attempt++) {
            checkUsable();
            long generation = truncations;
            try {
                return readOnce(fetchOffset, maxBytes, maxOffsetExclusive, minOneBatch);
            } catch (ClosedChannelException e) {
                // The segment left the log and was closed under us (only possible with file.delete.delay.ms
                // near 0): look again, the offset is now either in another segment or out of range.
                if (attempt >= 3 || closed) {
                    throw new LogStorageException("Reading " + topicPartition + " at offset " + fetchOffset
                        + " raced with segment deletion", e);
                }
            } catch (IOException e) {
                // A truncation may have cut the file under the read: that is a race, not a disk failure.
                if (generation == truncations || attempt >= 3) {
                    throw storageFailure("Read at offset " + fetchOffset, e);
                }
            }
        }
    }

    private FetchDataInfo readOnce(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
            throws IOException {
        LogOffsetMetadata end = logEndOffsetMetadata;
        long leo = end.messageOffset();
        long start = logStartOffset;
        if (fetchOffset < start || fetchOffset > leo) {
            throw new ApiException(Errors.OFFSET_OUT_OF_RANGE, "Offset " + fetchOffset + " of " + topicPartition
                + " is outside the log's range [" + start + ", " + leo + "]");
        }
        long limit = Math.min(maxOffsetExclusive, leo);
        Optional<LogSegment> current = segments.floor(fetchOffset).or(() -> Optional.of(segments.first()));
        if (fetchOffset >= limit) {
            return emptyRead(fetchOffset, end);
        }
        while (current.isPresent()) {
            LogSegment segment = current.get();
            Optional<LogSegment> next = segments.higher(segment.baseOffset());
            long maxPosition;
            if (limit >= leo && segment.baseOffset() == end.segmentBaseOffset()) {
                maxPosition = end.relativePositionInSegment();
            } else if (next.isPresent() && next.get().baseOffset() <= limit) {
                maxPosition = segment.sizeInBytes();
            } else {
                maxPosition = segment.positionOf(limit);
            }
            Optional<FetchDataInfo> read = segment.read(fetchOffset, maxBytes, maxPosition, minOneBatch);
            if (read.isPresent()) {
                return read.get();
            }
            if (next.isEmpty() || next.get().baseOffset() >= limit) {
                break;
            }
            current = next;
        }
        return emptyRead(fetchOffset, end);
    }

    private FetchDataInfo emptyRead(long fetchOffset, LogOffsetMetadata end) throws IOException {
        if (fetchOffset == end.messageOffset()) {
            LogSegment active = segments.get(end.segmentBaseOffset()).orElse(segments.active());
            return new FetchDataInfo(new LogOffsetMetadata(fetchOffset, active.baseOffset(),
                end.relativePositionInSegment()), new FileRecordsSlice(active.channel(),
                    end.relativePositionInSegment(), 0));
        }
        LogSegment segment = segments.floor(fetchOffset).orElse(segments.first());
        int position = (int) segment.positionOf(fetchOffset);
        return new FetchDataInfo(new LogOffsetMetadata(fetchOffset, segment.baseOffset(), position),
            new FileRecordsSlice(segment.channel(), position, 0));
    }

    /**
     * ListOffsets by timestamp: the first record at or after the log start offset with a timestamp at or above
     * {@code targetTimestamp}, if it is below {@code maxOffsetExclusive} (the visible end).
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long targetTimestamp, long maxOffsetExclusive) {
        checkUsable();
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.all()) {
                if (segment.maxTimestamp() < targetTimestamp || segment.nextOffset() <= start && !segment.isEmpty()) {
                    continue;
                }
                Optional<TimestampAndOffset> found = segment.findOffsetByTimestamp(targetTimestamp, start);
                if (found.isPresent()) {
                    return found.get().offset() < maxOffsetExclusive ? found : Optional.empty();
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw storageFailure("Timestamp lookup", e);
        }
    }

    /** ListOffsets MAX_TIMESTAMP (-3): the first record with the largest timestamp in the log, if any. */
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        checkUsable();
        LogSegment best = null;
        for (LogSegment segment : segments.all()) {
            if (segment.maxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        try {
            return best.maxTimestampRecord();
        } catch (IOException e) {
            throw storageFailure("Max timestamp lookup", e);
        }
    }

    // ------------------------------------------------------------------------------------------- truncation

    /**
     * Removes everything at and above {@code targetOffset} (a follower matching its leader): later segments go,
     * the segment holding it is cut at the batch containing it, the log end offset becomes {@code targetOffset},
     * the epoch cache and producer state follow. Below the log start offset this is
     * {@link #truncateFullyAndStartAt}.
     *
     * @return true if anything was removed
     */
    public boolean truncateTo(long targetOffset) {
        if (targetOffset < 0) {
            throw new IllegalArgumentException("Cannot truncate " + topicPartition + " to negative offset " + targetOffset);
        }
        lock.lock();
        try {
            checkUsable();
            if (targetOffset >= logEndOffset()) {
                return false;
            }
            if (targetOffset < logStartOffset) {
                truncateFullyAndStartAt(targetOffset);
                return true;
            }
            truncations++;
            log.info("Truncating {} to offset {} (log end offset was {})", topicPartition, targetOffset, logEndOffset());
            List<LogSegment> later = new ArrayList<>();
            for (LogSegment segment : segments.all()) {
                if (segment.baseOffset() > targetOffset) {
                    later.add(segment);
                }
            }
            for (LogSegment segment : later) {
                segments.remove(segment);
            }
            deleteSegmentsAsync(later);
            LogSegment active = segments.active();
            active.truncateTo(targetOffset, time.milliseconds());
            active.resizeIndexes(config.segmentIndexBytes());
            logEndOffsetMetadata = new LogOffsetMetadata(targetOffset, active.baseOffset(), active.sizeInBytes());
            recoveryPoint = Math.min(recoveryPoint, targetOffset);
            highWatermark = Math.min(highWatermark, targetOffset);
            epochCache.truncateFromEnd(targetOffset);
            rebuildProducerState();
            return true;
        } catch (IOException e) {
            throw storageFailure("Truncation to " + targetOffset, e);
        } catch (UncheckedIOException e) {
            throw storageFailure("Truncation to " + targetOffset, e.getCause());
        } finally {
            lock.unlock();
        }
    }

    /** Empties the log and restarts it at {@code newOffset} (log start = log end = {@code newOffset}). */
    public void truncateFullyAndStartAt(long newOffset) {
        if (newOffset < 0) {
            throw new IllegalArgumentException("Cannot restart " + topicPartition + " at negative offset " + newOffset);
        }
        lock.lock();
        try {
            checkUsable();
            truncations++;
            log.info("Emptying {} and restarting it at offset {}", topicPartition, newOffset);
            List<LogSegment> all = segments.all();
            for (LogSegment segment : all) {
                segments.remove(segment);
            }
            deleteSegmentsAsync(all);
            LogSegment fresh = LogSegment.create(dir, newOffset, "", config, rollJitterMs(config), time);
            segments.add(fresh);
            logEndOffsetMetadata = new LogOffsetMetadata(newOffset, newOffset, 0);
            logStartOffset = newOffset;
            highWatermark = newOffset;
            recoveryPoint = newOffset;
            epochCache.clear();
            producerState.truncateAndReload(newOffset, newOffset);
        } catch (IOException e) {
            throw storageFailure("Full truncation to " + newOffset, e);
        } catch (UncheckedIOException e) {
            throw storageFailure("Full truncation to " + newOffset, e.getCause());
        } finally {
            lock.unlock();
        }
    }

    /** Reloads the producer state for [log start, log end) from the latest snapshot and replays after it. */
    private void rebuildProducerState() throws IOException {
        long leo = logEndOffset();
        producerState.truncateAndReload(logStartOffset, leo);
        long from = producerState.mapEndOffset();
        if (from >= leo) {
            return;
        }
        int replayed = 0;
        for (LogSegment segment : segments.all()) {
            Optional<LogSegment> next = segments.higher(segment.baseOffset());
            if (next.isPresent() && next.get().baseOffset() <= from) {
                continue;
            }
            long position = segment.baseOffset() >= from ? 0
                : segment.translateOffset(from, segment.sizeInBytes()).map(FileBatchScanner.BatchHeader::position)
                    .orElse((long) segment.sizeInBytes());
            FileBatchScanner scanner = segment.scanner(position, 64 * 1024);
            FileBatchScanner.BatchHeader header;
            while ((header = scanner.nextHeader()) != null) {
                if (header.lastOffset() < from || header.baseOffset() >= leo || !header.hasProducerId()) {
                    continue;
                }
                long after = scanner.position();
                scanner.seek(header.position());
                RecordBatch batch = scanner.nextBatch();
                producerState.update(batch, logAppendTimeOf(batch));
                scanner.seek(after);
                replayed++;
            }
        }
        log.debug("Rebuilt the producer state of {} from offset {}: replayed {} batches", topicPartition, from, replayed);
    }

    private static long logAppendTimeOf(RecordBatch batch) {
        return batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP;
    }

    // ------------------------------------------------------------------------------------------- retention

    /**
     * Deletes whole segments from the head: those entirely below the log start offset, then (with
     * {@code cleanup.policy} containing {@code delete}) those older than {@code retention.ms} (by their largest
     * timestamp) and those that put the log over {@code retention.bytes}. Only segments entirely below the high
     * watermark go; if every segment qualifies, a new empty active segment is rolled first. The log start offset
     * moves to the first remaining segment.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        LogConfig cfg = config;
        long nowMs = time.milliseconds();
        int deleted = deleteFromHead((segment, next) -> next.isPresent() && next.get().baseOffset() <= logStartOffset,
            "below the log start offset");
        if (!cfg.delete()) {
            return deleted;
        }
        if (cfg.retentionMs() >= 0) {
            deleted += deleteFromHead(
                (segment, next) -> nowMs - segment.largestTimestampForRetention() > cfg.retentionMs(),
                "older than retention.ms " + cfg.retentionMs());
        }
        if (cfg.retentionBytes() >= 0) {
            long[] excess = {sizeInBytes() - cfg.retentionBytes()};
            deleted += deleteFromHead((segment, next) -> {
                if (excess[0] - segment.sizeInBytes() >= 0) {
                    excess[0] -= segment.sizeInBytes();
                    return true;
                }
                return false;
            }, "over retention.bytes " + cfg.retentionBytes());
        }
        return deleted;
    }

    private int deleteFromHead(SegmentPredicate predicate, String reason) {
        lock.lock();
        try {
            checkUsable();
            List<LogSegment> all = segments.all();
            List<LogSegment> deletable = new ArrayList<>();
            long leo = logEndOffset();
            long hw = highWatermark;
            for (int i = 0; i < all.size(); i++) {
                LogSegment segment = all.get(i);
                Optional<LogSegment> next = i + 1 < all.size() ? Optional.of(all.get(i + 1)) : Optional.empty();
                long upperBound = next.map(LogSegment::baseOffset).orElse(leo);
                if (upperBound > hw || next.isEmpty() && segment.isEmpty() || !predicate.test(segment, next)) {
                    break;
                }
                deletable.add(segment);
            }
            if (deletable.isEmpty()) {
                return 0;
            }
            if (deletable.get(deletable.size() - 1) == segments.active()) {
                roll(leo);
            }
            for (LogSegment segment : deletable) {
                segments.remove(segment);
            }
            deleteSegmentsAsync(deletable);
            long firstBase = segments.first().baseOffset();
            if (firstBase > logStartOffset) {
                logStartOffset = Math.min(firstBase, logEndOffset());
                epochCache.truncateFromStart(logStartOffset);
            }
            highWatermark = Math.max(highWatermark, logStartOffset);
            producerState.deleteSnapshotsBelow(firstBase);
            log.info("Deleted {} segments of {} ({}); log start offset is now {}", deletable.size(), topicPartition,
                reason, logStartOffset);
            return deletable.size();
        } catch (IOException e) {
            throw storageFailure("Retention", e);
        } catch (UncheckedIOException e) {
            throw storageFailure("Retention", e.getCause());
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords: raises the log start offset (never above the high watermark) and deletes the segments that
     * now lie wholly below it.
     *
     * @return false if the log start offset was already at or above {@code newLogStartOffset}
     * @throws ApiException OFFSET_OUT_OF_RANGE if {@code newLogStartOffset} is above the high watermark
     */
    public boolean maybeIncrementLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            checkUsable();
            if (newLogStartOffset > highWatermark) {
                throw new ApiException(Errors.OFFSET_OUT_OF_RANGE, "Cannot move the log start offset of "
                    + topicPartition + " to " + newLogStartOffset + ", above the high watermark " + highWatermark);
            }
            if (newLogStartOffset <= logStartOffset) {
                return false;
            }
            logStartOffset = newLogStartOffset;
            epochCache.truncateFromStart(newLogStartOffset);
            log.info("Log start offset of {} moved to {}", topicPartition, newLogStartOffset);
        } catch (UncheckedIOException e) {
            throw storageFailure("Moving the log start offset", e.getCause());
        } finally {
            lock.unlock();
        }
        deleteFromHead((segment, next) -> next.isPresent() && next.get().baseOffset() <= logStartOffset,
            "below the log start offset");
        return true;
    }

    /** Forgets idempotent producers idle for producer.id.expiration.ms. */
    public void removeExpiredProducers(long nowMs) {
        lock.lock();
        try {
            if (!closed && !offline) {
                producerState.removeExpiredProducers(nowMs);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Renames the segments' files to {@code .deleted} and schedules their deletion. Under the lock. */
    private void deleteSegmentsAsync(List<LogSegment> toDelete) throws IOException {
        if (toDelete.isEmpty()) {
            return;
        }
        for (LogSegment segment : toDelete) {
            segment.changeSuffix(LogFileNames.DELETED_SUFFIX);
        }
        List<LogSegment> copy = List.copyOf(toDelete);
        scheduler.schedule("delete-segments-" + topicPartition, config.fileDeleteDelayMs(), () -> {
            for (LogSegment segment : copy) {
                try {
                    segment.deleteFiles();
                } catch (IOException e) {
                    log.warn("Could not delete {}: {}", segment.logFile(), e.toString());
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------- flush

    /** Forces everything appended so far to disk and moves the recovery point to the log end offset. */
    public void flush() {
        flushUpTo(logEndOffset());
    }

    /** Forces the segments holding offsets below {@code offset} to disk and moves the recovery point there. */
    void flushUpTo(long offset) {
        long rp = recoveryPoint;
        long generation = truncations;
        if (offset > rp && !closed && !offline) {
            for (LogSegment segment : segments.all()) {
                if (segment.baseOffset() >= offset) {
                    break;
                }
                Optional<LogSegment> next = segments.higher(segment.baseOffset());
                if (next.isPresent() && next.get().baseOffset() <= rp) {
                    continue;
                }
                try {
                    segment.flush();
                } catch (ClosedChannelException e) {
                    if (segments.contains(segment)) {
                        throw storageFailure("Flush", e);
                    }
                } catch (IOException e) {
                    throw storageFailure("Flush", e);
                }
            }
            if (directoryDirty) {
                // Flushed segment data is only reachable after a crash if the segment files' entries are durable.
                directoryDirty = false;
                try {
                    CheckpointFile.fsyncDirectory(dir);
                } catch (IOException e) {
                    directoryDirty = true;
                    throw storageFailure("Flush", e);
                }
            }
        }
        lock.lock();
        try {
            if (generation == truncations && offset > recoveryPoint) {
                recoveryPoint = Math.min(offset, logEndOffset());
            }
            lastFlushMs = time.milliseconds();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------- cleaner

    long truncations() {
        return truncations;
    }

    List<LogSegment> segmentList() {
        return segments.all();
    }

    /** A new, empty {@code <base>.log.cleaned} segment for the cleaner to fill. */
    LogSegment createCleanedSegment(long baseOffset) throws IOException {
        return LogSegment.create(dir, baseOffset, LogFileNames.CLEANED_SUFFIX, config, 0, time);
    }

    /**
     * Replaces {@code old} (consecutive non-active segments, the first based where {@code cleaned} is) by
     * {@code cleaned}, atomically for readers and crash-safely on disk: {@code .cleaned} becomes {@code .swap}
     * (the commit point: a restart completes the swap from here), the old files become {@code .deleted} and
     * are deleted later, the swap files take the live names, and the segment map changes.
     *
     * @return false (nothing changed) if the log was truncated since {@code expectedTruncations}, or any of
     *         {@code old} is no longer in the log, or one is the active segment
     */
    boolean replaceSegments(LogSegment cleaned, List<LogSegment> old, long expectedTruncations) {
        lock.lock();
        try {
            if (closed || offline || truncations != expectedTruncations || old.isEmpty()
                    || old.get(0).baseOffset() != cleaned.baseOffset()) {
                return false;
            }
            LogSegment active = segments.active();
            for (LogSegment segment : old) {
                if (!segments.contains(segment) || segment == active) {
                    return false;
                }
            }
            cleaned.changeSuffix(LogFileNames.SWAP_SUFFIX);
            for (LogSegment segment : old) {
                segment.changeSuffix(LogFileNames.DELETED_SUFFIX);
            }
            cleaned.changeSuffix("");
            segments.add(cleaned);
            for (LogSegment segment : old) {
                if (segment != old.get(0)) {
                    segments.remove(segment);
                }
            }
            deleteSegmentsAsync(old);
            return true;
        } catch (IOException e) {
            throw storageFailure("Replacing cleaned segments", e);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------- lifecycle

    /**
     * Clean close: flushes, snapshots the producer state at the log end offset, trims the active segment's
     * indexes and closes every file. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (!offline) {
                try {
                    flush();
                    producerState.takeSnapshot(logEndOffset());
                } catch (RuntimeException e) {
                    log.error("Clean close of {} failed; it will be recovered at the next start", topicPartition, e);
                }
            }
            closed = true;
            segments.all().forEach(LogSegment::close);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files without flushing (the log is being deleted). Idempotent. */
    void closeForDeletion() {
        lock.lock();
        try {
            closed = true;
            segments.all().forEach(LogSegment::close);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the log offline after an I/O failure (or its directory's), without touching the files. */
    void markOffline() {
        offline = true;
    }

    private void checkUsable() {
        if (closed) {
            throw new LogStorageException("The log of " + topicPartition + " is closed");
        }
        if (offline) {
            throw new LogStorageException("The log of " + topicPartition + " is offline (its log directory failed)");
        }
    }

    private LogStorageException storageFailure(String what, IOException cause) {
        if (!offline) {
            offline = true;
            log.error("{} failed for {} in {}; taking the log offline", what, topicPartition, dir, cause);
            failureHandler.onFailure(dir.getParent(), cause);
        }
        return new LogStorageException(what + " failed for " + topicPartition + ": " + cause, cause);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", offsets [" + logStartOffset + ", " + logEndOffset() + "), hw "
            + highWatermark + ", " + segments.size() + " segments)";
    }
}

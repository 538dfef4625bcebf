package io.sluice.core.producerstate;

import io.sluice.common.ApiException;
import io.sluice.common.Time;
import io.sluice.record.RecordBatch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The idempotent-producer state of one partition: for every producer id that appended to it, the epoch and the
 * last {@value ProducerState#MAX_CACHED_BATCHES} batches (sequence and offset ranges, log append time). The
 * leader {@link #check checks} an incoming batch against it (rules in {@link SequenceValidator}), and every
 * appended batch, on a leader, a follower or during recovery, is {@link #update applied} to it without checks.
 *
 * <h2>State and offsets</h2>
 * The state reflects every batch below {@link #mapEndOffset()}. After a restart or a truncation the log calls
 * {@link #truncateAndReload}, which loads the newest usable snapshot at or below the log end offset (or starts
 * empty at the log start offset) and then replays the log's batches from {@code mapEndOffset()}. A batch wholly
 * below {@code mapEndOffset()} is already reflected and {@link #update} skips it, so an overlapping replay is
 * harmless.
 *
 * <h2>Snapshots</h2>
 * {@code <20-digit offset>.snapshot} files in the partition directory, each the complete state as of its offset;
 * written atomically (temp file, fsync, rename, directory fsync) by {@link #takeSnapshot} at segment roll and
 * clean shutdown. The format (versioned, magic, CRC-32C over the content) is documented in {@link SnapshotCodec}.
 * A snapshot that fails any check is logged at WARN, deleted, and the next older one is tried; with none left
 * the state starts empty and the caller replays from the log start offset. Producer state is never more than a
 * cache of the log: losing a snapshot costs replay time, not correctness.
 *
 * <h2>Expiration</h2>
 * A producer whose last update is {@code producerIdExpirationMs} or more ago (broker wall-clock time, read from
 * {@link Time} at {@link #update}, and kept in snapshots) is dropped by {@link #removeExpiredProducers}; its next
 * batch is then treated as coming from an unknown producer and accepted with any sequence.
 *
 * <h2>Thread-safety</h2>
 * Not thread-safe. The owning log calls every method under its append lock; that lock is needed anyway, since a
 * {@link #check} and the {@link #update} of the same batch must not interleave with another append. The values
 * returned ({@link SequenceCheck}, {@link ProducerState}, the map of {@link #producers()}) are immutable.
 *
 * <h2>Errors</h2>
 * {@link #check} throws {@link ApiException}s (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH). File
 * operations throw {@link java.io.UncheckedIOException} naming the file; corruption is not an error (see above).
 */
public final class ProducerStateManager {
    private static final Logger log = LogManager.getLogger(ProducerStateManager.class);

    private final Path partitionDir;
    private final long producerIdExpirationMs;
    private final Time time;
    private final SnapshotDirectory snapshots;
    private final Map<Long, ProducerState> producers = new HashMap<>();
    private long mapEndOffset;

    /** Validates only; no file is touched until {@link #truncateAndReload} or a snapshot method is called. */
    public ProducerStateManager(Path partitionDir, long producerIdExpirationMs, Time time) {
        this.partitionDir = Objects.requireNonNull(partitionDir, "partitionDir");
        if (producerIdExpirationMs <= 0) {
            throw new IllegalArgumentException("producer.id.expiration.ms must be positive, got "
                + producerIdExpirationMs);
        }
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.time = Objects.requireNonNull(time, "time");
        this.snapshots = new SnapshotDirectory(partitionDir);
    }

    /**
     * Checks an incoming leader batch that has a producer id ({@code batch.hasProducerId()}); never mutates. A
     * batch without a producer id is accepted. The batch's offsets are not read: they may still be the client's.
     *
     * @return {@link SequenceCheck.Accept} to append it, or {@link SequenceCheck.Duplicate} with the original
     *         offsets and log append time of the identical batch already in the log
     * @throws ApiException OUT_OF_ORDER_SEQUENCE_NUMBER for a sequence gap, or for a higher epoch whose first
     *                      sequence is not 0; INVALID_PRODUCER_EPOCH for an epoch below the stored one;
     *                      INVALID_RECORD for a data batch with a producer id but no sequence
     */
    public SequenceCheck check(RecordBatch batch) {
        Optional<ProducerState> stored = batch.hasProducerId()
            ? Optional.ofNullable(producers.get(batch.producerId()))
            : Optional.empty();
        return SequenceValidator.check(stored, batch);
    }

    /**
     * Applies an appended batch (leader, follower or recovery replay), with its assigned offsets, without any
     * check: a different epoch replaces the producer's cached batches, the batch joins the cache (the oldest of
     * more than {@value ProducerState#MAX_CACHED_BATCHES} drops out), and the producer's last update time becomes
     * now. Batches without a producer id change no producer but advance {@link #mapEndOffset()}, as does every
     * batch; a batch whose last offset is below {@code mapEndOffset()} was applied already and is skipped. Control
     * batches (transaction markers), and any batch without a sequence, only move the epoch and the update time.
     *
     * @param logAppendTime the time to answer duplicates of this batch with (the LogAppendTime written into the
     *                      batch, or -1 / the broker's append time for CreateTime topics: the caller decides)
     */
    public void update(RecordBatch batch, long logAppendTime) {
        if (batch.lastOffset() < mapEndOffset) {
            log.debug("Producer state of {} already covers offsets below {}; skipping batch {}..{}", partitionDir,
                mapEndOffset, batch.baseOffset(), batch.lastOffset());
            return;
        }
        mapEndOffset = batch.nextOffset();
        if (!batch.hasProducerId()) {
            return;
        }
        long producerId = batch.producerId();
        short epoch = batch.producerEpoch();
        long nowMs = time.milliseconds();
        ProducerState current = producers.get(producerId);
        if (current == null) {
            current = ProducerState.empty(producerId, epoch, nowMs);
        }
        ProducerState next;
        if (batch.isControlBatch() || batch.baseSequence() < 0) {
            next = current.withEpoch(epoch, nowMs);
        } else {
            BatchMetadata metadata = new BatchMetadata(batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), logAppendTime);
            next = current.withAppended(epoch, metadata, nowMs);
        }
        producers.put(producerId, next);
        log.trace("Producer state of {}: {}", partitionDir, next);
    }

    /**
     * Rebuilds the state after a truncation or at load: deletes leftover temp files and the snapshots above
     * {@code logEndOffset} or below {@code logStartOffset}, then loads the newest usable remaining snapshot
     * (skipping and deleting corrupt ones). With none, the state is empty and {@link #mapEndOffset()} is
     * {@code logStartOffset}. The caller then replays the log's batches from {@code mapEndOffset()}.
     */
    public void truncateAndReload(long logStartOffset, long logEndOffset) {
        if (logStartOffset < 0 || logEndOffset < logStartOffset) {
            throw new IllegalArgumentException("Invalid offsets for " + partitionDir + ": log start offset "
                + logStartOffset + ", log end offset " + logEndOffset);
        }
        snapshots.deleteTempFiles();
        TreeSet<Long> offsets = snapshots.offsets();
        snapshots.deleteAll(offsets.tailSet(logEndOffset, false));
        snapshots.deleteAll(offsets.headSet(logStartOffset, false));
        producers.clear();
        mapEndOffset = logStartOffset;
        for (long offset : offsets.subSet(logStartOffset, true, logEndOffset, true).descendingSet()) {
            try {
                SnapshotCodec.Snapshot snapshot = SnapshotCodec.decode(snapshots.read(offset), offset);
                snapshot.producers().forEach(p -> producers.put(p.producerId(), p));
                mapEndOffset = offset;
                log.info("Loaded producer state of {} producers from {}", producers.size(), snapshots.path(offset));
                return;
            } catch (CorruptSnapshotException e) {
                log.warn("Ignoring and deleting producer state snapshot in {}: {}; falling back to an older "
                    + "snapshot or to replaying the log", partitionDir, e.getMessage());
                snapshots.delete(offset);
            }
        }
        log.info("No producer state snapshot in {} at or below offset {}; rebuilding from offset {}", partitionDir,
            logEndOffset, logStartOffset);
    }

    /** The offset up to which the state is built: every batch below it has been applied. */
    public long mapEndOffset() {
        return mapEndOffset;
    }

    /**
     * Writes the current state as {@code <offset>.snapshot}, atomically, replacing a snapshot at the same offset.
     * Every batch below {@code offset} must have been given to {@link #update} (the log calls this at a segment
     * roll with the new segment's base offset, and at clean shutdown with the log end offset); afterwards
     * {@link #mapEndOffset()} is {@code offset}, exactly what reloading this snapshot would give.
     *
     * @throws IllegalArgumentException if {@code offset} is below {@link #mapEndOffset()}: the state already holds
     *                                  batches at or after it, so the file would lie about its offset
     * @throws java.io.UncheckedIOException if the write fails
     */
    public void takeSnapshot(long offset) {
        if (offset < mapEndOffset) {
            throw new IllegalArgumentException("Cannot snapshot the producer state of " + partitionDir
                + " at offset " + offset + ": it already includes batches up to offset " + (mapEndOffset - 1));
        }
        snapshots.write(offset, SnapshotCodec.encode(offset, producers.values()));
        mapEndOffset = offset;
        log.debug("Wrote producer state snapshot of {} producers to {}", producers.size(), snapshots.path(offset));
    }

    /** The offset of the newest snapshot file in the directory, if any. */
    public OptionalLong latestSnapshotOffset() {
        TreeSet<Long> offsets = snapshots.offsets();
        return offsets.isEmpty() ? OptionalLong.empty() : OptionalLong.of(offsets.last());
    }

    /** Deletes the snapshot files below {@code offset} (after the log start offset advanced past them). */
    public void deleteSnapshotsBelow(long offset) {
        snapshots.deleteAll(snapshots.offsets().headSet(offset, false));
    }

    /** Drops the producers whose last update is {@code producer.id.expiration.ms} or more before {@code nowMs}. */
    public void removeExpiredProducers(long nowMs) {
        int before = producers.size();
        Iterator<ProducerState> it = producers.values().iterator();
        while (it.hasNext()) {
            ProducerState producer = it.next();
            if (nowMs - producer.lastUpdateMs() >= producerIdExpirationMs) {
                log.debug("Expiring producer id {} epoch {} of {}: last update at {}", producer.producerId(),
                    producer.producerEpoch(), partitionDir, producer.lastUpdateMs());
                it.remove();
            }
        }
        if (producers.size() != before) {
            log.debug("Expired {} producers of {}", before - producers.size(), partitionDir);
        }
    }

    /** The state of one producer id, if known. */
    public Optional<ProducerState> producer(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** An immutable copy of the state of every known producer, by producer id. */
    public Map<Long, ProducerState> producers() {
        return Map.copyOf(producers);
    }

    @Override
    public String toString() {
        return "ProducerStateManager(" + partitionDir + ", " + producers.size() + " producers, mapEndOffset "
            + mapEndOffset + ")";
    }
}

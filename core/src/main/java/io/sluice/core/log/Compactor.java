package io.sluice.core.log;

import io.sluice.common.Time;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordIterator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One compaction pass over one log ({@code cleanup.policy} containing {@code compact}):
 * <ol>
 *   <li><b>Map.</b> Over the dirty range {@code [firstDirtyOffset, firstUncleanableOffset)}, whole segments only,
 *       record each key's latest offset in a {@link KeyOffsetMap}. If the map fills up, the range ends after the
 *       last segment that was mapped completely (the partly mapped segment's keys stay in the map; they are
 *       newer than anything rewritten, so using them is still correct).</li>
 *   <li><b>Rewrite.</b> Every segment from the start of the log to the end of the mapped range is rewritten,
 *       consecutive segments grouped while the group fits in one segment ({@code segment.bytes},
 *       {@code segment.index.bytes}, 2^31 - 1 offsets). A record is kept if it has a key and no later record
 *       with that key exists in the map. A tombstone (null value) is kept until its batch's delete horizon has
 *       passed; a batch that keeps a tombstone and has no horizon yet gets one: now + {@code delete.retention.ms}
 *       (KIP-534: attribute bit 6 plus baseTimestamp). Batches keep their offsets and producer fields
 *       ({@link BatchRewriter}); unchanged batches are copied byte for byte; control batches are kept as they
 *       are. A batch left with no records is dropped, unless it is its producer's last batch in the mapped
 *       range, or a group would otherwise be empty (its last batch is then kept as an empty batch, so the group's
 *       offset range stays visible to a restart that completes the swap).</li>
 *   <li><b>Swap.</b> Each group is written to {@code <base>.log.cleaned}, flushed, and swapped in by
 *       {@link PartitionLog#replaceSegments}, which refuses if the log was truncated meanwhile or a segment left
 *       it; the pass then stops and its output is deleted.</li>
 * </ol>
 * The active segment, data at or above the high watermark, and segments younger than
 * {@code min.compaction.lag.ms} are never in the range (the caller computes the range).
 *
 * <p>Not thread-safe: owned by the cleaner thread, which owns the {@link KeyOffsetMap}. It reads segments without
 * the log's lock: non-active segments are immutable until they leave the log, and they stay open for
 * {@code file.delete.delay.ms} after that.
 */
final class Compactor {
    private static final Logger log = LogManager.getLogger(Compactor.class);
    private static final int WRITE_BUFFER_BYTES = 1024 * 1024;

    /** The outcome of a pass. */
    record Result(long mappedEndOffset, long bytesRead, long bytesWritten, long earliestDeleteHorizonMs,
                  boolean swapped) {
    }

    private final KeyOffsetMap map;
    private final Time time;
    /** Test hook: runs after each group is written and before it is swapped in. */
    private volatile Runnable beforeSwap = () -> { };

    Compactor(KeyOffsetMap map, Time time) {
        this.map = map;
        this.time = time;
    }

    void beforeSwapHook(Runnable hook) {
        this.beforeSwap = hook;
    }

    /**
     * Cleans {@code log} with the dirty range starting at {@code firstDirtyOffset} and ending at or before
     * {@code firstUncleanableOffset}.
     *
     * @return empty if nothing could be mapped or the log changed underneath (nothing swapped after that point)
     */
    Optional<Result> clean(PartitionLog partitionLog, long firstDirtyOffset, long firstUncleanableOffset)
            throws IOException {
        List<LogSegment> before = partitionLog.segmentList();
        try {
            return cleanSegments(partitionLog, firstDirtyOffset, firstUncleanableOffset);
        } catch (ClosedChannelException e) {
            // Retention, truncation or deletion took a segment away (and closed it) while it was being read.
            for (LogSegment segment : before) {
                if (!partitionLog.segmentList().contains(segment)) {
                    log.info("A segment of {} left the log while it was being cleaned; abandoning the pass",
                        partitionLog.topicPartition());
                    return Optional.empty();
                }
            }
            throw e;
        }
    }

    private Optional<Result> cleanSegments(PartitionLog partitionLog, long firstDirtyOffset,
                                           long firstUncleanableOffset) throws IOException {
        long truncations = partitionLog.truncations();
        LogConfig config = partitionLog.config();
        long nowMs = time.milliseconds();
        List<LogSegment> segments = partitionLog.segmentList();
        LogSegment active = segments.get(segments.size() - 1);
        map.clear();
        Map<Long, Long> producerLastOffsets = new HashMap<>();
        long mappedEnd = firstDirtyOffset;
        long bytesRead = 0;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            long upper = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : Long.MAX_VALUE;
            if (segment == active || upper > firstUncleanableOffset) {
                break;
            }
            if (upper <= firstDirtyOffset) {
                continue;
            }
            if (!mapSegment(segment, producerLastOffsets)) {
                log.info("Offset map of the cleaner is full ({} keys); cleaning {} up to offset {}", map.size(),
                    partitionLog.topicPartition(), mappedEnd);
                break;
            }
            bytesRead += segment.sizeInBytes();
            mappedEnd = upper;
        }
        long deleteHorizonMs = nowMs + config.deleteRetentionMs();
        List<List<LogSegment>> groups = group(segments, active, mappedEnd, config);
        long written = 0;
        long earliestHorizon = Long.MAX_VALUE;
        boolean swapped = false;
        for (List<LogSegment> group : groups) {
            LogSegment cleaned = partitionLog.createCleanedSegment(group.get(0).baseOffset());
            long[] horizon = {Long.MAX_VALUE};
            try {
                if (!cleanInto(cleaned, group, producerLastOffsets, nowMs, deleteHorizonMs, horizon)) {
                    cleaned.deleteFiles();
                    continue;
                }
                cleaned.onBecomeInactive(); // first: it cuts the file to its logical size, which the flush makes durable
                cleaned.flush();
                beforeSwap.run();
            } catch (IOException | RuntimeException e) {
                cleaned.deleteFiles();
                throw e;
            }
            for (LogSegment old : group) {
                bytesRead += old.sizeInBytes();
            }
            if (!partitionLog.replaceSegments(cleaned, group, truncations)) {
                log.info("Log {} changed while it was being cleaned; abandoning the pass", partitionLog.topicPartition());
                cleaned.deleteFiles();
                return Optional.empty();
            }
            swapped = true;
            written += cleaned.sizeInBytes();
            earliestHorizon = Math.min(earliestHorizon, horizon[0]);
        }
        return Optional.of(new Result(mappedEnd, bytesRead, written,
            earliestHorizon == Long.MAX_VALUE ? -1 : earliestHorizon, swapped));
    }

    /** @return false if the map filled up before the segment's end */
    private boolean mapSegment(LogSegment segment, Map<Long, Long> producerLastOffsets) throws IOException {
        FileBatchScanner scanner = segment.scanner(0, 256 * 1024);
        RecordBatch batch;
        while ((batch = scanner.nextBatch()) != null) {
            if (batch.hasProducerId()) {
                producerLastOffsets.put(batch.producerId(), batch.lastOffset());
            }
            if (batch.isControlBatch()) {
                continue;
            }
            try (RecordIterator records = batch.recordIterator()) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.hasKey() && !map.put(record.key(), record.offset())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Groups the segments below {@code end} (never the active one) into runs that fit in one segment. */
    private static List<List<LogSegment>> group(List<LogSegment> segments, LogSegment active, long end,
                                                LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long bytes = 0;
        long indexBytes = 0;
        long timeIndexBytes = 0;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            long upper = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : Long.MAX_VALUE;
            if (segment == active || upper > end) {
                break;
            }
            boolean fits = !current.isEmpty()
                && bytes + segment.sizeInBytes() <= config.segmentBytes()
                && indexBytes + segment.offsetIndex().sizeInBytes() <= config.segmentIndexBytes()
                && timeIndexBytes + segment.timeIndex().sizeInBytes() <= config.segmentIndexBytes()
                && segment.nextOffset() - 1 - current.get(0).baseOffset() <= Integer.MAX_VALUE;
            if (!fits && !current.isEmpty()) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
                indexBytes = 0;
                timeIndexBytes = 0;
            }
            current.add(segment);
            bytes += segment.sizeInBytes();
            indexBytes += segment.offsetIndex().sizeInBytes();
            timeIndexBytes += segment.timeIndex().sizeInBytes();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /**
     * Writes the retained part of {@code group} into {@code cleaned}.
     *
     * @param horizon out: the earliest delete horizon of a written batch that still holds a tombstone
     * @return false if the group holds no batch at all (nothing to swap)
     */
    private boolean cleanInto(LogSegment cleaned, List<LogSegment> group, Map<Long, Long> producerLastOffsets,
                              long nowMs, long newHorizonMs, long[] horizon) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
        ByteBuffer lastSeen = null;
        boolean wroteAny = false;
        for (LogSegment segment : group) {
            FileBatchScanner scanner = segment.scanner(0, 256 * 1024);
            RecordBatch batch;
            while ((batch = scanner.nextBatch()) != null) {
                ByteBuffer kept = retained(batch, producerLastOffsets, nowMs, newHorizonMs, horizon);
                if (kept == null) {
                    lastSeen = BatchRewriter.rewrite(batch, List.of(), batch.deleteHorizonMs().orElse(-1));
                    continue;
                }
                lastSeen = null;
                out = write(cleaned, out, kept);
                wroteAny = true;
            }
        }
        if (!wroteAny) {
            if (lastSeen == null) {
                return false;
            }
            out = write(cleaned, out, lastSeen);
        }
        out.flip();
        if (out.hasRemaining()) {
            cleaned.append(out);
        }
        return true;
    }

    private static ByteBuffer write(LogSegment cleaned, ByteBuffer out, ByteBuffer batch) throws IOException {
        if (out.remaining() < batch.remaining()) {
            out.flip();
            if (out.hasRemaining()) {
                cleaned.append(out);
            }
            out.clear();
            if (batch.remaining() > out.capacity()) {
                cleaned.append(batch);
                return out;
            }
        }
        out.put(batch.duplicate());
        return out;
    }

    /** The bytes to keep for {@code batch}, or null to drop it. */
    private ByteBuffer retained(RecordBatch batch, Map<Long, Long> producerLastOffsets, long nowMs, long newHorizonMs,
                                long[] horizon) {
        if (batch.isControlBatch()) {
            return copy(batch);
        }
        long existingHorizon = batch.deleteHorizonMs().orElse(-1);
        boolean horizonPassed = existingHorizon >= 0 && nowMs >= existingHorizon;
        List<Record> kept = new ArrayList<>();
        boolean keptTombstone = false;
        int total = 0;
        try (RecordIterator records = batch.recordIterator()) {
            while (records.hasNext()) {
                Record record = records.next();
                total++;
                if (!record.hasKey() || map.get(record.key()) > record.offset()) {
                    continue;
                }
                if (!record.hasValue()) {
                    if (horizonPassed) {
                        continue;
                    }
                    keptTombstone = true;
                }
                kept.add(record);
            }
        }
        long batchHorizon = keptTombstone && existingHorizon < 0 ? newHorizonMs : existingHorizon;
        if (keptTombstone) {
            horizon[0] = Math.min(horizon[0], batchHorizon);
        }
        if (kept.isEmpty()) {
            boolean producersLast = batch.hasProducerId()
                && producerLastOffsets.getOrDefault(batch.producerId(), -1L) == batch.lastOffset();
            return producersLast ? BatchRewriter.rewrite(batch, List.of(), -1) : null;
        }
        if (kept.size() == total && batchHorizon == existingHorizon) {
            return copy(batch);
        }
        return BatchRewriter.rewrite(batch, kept, keptTombstone ? batchHorizon : existingHorizon);
    }

    private static ByteBuffer copy(RecordBatch batch) {
        ByteBuffer bytes = ByteBuffer.allocate(batch.sizeInBytes());
        batch.writeTo(bytes);
        bytes.flip();
        return bytes;
    }
}

package io.sluice.core.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which leader epoch wrote which offsets of one partition: an ascending list of (epoch, start offset), where the
 * start offset is the first offset written in that epoch. Both columns strictly increase. Persisted in
 * {@code leader-epoch-checkpoint} in the partition directory ({@link CheckpointFile} layout, entry lines
 * {@code <epoch> <startOffset>}), rewritten atomically on every change; changes are rare (a new leader, a
 * truncation, the log start moving past an epoch).
 *
 * <p>It answers OffsetsForLeaderEpoch ({@link #endOffsetFor}) and tells a follower where its log diverges from
 * the leader's. It is rebuilt from the batches' partition leader epochs during recovery, and trimmed with the
 * log ({@link #truncateFromEnd}, {@link #truncateFromStart}).
 *
 * <p>Thread-safe: every method synchronizes on this object (writes also write the file under it).
 */
public final class LeaderEpochCache {
    private static final Logger log = LogManager.getLogger(LeaderEpochCache.class);
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;

    /** One epoch and the first offset written in it. */
    public record EpochEntry(int epoch, long startOffset) {
    }

    /** The answer to OffsetsForLeaderEpoch: (-1, -1) when unknown. */
    public record EpochEndOffset(int leaderEpoch, long endOffset) {
        public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
    }

    private static final CheckpointFile.EntryFormat<EpochEntry> FORMAT = new CheckpointFile.EntryFormat<>() {
        @Override
        public String toLine(EpochEntry entry) {
            return entry.epoch() + " " + entry.startOffset();
        }

        @Override
        public EpochEntry fromLine(String line) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 2) {
                return null;
            }
            try {
                return new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    private final CheckpointFile<EpochEntry> checkpoint;
    private final String name;
    /** Epoch → start offset. Guarded by this. */
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();
    /**
     * The latest epoch {@link #assign} left in place or added, and its start offset, or -1 after any other change:
     * the leader's every append assigns the same epoch again, and this answers that without a map lookup.
     */
    private int assignedEpoch = -1;
    private long assignedStart;

    /**
     * Loads the checkpoint in {@code partitionDir} (a missing file is an empty cache; a malformed one is logged and
     * treated as empty, since recovery rebuilds it from the log).
     */
    public LeaderEpochCache(Path partitionDir) {
        this.checkpoint = new CheckpointFile<>(partitionDir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT), FORMAT);
        this.name = partitionDir.getFileName().toString();
        List<EpochEntry> loaded;
        try {
            loaded = checkpoint.read();
        } catch (IOException e) {
            log.warn("Ignoring the leader epoch checkpoint of {}: {}", name, e.getMessage());
            loaded = List.of();
        }
        for (EpochEntry entry : loaded) {
            if (entry.epoch() >= 0 && entry.startOffset() >= 0) {
                epochs.put(entry.epoch(), entry.startOffset());
            }
        }
        if (!isMonotonic()) {
            log.warn("Ignoring the leader epoch checkpoint of {}: entries are not increasing: {}", name, epochs);
            epochs.clear();
        }
    }

    private boolean isMonotonic() {
        long previous = -1;
        for (long start : epochs.values()) {
            if (start < previous) {
                return false;
            }
            previous = start;
        }
        return true;
    }

    /**
     * Records that {@code epoch} started writing at {@code startOffset}. Nothing changes if the epoch is already
     * known with a start at or below it (later batches of the same epoch), or if the epoch is negative (batches
     * from before epochs were stamped). Otherwise any entry with an epoch at or above {@code epoch}, or a start
     * at or above {@code startOffset}, is replaced (it can only be left over from a divergent history).
     */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            return;
        }
        if (epoch == assignedEpoch && assignedStart <= startOffset) {
            return;
        }
        Long known = epochs.get(epoch);
        if (known != null && known <= startOffset) {
            if (epoch == epochs.lastKey()) {
                assignedEpoch = epoch;
                assignedStart = known;
            }
            return;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() > epoch) {
            log.warn("Leader epoch cache of {}: epoch {} at offset {} is below the latest epoch {} (start {}); "
                + "removing the later entries", name, epoch, startOffset, latest.getKey(), latest.getValue());
        }
        epochs.entrySet().removeIf(e -> e.getKey() >= epoch || e.getValue() >= startOffset);
        epochs.put(epoch, startOffset);
        assignedEpoch = epoch;
        assignedStart = startOffset;
        flush();
    }

    /** Removes the entries whose start offset is at or above {@code endOffset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long endOffset) {
        assignedEpoch = -1;
        if (epochs.entrySet().removeIf(e -> e.getValue() >= endOffset)) {
            flush();
        }
    }

    /**
     * The log now starts at {@code startOffset}: drops the epochs that ended before it and moves the start of the
     * epoch that contains it up to it.
     */
    public synchronized void truncateFromStart(long startOffset) {
        assignedEpoch = -1;
        Integer epoch = null;
        long start = -1;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() > startOffset) {
                break;
            }
            epoch = e.getKey();
            start = e.getValue();
        }
        if (epoch == null || start == startOffset && epoch.equals(epochs.firstKey())) {
            return;
        }
        epochs.headMap(epoch, false).clear();
        epochs.put(epoch, startOffset);
        flush();
    }

    /** Forgets everything (the log was emptied). */
    public synchronized void clear() {
        assignedEpoch = -1;
        if (!epochs.isEmpty()) {
            epochs.clear();
            flush();
        }
    }

    /**
     * OffsetsForLeaderEpoch: where {@code requestedEpoch} ended, given the log end offset.
     * <ul>
     *   <li>requested is the latest epoch: (latest, log end offset);</li>
     *   <li>requested is below the first known epoch: (requested, start of the first known epoch);</li>
     *   <li>otherwise the largest known epoch at or below the requested one, and the start offset of the next
     *       larger known epoch;</li>
     *   <li>requested is -1, above every known epoch, or nothing is known: (-1, -1).</li>
     * </ul>
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        int latest = epochs.lastKey();
        if (requestedEpoch == latest) {
            return new EpochEndOffset(latest, logEndOffset);
        }
        if (requestedEpoch > latest) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        if (floor == null) {
            return new EpochEndOffset(requestedEpoch, epochs.firstEntry().getValue());
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        return new EpochEndOffset(floor.getKey(), higher.getValue());
    }

    /** The latest epoch, if any. */
    public synchronized Optional<Integer> latestEpoch() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.lastKey());
    }

    public synchronized Optional<EpochEntry> latestEntry() {
        Map.Entry<Integer, Long> e = epochs.lastEntry();
        return e == null ? Optional.empty() : Optional.of(new EpochEntry(e.getKey(), e.getValue()));
    }

    public synchronized Optional<EpochEntry> earliestEntry() {
        Map.Entry<Integer, Long> e = epochs.firstEntry();
        return e == null ? Optional.empty() : Optional.of(new EpochEntry(e.getKey(), e.getValue()));
    }

    /** The epoch that wrote {@code offset} (the last entry starting at or below it), if known. */
    public synchronized Optional<Integer> epochForOffset(long offset) {
        Integer found = null;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() <= offset) {
                found = e.getKey();
            } else {
                break;
            }
        }
        return Optional.ofNullable(found);
    }

    /** An immutable copy of the entries, ascending. */
    public synchronized List<EpochEntry> entries() {
        List<EpochEntry> list = new ArrayList<>(epochs.size());
        epochs.forEach((epoch, start) -> list.add(new EpochEntry(epoch, start)));
        return List.copyOf(list);
    }

    private void flush() {
        try {
            checkpoint.write(entries());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + checkpoint.path(), e);
        }
    }

    @Override
    public synchronized String toString() {
        return "LeaderEpochCache(" + name + ", " + epochs + ")";
    }
}

package io.sluice.core.log;

import io.sluice.common.Time;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Opens a partition directory: the steps run in this order, each relying on the previous.
 * <ol>
 *   <li><b>Leftovers.</b> {@code *.deleted} (an async delete the process did not live to finish),
 *       {@code *.cleaned} (a cleaner pass that never committed) and {@code *.tmp} files are deleted.</li>
 *   <li><b>Interrupted swaps.</b> A {@code <base>.log.swap} is a committed cleaner output: the regular segments
 *       whose base offsets fall in {@code [base, swap's next offset)} are deleted and the swap files take the
 *       regular names. Index {@code .swap} files without a log {@code .swap} are an uncommitted pass: deleted.</li>
 *   <li><b>Segments.</b> Every {@code <base>.log} is opened; index files that are missing, ragged, out of order
 *       or pointing outside the log are rebuilt from the batch headers ({@link LogSegment#loadIndexes}); orphan
 *       index files are deleted.</li>
 *   <li><b>Recovery.</b> Unless the directory was shut down cleanly, every segment from the one holding the
 *       recovery point on is revalidated batch by batch ({@link LogSegment#recover}: sizes, magic, CRC, offsets)
 *       and cut at the first bad byte; the segments after a cut are deleted. A segment whose tail looked torn at
 *       step 3 is recovered even after a clean shutdown. The leader epoch cache is fed the recovered batches'
 *       epochs.</li>
 *   <li><b>Offsets.</b> The log end offset is the end of the last batch; the log start offset is the
 *       checkpointed one, at least the first segment's base and at most the log end; the epoch cache is trimmed
 *       to both.</li>
 * </ol>
 * Producer state is rebuilt by the caller ({@link PartitionLog}) once the segments are in place. Runs on one
 * thread, before anyone else can see the log.
 */
final class LogLoader {
    private static final Logger log = LogManager.getLogger(LogLoader.class);

    /** A loaded log. The segments are ascending; the last is active (indexes preallocated), the others trimmed. */
    record Loaded(List<LogSegment> segments, long logStartOffset, long logEndOffset, long recoveryPoint) {
    }

    private LogLoader() {
    }

    static Loaded load(Path dir, LogConfig config, long recoveryPointCheckpoint, long logStartOffsetCheckpoint,
                       boolean hadCleanShutdown, LeaderEpochCache epochCache, Time time) throws IOException {
        Files.createDirectories(dir);
        deleteLeftovers(dir);
        completeSwaps(dir, config);
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        try {
            long firstTorn = openSegments(dir, config, segments);
            if (segments.isEmpty()) {
                long base = Math.max(0, logStartOffsetCheckpoint);
                segments.put(base, LogSegment.create(dir, base, "", config, 0, time));
            }
            long recoverFrom = hadCleanShutdown ? firstTorn : Math.min(firstTorn, Math.max(0, recoveryPointCheckpoint));
            boolean recovered = false;
            if (recoverFrom != Long.MAX_VALUE) {
                recover(dir, config, segments, recoverFrom, epochCache);
                recovered = true;
            }
            LogSegment active = segments.lastEntry().getValue();
            for (LogSegment segment : segments.values()) {
                if (segment == active) {
                    segment.resizeIndexes(config.segmentIndexBytes());
                } else {
                    segment.onBecomeInactive();
                }
            }
            long logEndOffset = active.isEmpty() ? active.baseOffset() : active.nextOffset();
            long logStartOffset = Math.min(logEndOffset,
                Math.max(logStartOffsetCheckpoint, segments.firstKey()));
            epochCache.truncateFromEnd(logEndOffset);
            epochCache.truncateFromStart(logStartOffset);
            if (recovered) {
                // What recovery read may have come from the page cache of a crashed process: make it durable
                // before the recovery point moves past it.
                for (LogSegment segment : segments.values()) {
                    if (segment.nextOffset() > recoverFrom || segment == active) {
                        segment.flush();
                    }
                }
            }
            long recoveryPoint = logEndOffset;
            return new Loaded(new ArrayList<>(segments.values()), logStartOffset, logEndOffset, recoveryPoint);
        } catch (IOException | RuntimeException e) {
            segments.values().forEach(LogSegment::close);
            throw e;
        }
    }

    private static void deleteLeftovers(Path dir) throws IOException {
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(LogFileNames.DELETED_SUFFIX) || name.endsWith(LogFileNames.CLEANED_SUFFIX)
                    || name.endsWith(LogFileNames.LEADER_EPOCH_CHECKPOINT + LogFileNames.TEMP_SUFFIX)) {
                log.debug("Deleting leftover file {}", file);
                Files.deleteIfExists(file);
            }
        }
    }

    private static void completeSwaps(Path dir, LogConfig config) throws IOException {
        TreeSet<Long> logSwaps = new TreeSet<>();
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            OptionalLong base = LogFileNames.baseOffsetOf(name, LogFileNames.LOG_SUFFIX, LogFileNames.SWAP_SUFFIX);
            if (base.isPresent()) {
                logSwaps.add(base.getAsLong());
            }
        }
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            for (String kind : List.of(LogFileNames.INDEX_SUFFIX, LogFileNames.TIME_INDEX_SUFFIX)) {
                OptionalLong base = LogFileNames.baseOffsetOf(name, kind, LogFileNames.SWAP_SUFFIX);
                if (base.isPresent() && !logSwaps.contains(base.getAsLong())) {
                    log.info("Deleting uncommitted cleaner output {}", file);
                    Files.deleteIfExists(file);
                }
            }
        }
        for (long base : logSwaps) {
            LogSegment swap = LogSegment.open(dir, base, LogFileNames.SWAP_SUFFIX, config, 0);
            long next;
            try {
                if (!swap.loadIndexes(config.segmentIndexBytes())) {
                    swap.recover(config.segmentIndexBytes(), batch -> { });
                }
                next = swap.isEmpty() ? base + 1 : swap.nextOffset();
                swap.onBecomeInactive();
            } finally {
                swap.close();
            }
            for (Path file : list(dir)) {
                OptionalLong old = LogFileNames.baseOffsetOf(file.getFileName().toString(), LogFileNames.LOG_SUFFIX, "");
                if (old.isPresent() && old.getAsLong() >= base && old.getAsLong() < next) {
                    log.info("Completing an interrupted cleaner swap in {}: replacing segment {}", dir, old.getAsLong());
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(LogFileNames.indexFile(dir, old.getAsLong(), ""));
                    Files.deleteIfExists(LogFileNames.timeIndexFile(dir, old.getAsLong(), ""));
                }
            }
            for (Path swapFile : List.of(LogFileNames.indexFile(dir, base, LogFileNames.SWAP_SUFFIX),
                    LogFileNames.timeIndexFile(dir, base, LogFileNames.SWAP_SUFFIX),
                    LogFileNames.logFile(dir, base, LogFileNames.SWAP_SUFFIX))) {
                if (Files.exists(swapFile)) {
                    String name = swapFile.getFileName().toString();
                    Files.move(swapFile, swapFile.resolveSibling(name.substring(0,
                        name.length() - LogFileNames.SWAP_SUFFIX.length())));
                }
            }
        }
    }

    /**
     * Opens every segment and loads its indexes. @return the base offset of the first segment whose tail is torn,
     * or Long.MAX_VALUE
     */
    private static long openSegments(Path dir, LogConfig config, TreeMap<Long, LogSegment> segments) throws IOException {
        TreeSet<Long> logBases = new TreeSet<>();
        List<Path> files = list(dir);
        for (Path file : files) {
            OptionalLong base = LogFileNames.baseOffsetOf(file.getFileName().toString(), LogFileNames.LOG_SUFFIX, "");
            base.ifPresent(logBases::add);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            for (String kind : List.of(LogFileNames.INDEX_SUFFIX, LogFileNames.TIME_INDEX_SUFFIX)) {
                OptionalLong base = LogFileNames.baseOffsetOf(name, kind, "");
                if (base.isPresent() && !logBases.contains(base.getAsLong())) {
                    log.info("Deleting orphan index file {}", file);
                    Files.deleteIfExists(file);
                }
            }
        }
        long firstTorn = Long.MAX_VALUE;
        for (long base : logBases) {
            LogSegment segment = LogSegment.open(dir, base, "", config, 0);
            segments.put(base, segment);
            if (!segment.loadIndexes(config.segmentIndexBytes()) && firstTorn == Long.MAX_VALUE) {
                log.warn("Segment {} has a torn or malformed tail; it will be recovered", segment.logFile());
                firstTorn = base;
            }
        }
        return firstTorn;
    }

    private static void recover(Path dir, LogConfig config, TreeMap<Long, LogSegment> segments, long recoverFrom,
                                LeaderEpochCache epochCache) throws IOException {
        Long start = segments.floorKey(recoverFrom);
        if (start == null) {
            start = segments.firstKey();
        }
        List<LogSegment> toRecover = new ArrayList<>(segments.tailMap(start, true).values());
        log.info("Recovering {} from offset {} ({} segments)", dir, start, toRecover.size());
        for (int i = 0; i < toRecover.size(); i++) {
            LogSegment segment = toRecover.get(i);
            int cut = segment.recover(config.segmentIndexBytes(),
                batch -> epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
            if (cut > 0 && i + 1 < toRecover.size()) {
                for (LogSegment later : toRecover.subList(i + 1, toRecover.size())) {
                    log.warn("Deleting segment {} after the corrupt tail of segment {}", later.logFile(),
                        segment.baseOffset());
                    segments.remove(later.baseOffset());
                    later.deleteFiles();
                }
                break;
            }
        }
    }

    static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }
}

package io.sluice.core.log;

import io.sluice.common.Time;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordFormatException;
import io.sluice.record.RecordIterator;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One segment of a partition log: the record batches from {@code baseOffset} on, in three files named by the
 * 20-digit base offset ({@link LogFileNames}):
 * <ul>
 *   <li>{@code .log}: the batches back to back, exactly as on the wire with their final offsets (layout in
 *       {@link RecordBatch}). Offsets increase from batch to batch, possibly with gaps (compaction), and every
 *       offset is within 2^31 - 1 of the base offset.</li>
 *   <li>{@code .index}: a sparse {@link OffsetIndex}; {@code .timeindex}: a sparse {@link TimeIndex}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One writer at a time ({@link #append}, {@link #truncateTo}, {@link #recover}, renames): the partition's append
 * lock, or the single thread that loads or cleans the segment. Readers ({@link #read}, lookups) take no lock:
 * {@link #append} writes the bytes, then the index entries, then publishes the new size through a volatile
 * field, and readers never look past the size they read; the owning log publishes its log end offset after
 * that, so a reader that saw an offset below the log end finds its bytes.
 *
 * <h2>Writes through a memory-mapped window</h2>
 * {@link #append} copies the batches into a shared {@link MappedByteBuffer} over the file region at the segment's
 * end (no system call per append). The bytes are then in the page cache, exactly as after a {@code write}: readers
 * of the channel ({@code pread}, {@code transferTo}) see them, and a crash of the broker process loses nothing.
 * Before a window is mapped, the file is extended to the window's end by writing zeros, so the file system allocates the blocks
 * then and a full disk fails that write with an {@link IOException} rather than a fault on a mapped page later.
 * A window is as large as the segment already is, from {@link #MIN_WINDOW_BYTES} up to {@link #WINDOW_BYTES}
 * (never beyond {@code segment.bytes} unless one append needs more): a busy partition maps rarely, and a quiet one
 * (most of {@code __consumer_offsets}) preallocates only a little.
 * Hence the file may be longer than the segment: {@link #sizeInBytes()} (the logical size) is what readers and
 * scans use, never the file length. When the segment stops taking appends ({@link #onBecomeInactive}, at roll,
 * close, cleaning) or is truncated, the window is dropped and the file cut to its logical size. After a crash the
 * file may still end with zeros past the last batch; load treats them like any torn tail (a batch length of 0 is
 * impossible) and {@link #recover} cuts them off. The writer is the only code that touches a window; windows are
 * never unmapped explicitly (the garbage collector unmaps them once unreachable), so no access can hit an
 * unmapped page. {@link #flush} forces the windows written since the last flush ({@code msync}) and then the
 * channel ({@code fsync}, which also makes the file length durable).
 *
 * <h2>Ownership</h2>
 * The segment owns its file channel and index mappings. {@link FileRecordsSlice}s handed to readers share the
 * channel; the log therefore closes a segment that left the log only after {@code file.delete.delay.ms}.
 */
public final class LogSegment implements Closeable {
    private static final Logger log = LogManager.getLogger(LogSegment.class);
    /** Largest timestamp so far and the last offset of the batch that first reached it. */
    private record MaxTimestamp(long timestamp, long offset) {
    }

    /** The most bytes a write window maps (and preallocates with zeros) at a time. */
    static final int WINDOW_BYTES = 8 * 1024 * 1024;
    /** The first window of a segment; later ones double with the segment's size up to {@link #WINDOW_BYTES}. */
    static final int MIN_WINDOW_BYTES = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1024 * 1024).asReadOnlyBuffer();

    private final Path dir;
    private final long baseOffset;
    /** segment.bytes: windows reach no further than this unless one append needs more. */
    private final int maxSegmentBytes;
    /** Writer only: the current write window over [windowStart, windowStart + capacity), or null. */
    private MappedByteBuffer window;
    private long windowStart;
    /** Writer only: the file length (at least the size; longer while zeros are preallocated past it). */
    private long fileLength;
    /** The window in use, for {@link #flush} from other threads. */
    private volatile MappedByteBuffer currentWindow;
    /** Windows the writer left since the last {@link #flush}; forced and dropped by it. */
    private final ConcurrentLinkedQueue<MappedByteBuffer> retiredWindows = new ConcurrentLinkedQueue<>();
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long rollJitterMs;
    private volatile String suffix;
    private volatile int size;
    private volatile long nextOffset;
    private volatile MaxTimestamp maxTimestamp;
    /** Largest timestamp of the first batch, or -1: what segment.ms measures the age of the segment from. */
    private volatile long firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long createdMs;
    /** Writer only. */
    private int bytesSinceLastIndexEntry;
    private final boolean indexFilesExisted;

    private LogSegment(Path dir, long baseOffset, String suffix, int indexIntervalBytes, int maxSegmentBytes,
                       long rollJitterMs, long createdMs, boolean fresh) throws IOException {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
        this.baseOffset = baseOffset;
        this.suffix = suffix;
        this.indexIntervalBytes = indexIntervalBytes;
        this.rollJitterMs = rollJitterMs;
        this.createdMs = createdMs;
        Path logFile = LogFileNames.logFile(dir, baseOffset, suffix);
        Path indexFile = LogFileNames.indexFile(dir, baseOffset, suffix);
        Path timeIndexFile = LogFileNames.timeIndexFile(dir, baseOffset, suffix);
        if (fresh) {
            Files.deleteIfExists(indexFile);
            Files.deleteIfExists(timeIndexFile);
        }
        this.indexFilesExisted = Files.exists(indexFile) && Files.exists(timeIndexFile);
        this.channel = fresh
            ? FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)
            : FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        OffsetIndex offsets = null;
        try {
            offsets = new OffsetIndex(indexFile, baseOffset);
            this.offsetIndex = offsets;
            this.timeIndex = new TimeIndex(timeIndexFile, baseOffset);
        } catch (IOException | RuntimeException e) {
            if (offsets != null) {
                offsets.closeHandle();
            }
            channel.close();
            throw e;
        }
        long length = channel.size();
        if (length > Integer.MAX_VALUE) {
            close();
            throw new IOException("Segment " + logFile + " is " + length + " bytes, more than 2^31 - 1");
        }
        this.size = (int) length;
        this.fileLength = length;
        this.nextOffset = baseOffset;
        this.maxTimestamp = new MaxTimestamp(RecordBatch.NO_TIMESTAMP, baseOffset);
    }

    /**
     * Creates an empty segment (replacing any files of that name) with indexes preallocated to
     * {@code maxIndexBytes}.
     */
    static LogSegment create(Path dir, long baseOffset, String suffix, LogConfig config, long rollJitterMs, Time time)
            throws IOException {
        LogSegment segment = new LogSegment(dir, baseOffset, suffix, config.indexIntervalBytes(), config.segmentBytes(),
            rollJitterMs, time.milliseconds(), true);
        segment.resizeIndexes(config.segmentIndexBytes());
        return segment;
    }

    /**
     * Opens an existing segment's files without validating the batches (see {@link #loadIndexes} and
     * {@link #recover}). Missing index files are created empty.
     */
    static LogSegment open(Path dir, long baseOffset, String suffix, LogConfig config, long rollJitterMs)
            throws IOException {
        Path logFile = LogFileNames.logFile(dir, baseOffset, suffix);
        long createdMs = Files.getLastModifiedTime(logFile).toMillis();
        return new LogSegment(dir, baseOffset, suffix, config.indexIntervalBytes(), config.segmentBytes(),
            rollJitterMs, createdMs, false);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of the log file that hold batches. */
    public int sizeInBytes() {
        return size;
    }

    /** The offset after the last batch, or the base offset if the segment is empty. */
    public long nextOffset() {
        return nextOffset;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    Path logFile() {
        return LogFileNames.logFile(dir, baseOffset, suffix);
    }

    String suffix() {
        return suffix;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    FileChannel channel() {
        return channel;
    }

    /** The largest record timestamp in the segment, or -1 if no batch has one. */
    public long maxTimestamp() {
        return maxTimestamp.timestamp();
    }

    /**
     * What retention measures age from: the largest timestamp, or the log file's modification time if the segment
     * holds no timestamps.
     */
    long largestTimestampForRetention() throws IOException {
        long max = maxTimestamp.timestamp();
        return max >= 0 ? max : Files.getLastModifiedTime(logFile()).toMillis();
    }

    /** The first batch's largest timestamp, or the creation time if it has none: the segment's age for segment.ms. */
    long rollingBasedTimestamp() {
        long first = firstBatchTimestamp;
        return first >= 0 ? first : createdMs;
    }

    /**
     * True if the segment holds data and has been open longer than {@code segmentMs} minus this segment's jitter.
     * As in Kafka, the age is measured in record time when both the first batch and the incoming one carry
     * timestamps (incoming largest timestamp minus the first batch's), so replaying old data does not roll at
     * every append; otherwise in broker time since the segment was created.
     */
    boolean shouldRollForAge(long nowMs, long incomingMaxTimestamp, long segmentMs) {
        if (size == 0) {
            return false;
        }
        long first = firstBatchTimestamp;
        long age = first >= 0 && incomingMaxTimestamp >= 0 ? incomingMaxTimestamp - first : nowMs - createdMs;
        return age > segmentMs - rollJitterMs;
    }

    boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.entries() >= timeIndex.maxEntries() - 1;
    }

    // ----------------------------------------------------------------------------------------------- writing

    /**
     * Appends whole batches, already validated and carrying their final offsets, which must be above every offset
     * in the segment and within 2^31 - 1 of the base offset. Adds index entries as {@code index.interval.bytes}
     * dictates. Writer only; the bytes of {@code batches} (position to limit) are copied, not retained.
     */
    void append(ByteBuffer batches) throws IOException {
        int start = size;
        int count = batches.remaining();
        if ((long) start + count > Integer.MAX_VALUE) {
            throw new IllegalStateException("Segment " + logFile() + " of " + start + " bytes cannot take " + count
                + " more");
        }
        write(start, batches);
        int base = batches.position();
        long lastOffset = nextOffset - 1;
        for (int p = 0; p < count; ) {
            int batchSize = RecordBatch.LOG_OVERHEAD + batches.getInt(base + p + 8);
            long batchLastOffset = batches.getLong(base + p) + batches.getInt(base + p + 23);
            long batchMaxTimestamp = batches.getLong(base + p + 35);
            indexBatch(start + p, batchSize, batchLastOffset, batchMaxTimestamp);
            lastOffset = batchLastOffset;
            p += batchSize;
        }
        size = start + count;
        nextOffset = lastOffset + 1;
    }

    /** Copies {@code bytes} (position to limit; the buffer itself is not changed) into the file at {@code at}. */
    private void write(long at, ByteBuffer bytes) throws IOException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException(); // the window would outlive it; readers could not see the bytes
        }
        int from = bytes.position();
        int remaining = bytes.remaining();
        long position = at;
        while (remaining > 0) {
            MappedByteBuffer w = window;
            if (w == null || position < windowStart || position >= windowStart + w.capacity()) {
                w = mapWindow(position, remaining);
            }
            int index = (int) (position - windowStart);
            int n = Math.min(remaining, w.capacity() - index);
            w.put(index, bytes, from, n);
            from += n;
            remaining -= n;
            position += n;
        }
    }

    /**
     * Maps a new write window starting at {@code position} for at least {@code bytes} bytes, after extending the
     * file with zeros to the window's end.
     */
    private MappedByteBuffer mapWindow(long position, int bytes) throws IOException {
        long room = Math.max(0, (long) maxSegmentBytes - position);
        long windowBytes = Math.min(WINDOW_BYTES, Math.max(MIN_WINDOW_BYTES, position));
        long end = Math.min(Integer.MAX_VALUE, position + Math.max(bytes, Math.min(windowBytes, room)));
        retireWindow();
        long length = fileLength;
        while (length < end) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), end - length));
            length += channel.write(zeros, length);
            fileLength = length;
        }
        MappedByteBuffer w = channel.map(FileChannel.MapMode.READ_WRITE, position, end - position);
        window = w;
        windowStart = position;
        currentWindow = w;
        return w;
    }

    /** Drops the write window (keeping it for the next flush). Writer only. */
    private void retireWindow() {
        MappedByteBuffer w = window;
        if (w != null) {
            retiredWindows.add(w);
            window = null;
            currentWindow = null;
        }
    }

    /**
     * Ends the current writes: drops the window and cuts the file to the segment's logical size (removing the
     * preallocated zeros). Writer only.
     */
    private void finishWrites() throws IOException {
        retireWindow();
        if (fileLength > size && channel.isOpen()) {
            channel.truncate(size);
        }
        fileLength = Math.min(fileLength, size);
    }

    /** Index bookkeeping for one batch at {@code position}; shared by append, recovery and rebuilds. */
    private void indexBatch(int position, int batchSize, long lastOffset, long batchMaxTimestamp) {
        if (position == 0) {
            firstBatchTimestamp = batchMaxTimestamp;
        }
        MaxTimestamp max = maxTimestamp;
        if (batchMaxTimestamp > max.timestamp()) {
            max = new MaxTimestamp(batchMaxTimestamp, lastOffset);
            maxTimestamp = max;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            if (!offsetIndex.isFull()) {
                offsetIndex.append(lastOffset, position);
            }
            if (max.timestamp() >= 0 && timeIndex.entries() < timeIndex.maxEntries() - 1) {
                timeIndex.maybeAppend(max.timestamp(), max.offset());
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /** Preallocates (or trims) both index files to {@code maxIndexBytes}: for a segment that (again) takes appends. */
    void resizeIndexes(int maxIndexBytes) {
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
    }

    /**
     * The segment stops taking appends: record its largest timestamp in the time index and trim both index files
     * to their entries. Writer only.
     */
    void onBecomeInactive() {
        try {
            finishWrites();
        } catch (IOException e) {
            throw new UncheckedIOException("Cutting " + logFile() + " to its size " + size + " failed", e);
        }
        MaxTimestamp max = maxTimestamp;
        if (max.timestamp() >= 0) {
            timeIndex.maybeAppend(max.timestamp(), max.offset());
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /**
     * Removes the batches that end at or after {@code offset}: the file is cut at the start of the first batch
     * whose last offset is at least {@code offset}. Writer only.
     *
     * @return the number of bytes removed
     */
    int truncateTo(long offset, long nowMs) throws IOException {
        int sizeBefore = size;
        Optional<FileBatchScanner.BatchHeader> first = translateOffset(offset, sizeBefore);
        if (first.isEmpty()) {
            return 0;
        }
        int position = (int) first.get().position();
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        retireWindow();
        channel.truncate(position);
        fileLength = position;
        size = position;
        recomputeTailState();
        if (position == 0) {
            createdMs = nowMs;
        }
        return sizeBefore - position;
    }

    /**
     * Revalidates every batch (size fields, magic, CRC, offsets increasing and within the segment's range),
     * rebuilds both indexes and the timestamps, and cuts the file at the first batch that fails (a torn write or
     * corruption). {@code onValidBatch} sees every valid batch in order (its view is only valid during the call).
     * Writer only.
     *
     * @return the number of bytes cut off the end
     */
    int recover(int maxIndexBytes, Consumer<RecordBatch> onValidBatch) throws IOException {
        retireWindow();
        resetIndexes(maxIndexBytes);
        long fileSize = channel.size();
        FileBatchScanner scanner = new FileBatchScanner(channel, 0, fileSize, 256 * 1024);
        long expectedAtLeast = baseOffset;
        String problem = null;
        while (true) {
            long position = scanner.position();
            RecordBatch batch;
            try {
                batch = scanner.nextBatch();
                if (batch == null) {
                    if (scanner.tailBytes() > 0) {
                        problem = "a torn batch of " + scanner.tailBytes() + " bytes";
                    }
                    break;
                }
                batch.ensureValid();
            } catch (RecordFormatException e) {
                problem = e.getMessage();
                break;
            }
            if (batch.baseOffset() < expectedAtLeast || batch.lastOffsetDelta() < 0
                    || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                problem = "batch offsets " + batch.baseOffset() + ".." + batch.lastOffset() + " are not above "
                    + (expectedAtLeast - 1) + " or not within 2^31 - 1 of the base offset";
                break;
            }
            indexBatch((int) position, batch.sizeInBytes(), batch.lastOffset(), batch.maxTimestamp());
            onValidBatch.accept(batch);
            expectedAtLeast = batch.nextOffset();
            size = (int) scanner.position();
            nextOffset = expectedAtLeast;
        }
        int validBytes = size;
        long cut = fileSize - validBytes;
        if (cut > 0) {
            log.warn("Recovery of {} found {} at position {}; truncating {} bytes (the segment ends at offset {})",
                logFile(), problem, validBytes, cut, nextOffset - 1);
            channel.truncate(validBytes);
        }
        fileLength = validBytes;
        return (int) cut;
    }

    private void resetIndexes(int maxIndexBytes) {
        offsetIndex.reset();
        timeIndex.reset();
        resizeIndexes(maxIndexBytes);
        maxTimestamp = new MaxTimestamp(RecordBatch.NO_TIMESTAMP, baseOffset);
        firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        size = 0;
        nextOffset = baseOffset;
    }

    /**
     * At load: checks the index files against the log and rebuilds them (from the batch headers) if they are
     * missing or not sane; establishes the next offset and the largest timestamp. Writer only.
     *
     * @return false if the log's tail is torn or a batch header is impossible: the caller must {@link #recover}
     */
    boolean loadIndexes(int maxIndexBytes) throws IOException {
        int logSize = size;
        if (logSize > 0 && !indexFilesExisted) {
            log.info("Index files of {} are missing; rebuilding them", logFile());
            return rebuildIndexes(maxIndexBytes);
        }
        Optional<String> problem = lastEntryProblem();
        if (problem.isEmpty()) {
            try {
                if (recomputeTailState()) {
                    return false;
                }
            } catch (RecordFormatException e) {
                return false;
            }
            problem = offsetIndex.sanityProblem(nextOffset, logSize).map(p -> "offset index: " + p)
                .or(() -> timeIndex.sanityProblem(nextOffset, logSize).map(p -> "time index: " + p));
        }
        if (problem.isPresent()) {
            log.warn("Rebuilding the indexes of {}: {}", logFile(), problem.get());
            return rebuildIndexes(maxIndexBytes);
        }
        return true;
    }

    /** Why the last offset-index entry does not point at a batch that ends at the entry's offset, if it does not. */
    private Optional<String> lastEntryProblem() throws IOException {
        Optional<OffsetIndex.Entry> last = offsetIndex.lastEntry();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        OffsetIndex.Entry entry = last.get();
        int logSize = size;
        if (entry.position() >= logSize || entry.position() < 0) {
            return Optional.of("offset index: last entry's position " + entry.position() + " is not inside the "
                + logSize + "-byte log");
        }
        FileBatchScanner.BatchHeader header;
        try {
            header = new FileBatchScanner(channel, entry.position(), logSize, 4096).nextHeader();
        } catch (RecordFormatException e) {
            header = null;
        }
        if (header == null || header.lastOffset() != entry.offset()) {
            return Optional.of("offset index: last entry (" + entry.offset() + ", " + entry.position()
                + ") does not point at a batch ending at that offset");
        }
        return Optional.empty();
    }

    /**
     * Recomputes the next offset, the largest timestamp and the first batch's timestamp from the indexes plus a
     * scan from the last offset-index entry. Writer only.
     *
     * @return true if the scan found a torn tail
     */
    private boolean recomputeTailState() throws IOException {
        int logSize = size;
        int from = offsetIndex.lastEntry().map(OffsetIndex.Entry::position).orElse(0);
        MaxTimestamp max = timeIndex.lastEntry().map(e -> new MaxTimestamp(e.timestamp(), e.offset()))
            .orElse(new MaxTimestamp(RecordBatch.NO_TIMESTAMP, baseOffset));
        FileBatchScanner scanner = new FileBatchScanner(channel, from, logSize, 8192);
        long next = baseOffset;
        int since = 0;
        FileBatchScanner.BatchHeader header;
        while ((header = scanner.nextHeader()) != null) {
            if (header.maxTimestamp() > max.timestamp()) {
                max = new MaxTimestamp(header.maxTimestamp(), header.lastOffset());
            }
            since += header.sizeInBytes();
            next = header.nextOffset();
        }
        nextOffset = next;
        maxTimestamp = max;
        bytesSinceLastIndexEntry = since;
        if (logSize == 0) {
            firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
        } else {
            FileBatchScanner head = new FileBatchScanner(channel, 0, logSize, RecordBatch.HEADER_SIZE);
            FileBatchScanner.BatchHeader firstHeader = head.nextHeader();
            firstBatchTimestamp = firstHeader == null ? RecordBatch.NO_TIMESTAMP : firstHeader.maxTimestamp();
        }
        return scanner.tailBytes() > 0;
    }

    /** Rebuilds both indexes from the batch headers (no CRC check). @return false on a torn or impossible tail */
    private boolean rebuildIndexes(int maxIndexBytes) throws IOException {
        int logSize = size;
        resetIndexes(maxIndexBytes);
        FileBatchScanner scanner = new FileBatchScanner(channel, 0, logSize, 64 * 1024);
        long next = baseOffset;
        try {
            FileBatchScanner.BatchHeader header;
            while ((header = scanner.nextHeader()) != null) {
                if (header.baseOffset() < next || header.lastOffsetDelta() < 0
                        || header.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                    size = logSize;
                    return false;
                }
                indexBatch((int) header.position(), header.sizeInBytes(), header.lastOffset(), header.maxTimestamp());
                next = header.nextOffset();
            }
        } catch (RecordFormatException e) {
            size = logSize;
            return false;
        }
        size = logSize;
        nextOffset = next;
        return scanner.tailBytes() == 0;
    }

    // ----------------------------------------------------------------------------------------------- reading

    /**
     * Reads from the batch that contains {@code startOffset} (the first batch whose last offset is at least
     * {@code startOffset}): at most {@code maxBytes} bytes, and nothing at or after {@code maxPosition}; with
     * {@code minOneBatch}, the whole first batch even if it exceeds {@code maxBytes}.
     *
     * @return empty if no batch in the segment ends at or after {@code startOffset}; otherwise the slice, which
     *         is empty if the first batch starts at or after {@code maxPosition}
     */
    public Optional<FetchDataInfo> read(long startOffset, int maxBytes, long maxPosition, boolean minOneBatch)
            throws IOException {
        int sizeSnapshot = size;
        Optional<FileBatchScanner.BatchHeader> found = translateOffset(startOffset, sizeSnapshot);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        FileBatchScanner.BatchHeader first = found.get();
        LogOffsetMetadata metadata = new LogOffsetMetadata(startOffset, baseOffset, (int) first.position());
        long limit = Math.min(maxPosition, sizeSnapshot);
        long available = Math.max(0, limit - first.position());
        long wanted = minOneBatch ? Math.max(maxBytes, first.sizeInBytes()) : Math.max(0, maxBytes);
        int length = (int) Math.min(available, wanted);
        return Optional.of(new FetchDataInfo(metadata, new FileRecordsSlice(channel, first.position(), length)));
    }

    /** An empty slice at the end of the segment, for reads that find nothing. */
    FetchDataInfo emptyReadAtEnd(long offset) {
        int at = size;
        return new FetchDataInfo(new LogOffsetMetadata(offset, baseOffset, at), new FileRecordsSlice(channel, at, 0));
    }

    /**
     * The first batch whose last offset is at least {@code offset}, looking no further than {@code endPosition},
     * or empty.
     */
    Optional<FileBatchScanner.BatchHeader> translateOffset(long offset, long endPosition) throws IOException {
        OffsetIndex.Entry entry = offsetIndex.lookup(offset);
        long from = Math.min(entry.position(), endPosition);
        FileBatchScanner scanner = new FileBatchScanner(channel, from, endPosition, 8192);
        FileBatchScanner.BatchHeader header;
        try {
            while ((header = scanner.nextHeader()) != null) {
                if (header.lastOffset() >= offset) {
                    return Optional.of(header);
                }
            }
        } catch (RecordFormatException e) {
            throw new IOException("Segment " + logFile() + " has an impossible batch header at or after position "
                + from + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /**
     * The byte position where the first batch ending at or after {@code offset} starts, or the segment size if
     * there is none: the exclusive end of a read bounded by {@code offset}.
     */
    long positionOf(long offset) throws IOException {
        int sizeSnapshot = size;
        return translateOffset(offset, sizeSnapshot).map(FileBatchScanner.BatchHeader::position)
            .orElse((long) sizeSnapshot);
    }

    /**
     * The first record with a timestamp at or above {@code timestamp} and an offset at or above
     * {@code startingOffset}, or empty if the segment has none.
     */
    public Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) throws IOException {
        if (maxTimestamp.timestamp() < timestamp) {
            return Optional.empty();
        }
        long fromOffset = timeIndex.lookup(timestamp).map(TimeIndex.Entry::offset).orElse(baseOffset);
        int from = offsetIndex.lookup(Math.max(fromOffset, startingOffset)).position();
        int sizeSnapshot = size;
        FileBatchScanner scanner = new FileBatchScanner(channel, Math.min(from, sizeSnapshot), sizeSnapshot);
        FileBatchScanner.BatchHeader header;
        while ((header = scanner.nextHeader()) != null) {
            if (header.maxTimestamp() < timestamp || header.lastOffset() < startingOffset) {
                continue;
            }
            long next = scanner.position();
            scanner.seek(header.position());
            RecordBatch batch = scanner.nextBatch();
            try (RecordIterator records = batch.recordIterator()) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                        return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                            batch.partitionLeaderEpoch()));
                    }
                }
            }
            scanner.seek(next);
        }
        return Optional.empty();
    }

    /** The first record with the segment's largest timestamp, or empty if the segment has no timestamps. */
    Optional<TimestampAndOffset> maxTimestampRecord() throws IOException {
        MaxTimestamp max = maxTimestamp;
        if (max.timestamp() < 0) {
            return Optional.empty();
        }
        return findOffsetByTimestamp(max.timestamp(), baseOffset);
    }

    /** A scanner over the segment's batches from {@code position} to its current end. */
    FileBatchScanner scanner(long position, int windowBytes) {
        return new FileBatchScanner(channel, position, size, windowBytes);
    }

    // ----------------------------------------------------------------------------------------------- lifecycle

    /** Forces the log file and both indexes to disk. */
    void flush() throws IOException {
        // FileChannel.force is only specified to cover writes through the channel; force the mapped windows too.
        MappedByteBuffer retired;
        while ((retired = retiredWindows.poll()) != null) {
            retired.force();
        }
        MappedByteBuffer current = currentWindow;
        if (current != null) {
            current.force();
        }
        channel.force(true);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /**
     * Renames the three files from the current suffix to {@code newSuffix} ({@code ""} for the live names). The
     * channel and mappings stay valid. Index files first, the log file last: the log file's name is what load
     * looks at. A rename to {@code .deleted} replaces an older {@code .deleted} file of the same name (a segment
     * with the same base offset deleted twice within {@code file.delete.delay.ms}); any other clash is an error.
     */
    void changeSuffix(String newSuffix) throws IOException {
        String old = suffix;
        if (old.equals(newSuffix)) {
            return;
        }
        boolean replace = newSuffix.equals(LogFileNames.DELETED_SUFFIX);
        offsetIndex.renameTo(LogFileNames.indexFile(dir, baseOffset, newSuffix), replace);
        timeIndex.renameTo(LogFileNames.timeIndexFile(dir, baseOffset, newSuffix), replace);
        Path from = LogFileNames.logFile(dir, baseOffset, old);
        Path to = LogFileNames.logFile(dir, baseOffset, newSuffix);
        if (Files.exists(from)) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
        suffix = newSuffix;
    }

    /** Trims the indexes and closes the files. Idempotent. */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                onBecomeInactive();
            }
        } catch (RuntimeException e) {
            log.warn("Could not trim the indexes of {} on close: {}", logFile(), e.toString());
        }
        offsetIndex.close();
        timeIndex.close();
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Closing {} failed: {}", logFile(), e.toString());
        }
        retiredWindows.clear();
    }

    /** Closes the files and deletes them. */
    void deleteFiles() throws IOException {
        retireWindow();
        retiredWindows.clear();
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(logFile());
        }
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size + ", nextOffset=" + nextOffset
            + ", file=" + logFile() + ")";
    }
}

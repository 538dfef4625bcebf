package io.sluice.core.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The memory-mapped file behind {@link OffsetIndex} and {@link TimeIndex}: fixed-size entries, ascending, from the
 * start of the file. The file of the active segment is preallocated to {@code segment.index.bytes} (rounded down
 * to whole entries) so appends never grow it; it is trimmed to the entries actually written when the segment
 * stops being active and when it is closed, so a trimmed file holds exactly {@code size / entrySize} entries.
 *
 * <p>Entries carry no checksum: an index is only a cache of the log, so any doubt (a size that is not a multiple
 * of the entry size, entries out of order, an entry beyond the log) makes the segment rebuild it from the log.
 *
 * <h2>Threads</h2>
 * One writer (the partition's append lock, or the single thread loading or cleaning a segment) appends,
 * truncates and resizes; any number of readers look up concurrently without locks. The mapping and the entry
 * count are published together as one immutable {@link View} behind a volatile reference: a writer fills the
 * entry bytes first and then publishes a view that counts them, so a reader never sees an entry being written.
 * A resize maps the file anew; the old mapping stays valid (it is only unmapped by the garbage collector), and
 * the file never shrinks below the entries any published view counts, so a reader of an old view never touches
 * bytes past the end of the file.
 */
abstract class MappedIndex implements Closeable {
    /** A mapping and how many entries of it are valid. Immutable; the buffer is only read through duplicates. */
    static final class View {
        final ByteBuffer buffer;
        final int entries;

        View(ByteBuffer buffer, int entries) {
            this.buffer = buffer;
            this.entries = entries;
        }

        int maxEntries(int entrySize) {
            return buffer.capacity() / entrySize;
        }
    }

    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private volatile View view;
    /** Guarded by this. */
    private RandomAccessFile raf;
    /** True if the file length was not a whole number of entries when opened (until the next reset). */
    private volatile boolean ragged;

    /**
     * Opens (or creates) the file and maps it at its current length: an existing file counts
     * {@code length / entrySize} entries until a sanity check says otherwise.
     */
    MappedIndex(Path file, long baseOffset, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.raf = new RandomAccessFile(file.toFile(), "rw");
        long length = raf.length();
        this.ragged = length % entrySize != 0;
        int entries = (int) Math.min(Integer.MAX_VALUE / entrySize, length / entrySize);
        this.view = new View(map(entries * entrySize), entries);
    }

    private MappedByteBuffer map(int bytes) throws IOException {
        return raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, bytes);
    }

    final Path file() {
        return file;
    }

    final long baseOffset() {
        return baseOffset;
    }

    final int entries() {
        return view.entries;
    }

    final int maxEntries() {
        return view.maxEntries(entrySize);
    }

    final boolean isFull() {
        View v = view;
        return v.entries >= v.maxEntries(entrySize);
    }

    /** Bytes of the valid entries. */
    final int sizeInBytes() {
        return view.entries * entrySize;
    }

    final View view() {
        return view;
    }

    /** Writer only: the buffer to write entry {@code n} into; publish it with {@link #publish}. */
    final ByteBuffer writableBuffer() {
        return view.buffer;
    }

    final int entrySize() {
        return entrySize;
    }

    /** Writer only: makes the first {@code entries} entries visible. */
    final void publish(int entries) {
        View v = view;
        if (entries > v.maxEntries(entrySize)) {
            throw new IllegalStateException("Index " + file + " has room for " + v.maxEntries(entrySize)
                + " entries, cannot publish " + entries);
        }
        view = new View(v.buffer, entries);
    }

    /** Writer only: forgets every entry (the file keeps its size). */
    final synchronized void reset() {
        publish(0);
        ragged = false;
    }

    /**
     * Writer only: remaps the file at {@code bytes} (rounded down to whole entries, and never below the valid
     * entries): grows a trimmed index when its segment becomes active again, trims it when it stops being active.
     */
    final synchronized void resize(int bytes) {
        View v = view;
        int rounded = Math.max(v.entries * entrySize, bytes - bytes % entrySize);
        if (rounded == v.buffer.capacity()) {
            return;
        }
        try {
            ensureOpen();
            raf.setLength(rounded);
            view = new View(map(rounded), v.entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resize index " + file + " to " + rounded + " bytes", e);
        }
    }

    /** Writer only: shrinks the file to exactly the valid entries. */
    final void trimToValidSize() {
        resize(sizeInBytes());
    }

    /** Whether the file length was a whole number of entries when it was opened. */
    final boolean openedRagged() {
        return ragged;
    }

    /**
     * Why the entries cannot be trusted for a segment whose log holds {@code logSizeInBytes} bytes and whose last
     * batch ends before {@code nextOffset}, or empty if they look sane.
     */
    abstract Optional<String> sanityProblem(long nextOffset, int logSizeInBytes);

    final void flush() {
        View v = view;
        if (v.buffer instanceof MappedByteBuffer mapped) {
            mapped.force();
        }
    }

    /** Renames the file; with {@code replace}, over an existing file of that name. */
    final synchronized void renameTo(Path target, boolean replace) throws IOException {
        if (Files.exists(file)) {
            if (replace) {
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(file, target);
            }
        }
        file = target;
    }

    /** Trims the file and releases the handle; lookups on the last view keep working. Idempotent. */
    @Override
    public final synchronized void close() {
        if (raf == null) {
            return;
        }
        try {
            trimToValidSize();
        } catch (UncheckedIOException e) {
            // The file is a cache of the log: a failed trim only costs a rebuild at the next load.
        }
        closeHandle();
    }

    /** Releases the handle without trimming (for a file about to be deleted). Idempotent. */
    final synchronized void closeHandle() {
        if (raf != null) {
            try {
                raf.close();
            } catch (IOException e) {
                // Nothing was pending: the mapping holds the data, and it is written back by the OS.
            }
            raf = null;
        }
    }

    final synchronized void deleteIfExists() throws IOException {
        closeHandle();
        Files.deleteIfExists(file);
    }

    private void ensureOpen() throws IOException {
        if (raf == null) {
            raf = new RandomAccessFile(file.toFile(), "rw");
        }
    }

    /** A reader's own cursor over a view's buffer. */
    static ByteBuffer reader(View v) {
        return v.buffer.duplicate();
    }
}

package io.sluice.core.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A small text file of entries, replaced atomically. Format (UTF-8, {@code \n} line ends, Kafka's layout):
 * <pre>
 * 0                      the format version
 * 2                      the number of entries
 * my-topic 0 1234        one entry per line, fields separated by single spaces
 * my-topic 1 99
 * </pre>
 * The entry format is the {@link EntryFormat}'s: {@code topic partition offset} for the per-log-dir offset
 * checkpoints ({@link OffsetCheckpointFile}), {@code epoch startOffset} for {@code leader-epoch-checkpoint}.
 *
 * <p>{@link #write} writes {@code <name>.tmp}, fsyncs it, renames it over the file (atomic move) and fsyncs the
 * directory, so a reader sees either the old or the new content, never a mix. {@link #read} of a missing file is
 * an empty list; a malformed file is an {@link IOException} naming the file and the line.
 *
 * <p>Thread-safety: {@link #write} and {@link #read} synchronize on this object, so one instance may be shared;
 * two instances for the same path must not write concurrently.
 */
final class CheckpointFile<T> {
    static final int VERSION = 0;

    /** Converts an entry to and from its line. */
    interface EntryFormat<T> {
        String toLine(T entry);

        /** @return the entry, or null if the line is malformed */
        T fromLine(String line);
    }

    private final Path file;
    private final EntryFormat<T> format;

    CheckpointFile(Path file, EntryFormat<T> format) {
        this.file = Objects.requireNonNull(file, "file");
        this.format = Objects.requireNonNull(format, "format");
    }

    Path path() {
        return file;
    }

    synchronized void write(Collection<T> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(format.toLine(entry)).append('\n');
        }
        Path temp = file.resolveSibling(file.getFileName() + LogFileNames.TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        atomicReplace(temp, file);
    }

    synchronized List<T> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (lines.size() < 2) {
            throw malformed(lines.size() + 1, "file ends before the version and count lines");
        }
        int version = parseInt(lines.get(0), 1);
        if (version != VERSION) {
            throw malformed(1, "unsupported version " + version + " (expected " + VERSION + ")");
        }
        int count = parseInt(lines.get(1), 2);
        if (count < 0 || lines.size() - 2 < count) {
            throw malformed(2, "declares " + count + " entries but has " + (lines.size() - 2) + " entry lines");
        }
        List<T> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            T entry = format.fromLine(lines.get(i + 2));
            if (entry == null) {
                throw malformed(i + 3, "malformed entry '" + lines.get(i + 2) + "'");
            }
            entries.add(entry);
        }
        for (int i = count + 2; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                throw malformed(i + 1, "more entry lines than the declared " + count);
            }
        }
        return entries;
    }

    private int parseInt(String line, int lineNumber) throws IOException {
        try {
            return Integer.parseInt(line.trim());
        } catch (NumberFormatException e) {
            throw malformed(lineNumber, "'" + line + "' is not a number");
        }
    }

    private IOException malformed(int line, String what) {
        return new IOException("Malformed checkpoint file " + file + " at line " + line + ": " + what);
    }

    /** Renames {@code source} over {@code target} atomically and fsyncs the directory so the rename survives. */
    static void atomicReplace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes renames and creations in {@code dir} durable. Best effort where a directory cannot be opened. */
    static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(dir)) {
                return; // some platforms cannot open a directory for reading; nothing more can be done
            }
            throw e;
        }
    }
}

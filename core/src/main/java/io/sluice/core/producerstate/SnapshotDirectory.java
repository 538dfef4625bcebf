package io.sluice.core.producerstate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The snapshot files of one partition directory: {@code <offset>.snapshot}, the offset zero-padded to 20 digits.
 * Writes are atomic: the bytes go to {@code <offset>.snapshot.tmp}, are fsynced, renamed over the final name, and
 * the directory is fsynced, so a crash leaves either the old file, the new one, or a stray temp file that
 * {@link #deleteTempFiles()} removes. Every {@link IOException} surfaces as an {@link UncheckedIOException} naming
 * the file, for the log to take its directory offline.
 *
 * <p>Not thread-safe: used only by its {@link ProducerStateManager}, under the log's append lock. The directory
 * itself belongs to the log; this class never creates or deletes it.
 */
final class SnapshotDirectory {
    static final String SUFFIX = ".snapshot";
    static final String TEMP_SUFFIX = SUFFIX + ".tmp";
    private static final int OFFSET_DIGITS = 20;
    private static final Logger log = LogManager.getLogger(SnapshotDirectory.class);

    private final Path dir;

    SnapshotDirectory(Path dir) {
        this.dir = dir;
    }

    static String fileName(long offset) {
        return String.format("%0" + OFFSET_DIGITS + "d%s", offset, SUFFIX);
    }

    Path path(long offset) {
        return dir.resolve(fileName(offset));
    }

    /** Offsets of the snapshot files present, ascending. Files that do not parse as a snapshot name are ignored. */
    TreeSet<Long> offsets() {
        TreeSet<Long> offsets = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String digits = name.substring(0, name.length() - SUFFIX.length());
                if (digits.length() == OFFSET_DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    offsets.add(Long.parseLong(digits));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Listing producer state snapshots in " + dir + " failed", e);
        }
        return offsets;
    }

    /** Writes the snapshot for {@code offset} atomically, replacing any existing one. */
    void write(long offset, ByteBuffer content) {
        Path target = path(offset);
        Path temp = dir.resolve(fileName(offset) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = content.duplicate();
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing producer state snapshot " + target + " failed", e);
        }
    }

    /** The bytes of the snapshot for {@code offset}. */
    ByteBuffer read(long offset) {
        Path file = path(offset);
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading producer state snapshot " + file + " failed", e);
        }
    }

    void delete(long offset) {
        Path file = path(offset);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Deleting producer state snapshot " + file + " failed", e);
        }
    }

    void deleteAll(Collection<Long> offsets) {
        offsets.forEach(this::delete);
    }

    /** Removes temp files left by a crash during {@link #write}. */
    void deleteTempFiles() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
            for (Path file : files) {
                log.info("Deleting unfinished producer state snapshot {}", file);
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Deleting unfinished producer state snapshots in " + dir + " failed", e);
        }
    }

    /** Makes the rename durable (Linux and macOS allow fsync on a directory opened for reading). */
    private void fsyncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}

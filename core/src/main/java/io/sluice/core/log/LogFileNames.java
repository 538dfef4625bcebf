package io.sluice.core.log;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Names of the files in a partition directory and in a log directory. Segment files are named by their base
 * offset, zero-padded to 20 digits so that names sort like offsets: {@code 00000000000000000100.log},
 * {@code .index}, {@code .timeindex}. A suffix marks a file in transit:
 * <ul>
 *   <li>{@value #DELETED_SUFFIX}: removed from the log, physically deleted after {@code file.delete.delay.ms};
 *       leftovers are deleted at load.</li>
 *   <li>{@value #CLEANED_SUFFIX}: being written by the log cleaner; leftovers are deleted at load.</li>
 *   <li>{@value #SWAP_SUFFIX}: a finished cleaned segment about to replace the segments it covers; at load the
 *       replacement is completed (see {@link LogLoader}).</li>
 * </ul>
 * Stateless.
 */
final class LogFileNames {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";
    static final String TEMP_SUFFIX = ".tmp";
    /** Directory suffix of a partition directory scheduled for deletion: {@code <topic>-<p>.<uuid>-delete}. */
    static final String DELETE_DIR_SUFFIX = "-delete";

    static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    static final String CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint";
    static final String CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown";
    static final String LOCK_FILE = ".lock";

    private LogFileNames() {
    }

    /** The 20-digit zero-padded form of a (non-negative) offset. */
    static String offsetName(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Negative offset " + offset + " cannot name a file");
        }
        return String.format("%020d", offset);
    }

    static Path logFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(offsetName(baseOffset) + LOG_SUFFIX + suffix);
    }

    static Path indexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(offsetName(baseOffset) + INDEX_SUFFIX + suffix);
    }

    static Path timeIndexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(offsetName(baseOffset) + TIME_INDEX_SUFFIX + suffix);
    }

    /**
     * The base offset of a segment file named {@code <20 digits><kind><suffix>}, or empty if the name does not
     * have that shape.
     */
    static OptionalLong baseOffsetOf(String fileName, String kind, String suffix) {
        String tail = kind + suffix;
        if (!fileName.endsWith(tail) || fileName.length() != 20 + tail.length()) {
            return OptionalLong.empty();
        }
        String digits = fileName.substring(0, 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}

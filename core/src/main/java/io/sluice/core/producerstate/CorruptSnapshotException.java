package io.sluice.core.producerstate;

/**
 * A producer-state snapshot that cannot be used: torn, bit-flipped, of an unknown version or otherwise
 * malformed. Checked, so that every reader decides what to fall back to; the message names the file's offset
 * and what is wrong.
 */
final class CorruptSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptSnapshotException(String message) {
        super(message);
    }
}

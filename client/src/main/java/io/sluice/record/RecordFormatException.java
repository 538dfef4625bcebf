package io.sluice.record;

/**
 * Record bytes that cannot be used as a v2 record batch. Unchecked, because callers (the produce path, the
 * fetch path, the log) handle it at one boundary rather than at every accessor.
 *
 * <p>The two subclasses say who is at fault, which decides the protocol error:
 * <ul>
 *   <li>{@link CorruptRecordException}: the bytes were damaged (CRC mismatch, a size field that does not fit
 *       the buffer). Kafka answers {@code CORRUPT_MESSAGE (2)}, which clients retry.</li>
 *   <li>{@link InvalidRecordException}: the bytes are intact but violate the format (unsupported magic or
 *       codec, bad record framing, a record count that does not match, a payload that does not decompress).
 *       Kafka answers {@code INVALID_RECORD (87)}, which clients do not retry.</li>
 * </ul>
 */
public class RecordFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordFormatException(String message) {
        super(message);
    }

    public RecordFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

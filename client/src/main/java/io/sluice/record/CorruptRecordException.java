package io.sluice.record;

/**
 * The bytes of a record batch were damaged: the CRC does not match, or a size field is inconsistent with the
 * bytes that hold it. Maps to {@code CORRUPT_MESSAGE (2)}.
 */
public class CorruptRecordException extends RecordFormatException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}

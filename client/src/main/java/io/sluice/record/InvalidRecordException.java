package io.sluice.record;

/**
 * A record batch whose bytes are intact (or whose CRC was not checked) but whose contents violate the v2
 * format: unsupported magic or compression codec, malformed record framing or varints, a record count or
 * offset delta that does not match the header, a compressed payload that does not decompress, a malformed
 * control record. Maps to {@code INVALID_RECORD (87)}.
 */
public class InvalidRecordException extends RecordFormatException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}

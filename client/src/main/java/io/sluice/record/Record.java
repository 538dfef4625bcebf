package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record read from a v2 batch, with its absolute offset and effective timestamp (for a
 * {@link TimestampType#LOG_APPEND_TIME} batch, the batch's maxTimestamp). The wire layout of a record is
 * documented in {@code RecordCodec}.
 *
 * <p>Immutable and thread-safe. Key and value are held as read-only buffers that share the bytes they were
 * read from (the batch for an uncompressed batch, a per-record decompressed array otherwise); the accessors
 * return fresh duplicates positioned at 0. Equality compares offset, timestamp, sequence and contents.
 *
 * @param offset    absolute offset: batch baseOffset + offsetDelta
 * @param timestamp effective timestamp in ms, or -1 when the producer set none
 * @param sequence  producer sequence number of this record, or -1 if the batch carries none
 * @param key       the key, or null
 * @param value     the value, or null (a tombstone)
 * @param headers   the headers, in wire order
 */
public record Record(long offset, long timestamp, int sequence, ByteBuffer key, ByteBuffer value,
                     List<Header> headers) {

    public Record {
        key = key == null ? null : key.slice().asReadOnlyBuffer();
        value = value == null ? null : value.slice().asReadOnlyBuffer();
        headers = List.copyOf(headers);
    }

    /** The key bytes from position 0 (a read-only duplicate), or null. */
    @Override
    public ByteBuffer key() {
        return key == null ? null : key.duplicate();
    }

    /** The value bytes from position 0 (a read-only duplicate), or null. */
    @Override
    public ByteBuffer value() {
        return value == null ? null : value.duplicate();
    }

    public boolean hasKey() {
        return key != null;
    }

    public boolean hasValue() {
        return value != null;
    }

    /** A copy of the key bytes, or null. */
    public byte[] keyBytes() {
        return copyOf(key);
    }

    /** A copy of the value bytes, or null. */
    public byte[] valueBytes() {
        return copyOf(value);
    }

    static byte[] copyOf(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp + ", sequence=" + sequence
            + ", key=" + (key == null ? "null" : key.remaining() + " bytes")
            + ", value=" + (value == null ? "null" : value.remaining() + " bytes")
            + ", headers=" + headers + ")";
    }
}

package io.sluice.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes one record inside a v2 batch. All varints are zig-zag signed ({@link Varint}):
 *
 * <pre>
 * length          VARINT    bytes of the rest of this record (everything below)
 * attributes      INT8      unused, written as 0, ignored on read
 * timestampDelta  VARLONG   record timestamp - batch baseTimestamp
 * offsetDelta     VARINT    record offset - batch baseOffset
 * keyLength       VARINT    -1 = null key
 * key             keyLength bytes
 * valueLength     VARINT    -1 = null value (tombstone)
 * value           valueLength bytes
 * headersCount    VARINT    &gt;= 0
 * headers         headersCount times: keyLength VARINT (&gt;= 0), key (UTF-8), valueLength VARINT (-1 = null), value
 * </pre>
 *
 * Stateless; thread-safe. Decoding never copies: key, value and header values are slices of the body buffer.
 */
final class RecordCodec {
    /** The smallest possible record: every field one byte, no key, value or headers (length prefix included). */
    static final int MIN_RECORD_BYTES = 7;

    private RecordCodec() {
    }

    /** Bytes of a record without its length prefix. */
    static int bodySize(int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value,
                        List<Header> headers) {
        long size = 1 + Varint.sizeOfLong(timestampDelta) + Varint.sizeOfInt(offsetDelta)
            + sizeOfBytes(key) + sizeOfBytes(value) + Varint.sizeOfInt(headers.size());
        for (Header header : headers) {
            int keyBytes = utf8Length(header.key());
            size += Varint.sizeOfInt(keyBytes) + keyBytes + sizeOfBytes(header.value());
        }
        if (size > Integer.MAX_VALUE - Varint.MAX_INT_BYTES) {
            throw new IllegalArgumentException("Record of " + size + " bytes is too large");
        }
        return (int) size;
    }

    /** Bytes of a record including its length prefix. */
    static int sizeInBytes(int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value,
                           List<Header> headers) {
        int body = bodySize(offsetDelta, timestampDelta, key, value, headers);
        return Varint.sizeOfInt(body) + body;
    }

    /** Writes a whole record (length prefix included) at the buffer's position; the caller ensured room. */
    static void write(ByteBuffer out, int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value,
                      List<Header> headers) {
        Varint.writeInt(out, bodySize(offsetDelta, timestampDelta, key, value, headers));
        out.put((byte) 0);
        Varint.writeLong(out, timestampDelta);
        Varint.writeInt(out, offsetDelta);
        writeBytes(out, key);
        writeBytes(out, value);
        Varint.writeInt(out, headers.size());
        for (Header header : headers) {
            byte[] keyBytes = header.key().getBytes(StandardCharsets.UTF_8);
            Varint.writeInt(out, keyBytes.length);
            out.put(keyBytes);
            writeBytes(out, header.value());
        }
    }

    /**
     * Decodes a record body (everything after the length prefix); {@code body} must hold exactly that record.
     *
     * @param logAppendTime the batch's maxTimestamp if it uses LogAppendTime, else -1 (use the record's own)
     * @throws InvalidRecordException if the body is malformed or not fully consumed
     */
    static Record read(ByteBuffer body, long baseOffset, long baseTimestamp, long logAppendTime,
                       int baseSequence) {
        int declared = body.remaining();
        if (!body.hasRemaining()) {
            throw new InvalidRecordException("Empty record body");
        }
        body.get(); // attributes: unused
        long timestampDelta = Varint.readLong(body, "timestampDelta");
        int offsetDelta = Varint.readInt(body, "offsetDelta");
        ByteBuffer key = readBytes(body, "key");
        ByteBuffer value = readBytes(body, "value");
        int headerCount = Varint.readInt(body, "headersCount");
        // Each header takes at least 2 bytes; checking first keeps a huge count from driving allocation.
        if (headerCount < 0 || headerCount > body.remaining() / 2) {
            throw new InvalidRecordException("Invalid headersCount " + headerCount + " with " + body.remaining()
                + " bytes left in the record");
        }
        List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            ByteBuffer headerKey = readBytes(body, "header key");
            if (headerKey == null) {
                throw new InvalidRecordException("Null key in header " + i);
            }
            headers.add(new Header(utf8(headerKey), readBytes(body, "header value")));
        }
        if (body.hasRemaining()) {
            throw new InvalidRecordException("Record declares " + declared + " bytes but its fields take "
                + (declared - body.remaining()));
        }
        long offset = baseOffset + offsetDelta;
        long timestamp = logAppendTime >= 0 ? logAppendTime : baseTimestamp + timestampDelta;
        return new Record(offset, timestamp, sequenceAt(baseSequence, offsetDelta), key, value, headers);
    }

    /** Sequence numbers wrap from Integer.MAX_VALUE to 0; -1 means "no sequence". */
    static int sequenceAt(int baseSequence, int delta) {
        if (baseSequence < 0) {
            return -1;
        }
        return (int) (((long) baseSequence + delta) % (1L + Integer.MAX_VALUE));
    }

    private static ByteBuffer readBytes(ByteBuffer body, String field) {
        int length = Varint.readInt(body, field + " length");
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > body.remaining()) {
            throw new InvalidRecordException("Invalid " + field + " length " + length + " with " + body.remaining()
                + " bytes left in the record");
        }
        ByteBuffer bytes = body.slice(body.position(), length);
        body.position(body.position() + length);
        return bytes;
    }

    private static String utf8(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(),
                StandardCharsets.UTF_8);
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    private static int sizeOfBytes(ByteBuffer bytes) {
        return bytes == null ? Varint.sizeOfInt(-1) : Varint.sizeOfInt(bytes.remaining()) + bytes.remaining();
    }

    private static void writeBytes(ByteBuffer out, ByteBuffer bytes) {
        if (bytes == null) {
            Varint.writeInt(out, -1);
        } else {
            Varint.writeInt(out, bytes.remaining());
            out.put(bytes.duplicate());
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length; // exact, including replaced lone surrogates
    }
}

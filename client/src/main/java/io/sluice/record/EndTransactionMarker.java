package io.sluice.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The control record that ends a transaction on a partition: key {@link ControlRecordType#key()} (ABORT or
 * COMMIT), value:
 *
 * <pre>
 * version           INT16   0
 * coordinatorEpoch  INT32   epoch of the transaction coordinator that wrote the marker
 * </pre>
 *
 * Later value versions may append fields; reading ignores them. Immutable; thread-safe.
 */
public record EndTransactionMarker(ControlRecordType type, int coordinatorEpoch) {
    public static final short CURRENT_VALUE_VERSION = 0;
    static final int VALUE_BYTES = 6;

    public EndTransactionMarker {
        Objects.requireNonNull(type, "type");
        if (type != ControlRecordType.ABORT && type != ControlRecordType.COMMIT) {
            throw new IllegalArgumentException("An end transaction marker is ABORT or COMMIT, not " + type);
        }
    }

    /** The record value. */
    public ByteBuffer value() {
        ByteBuffer value = ByteBuffer.allocate(VALUE_BYTES);
        value.putShort(CURRENT_VALUE_VERSION).putInt(coordinatorEpoch).flip();
        return value;
    }

    /**
     * Reads the marker from a control record.
     *
     * @throws InvalidRecordException if the key is not an ABORT or COMMIT key or the value is malformed
     */
    public static EndTransactionMarker fromRecord(Record record) {
        ControlRecordType type = ControlRecordType.fromKey(record.key());
        if (type == ControlRecordType.UNKNOWN) {
            throw new InvalidRecordException("Control record at offset " + record.offset()
                + " is not an end transaction marker");
        }
        ByteBuffer value = record.value();
        if (value == null || value.remaining() < VALUE_BYTES) {
            throw new InvalidRecordException("End transaction marker at offset " + record.offset()
                + " needs a value of at least " + VALUE_BYTES + " bytes, got "
                + (value == null ? "null" : value.remaining()));
        }
        short version = value.getShort(value.position());
        if (version < 0) {
            throw new InvalidRecordException("Invalid end transaction marker version " + version + " at offset "
                + record.offset());
        }
        return new EndTransactionMarker(type, value.getInt(value.position() + 2));
    }
}

package io.sluice.record;

import java.nio.ByteBuffer;

/**
 * The type of a control record, read from its key. A control batch (attribute bit 5) holds one control record
 * whose key is:
 *
 * <pre>
 * version  INT16   0
 * type     INT16   0 = ABORT, 1 = COMMIT (other values are KRaft-internal types, read as UNKNOWN)
 * </pre>
 *
 * Consumers skip control batches; read_committed consumers use ABORT markers to end aborted transactions.
 */
public enum ControlRecordType {
    ABORT((short) 0),
    COMMIT((short) 1),
    /** A type this code does not know; consumers skip it like any control record. */
    UNKNOWN((short) -1);

    /** The key version we write. */
    public static final short CURRENT_KEY_VERSION = 0;
    static final int KEY_BYTES = 4;

    private final short id;

    ControlRecordType(short id) {
        this.id = id;
    }

    /** The type id stored in the key; -1 for {@link #UNKNOWN}. */
    public short id() {
        return id;
    }

    /**
     * Parses a control record key (4 bytes or more; later bytes, from newer key versions, are ignored).
     *
     * @throws InvalidRecordException if the key is null, shorter than 4 bytes or has a negative version
     */
    public static ControlRecordType fromKey(ByteBuffer key) {
        if (key == null || key.remaining() < KEY_BYTES) {
            throw new InvalidRecordException("Control record key must have at least " + KEY_BYTES + " bytes, got "
                + (key == null ? "null" : key.remaining()));
        }
        short version = key.getShort(key.position());
        if (version < 0) {
            throw new InvalidRecordException("Invalid control record key version " + version);
        }
        short type = key.getShort(key.position() + 2);
        switch (type) {
            case 0:
                return ABORT;
            case 1:
                return COMMIT;
            default:
                return UNKNOWN;
        }
    }

    /** The 4-byte key for this type (ABORT or COMMIT). */
    public ByteBuffer key() {
        if (this == UNKNOWN) {
            throw new IllegalStateException("Cannot write a control record of unknown type");
        }
        ByteBuffer key = ByteBuffer.allocate(KEY_BYTES);
        key.putShort(CURRENT_KEY_VERSION).putShort(id).flip();
        return key;
    }
}

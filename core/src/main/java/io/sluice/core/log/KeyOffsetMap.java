package io.sluice.core.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cleaner's "latest offset of each key" table, in a fixed amount of memory: an open-addressing hash table
 * (linear probing) of 24-byte slots {@code [16-byte MD5 of the key][long offset]}, offset -1 marking a free slot.
 * Keys are identified by their digest alone; two keys colliding on all 128 bits would make the cleaner drop the
 * older one's records, which is accepted as impossible in practice. The table counts as full at 90% load, so
 * probes stay short.
 *
 * <p>Not thread-safe: owned by the cleaner thread.
 */
final class KeyOffsetMap {
    private static final int HASH_BYTES = 16;
    private static final int SLOT_BYTES = HASH_BYTES + 8;
    private static final double MAX_LOAD = 0.9;

    private final ByteBuffer table;
    private final int slots;
    private final int maxEntries;
    private final MessageDigest digest;
    private final byte[] hash = new byte[HASH_BYTES];
    private int entries;

    KeyOffsetMap(int memoryBytes) {
        this.slots = Math.max(2, memoryBytes / SLOT_BYTES);
        this.maxEntries = Math.max(1, (int) (slots * MAX_LOAD));
        this.table = ByteBuffer.allocate(slots * SLOT_BYTES);
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK must provide MD5", e);
        }
        clear();
    }

    void clear() {
        for (int i = 0; i < slots; i++) {
            table.putLong(i * SLOT_BYTES + HASH_BYTES, -1L);
        }
        entries = 0;
    }

    int size() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int maxEntries() {
        return maxEntries;
    }

    /**
     * Records {@code offset} as the latest for {@code key} (if above what is there).
     *
     * @return false if the key is new and the map is full (nothing recorded)
     */
    boolean put(ByteBuffer key, long offset) {
        int slot = find(key);
        int at = slot * SLOT_BYTES;
        long existing = table.getLong(at + HASH_BYTES);
        if (existing >= 0) {
            if (offset > existing) {
                table.putLong(at + HASH_BYTES, offset);
            }
            return true;
        }
        if (isFull()) {
            return false;
        }
        table.put(at, hash);
        table.putLong(at + HASH_BYTES, offset);
        entries++;
        return true;
    }

    /** The latest offset recorded for {@code key}, or -1. */
    long get(ByteBuffer key) {
        return table.getLong(find(key) * SLOT_BYTES + HASH_BYTES);
    }

    /** Hashes the key into {@link #hash} and returns its slot, or the free slot where it would go. */
    private int find(ByteBuffer key) {
        digest.reset();
        digest.update(key.duplicate());
        try {
            digest.digest(hash, 0, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        int start = Math.floorMod(((hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8
            | (hash[3] & 0xff)), slots);
        for (int probe = 0; probe < slots; probe++) {
            int slot = (start + probe) % slots;
            int at = slot * SLOT_BYTES;
            if (table.getLong(at + HASH_BYTES) < 0 || matches(at)) {
                return slot;
            }
        }
        throw new IllegalStateException("Key offset map has no free slot (" + entries + " entries)");
    }

    private boolean matches(int at) {
        for (int i = 0; i < HASH_BYTES; i++) {
            if (table.get(at + i) != hash[i]) {
                return false;
            }
        }
        return true;
    }
}

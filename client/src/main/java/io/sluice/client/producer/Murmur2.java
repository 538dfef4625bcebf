package io.sluice.client.producer;

/**
 * MurmurHash2, 32-bit, with the seed Kafka's Java client uses for key partitioning (0x9747b28c), so that
 * {@code positive(hash(key)) % partitions} places a key on the same partition as Kafka's default partitioner.
 * Written from the published description of MurmurHash2 (Austin Appleby): mix each little-endian 4-byte block
 * into the hash with the multiplier 0x5bd1e995 and shift 24, then the 1-3 tail bytes, then a final avalanche.
 */
public final class Murmur2 {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {
    }

    public static int hash(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                | (data[at + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = blocks * 4;
        switch (length - tail) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /** The non-negative form used for partitioning (the sign bit cleared, not the absolute value). */
    public static int positive(int hash) {
        return hash & 0x7fffffff;
    }

    /** The partition Kafka's default partitioner picks for a non-null key. */
    public static int partitionForKey(byte[] keyBytes, int numPartitions) {
        return positive(hash(keyBytes)) % numPartitions;
    }
}

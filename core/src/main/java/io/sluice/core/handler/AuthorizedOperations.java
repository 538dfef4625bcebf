package io.sluice.core.handler;

/**
 * The {@code *_authorized_operations} bit fields of Metadata and DescribeCluster: bit {@code i} set means the
 * ACL operation with code {@code i} is allowed (3 READ, 4 WRITE, 5 CREATE, 6 DELETE, 7 ALTER, 8 DESCRIBE,
 * 9 CLUSTER_ACTION, 10 DESCRIBE_CONFIGS, 11 ALTER_CONFIGS, 12 IDEMPOTENT_WRITE). Sluice has no authorizer, so
 * a client that asks is told that every operation on the resource type is allowed.
 */
final class AuthorizedOperations {
    /** Sent when the client did not ask (INT32_MIN). */
    static final int OMITTED = Integer.MIN_VALUE;
    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
    static final int ALL_TOPIC = bits(3, 4, 5, 6, 7, 8, 10, 11);
    /** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
    static final int ALL_CLUSTER = bits(5, 7, 8, 9, 10, 11, 12);

    private AuthorizedOperations() {
    }

    private static int bits(int... operations) {
        int b = 0;
        for (int op : operations) {
            b |= 1 << op;
        }
        return b;
    }

    static int topic(boolean requested) {
        return requested ? ALL_TOPIC : OMITTED;
    }

    static int cluster(boolean requested) {
        return requested ? ALL_CLUSTER : OMITTED;
    }
}

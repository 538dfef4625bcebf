package io.sluice.cli.zk;

import picocli.CommandLine.Option;

/**
 * The options of every ZooKeeper tool, mixed in with {@code @Mixin}: {@code --zookeeper} (required) and the
 * connection timeout.
 */
public final class ZooKeeperOptions {
    public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

    @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT[,...][/CHROOT]",
        description = "REQUIRED: the ZooKeeper connect string of the cluster, as in the brokers' zookeeper.connect "
            + "(chroot included).")
    String connect;

    @Option(names = {"--zk-connection-timeout-ms", "--zk-connection-timeout"}, paramLabel = "MS",
        defaultValue = "" + DEFAULT_CONNECTION_TIMEOUT_MS,
        description = "How long to wait for a connection to ZooKeeper (default: ${DEFAULT-VALUE} ms).")
    int connectionTimeoutMs;

    public String connect() {
        return connect;
    }

    public int connectionTimeoutMs() {
        return connectionTimeoutMs;
    }
}

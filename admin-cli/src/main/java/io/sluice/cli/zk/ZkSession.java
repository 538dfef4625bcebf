package io.sluice.cli.zk;

import io.sluice.cli.common.ToolException;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.coordinator.zk.ZooKeeperConnectionException;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/**
 * Opens the Curator client a ZooKeeper tool works with, or fails with one line saying why.
 *
 * <p>Unlike a broker, a tool never creates the chroot of its connect string: a typo in the chroot would
 * otherwise create an empty tree and report an empty cluster. So when there is a chroot, a first connection
 * to the hosts alone checks that it exists.
 */
public final class ZkSession {
    /** Tools hold a session for seconds; this only has to outlive a slow round trip. */
    private static final int SESSION_TIMEOUT_MS = 30_000;

    private ZkSession() {
    }

    /**
     * Validates the connect string and timeout (bad ones are bad input, exit 2) and connects.
     *
     * @throws ToolException if ZooKeeper cannot be reached within the timeout, or the chroot does not exist
     */
    public static CuratorFramework open(String connect, int connectionTimeoutMs) throws InterruptedException {
        ZooKeeperConfig config = parse(connect, connectionTimeoutMs);
        Optional<String> chroot = config.chroot();
        try {
            if (chroot.isPresent()) {
                ZooKeeperConfig hostsOnly = new ZooKeeperConfig(config.hosts(), config.sessionTimeoutMs(),
                    config.connectionTimeoutMs());
                try (CuratorFramework hosts = ZooKeeperClients.start(hostsOnly)) {
                    if (hosts.checkExists().forPath(chroot.get()) == null) {
                        throw ToolException.failed("ZooKeeper at " + config.hosts() + " has no znode " + chroot.get()
                            + ": check the chroot in --zookeeper (a broker creates it when it first starts)");
                    }
                } catch (ToolException | ZooKeeperConnectionException | InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    throw ToolException.failed("Could not read " + chroot.get() + " on ZooKeeper at " + config.hosts()
                        + ": " + e, e);
                }
            }
            return ZooKeeperClients.start(config);
        } catch (ZooKeeperConnectionException e) {
            throw ToolException.failed(e.getMessage() + " (is it running? check --zookeeper)", e);
        }
    }

    /** The validated connection settings; an invalid value is bad input ({@link ToolException#badInput}). */
    static ZooKeeperConfig parse(String connect, int connectionTimeoutMs) {
        if (connectionTimeoutMs <= 0) {
            throw ToolException.badInput("--zk-connection-timeout-ms must be > 0, got " + connectionTimeoutMs);
        }
        ZooKeeperConfig config;
        try {
            config = new ZooKeeperConfig(connect, SESSION_TIMEOUT_MS, connectionTimeoutMs);
        } catch (IllegalArgumentException e) {
            throw ToolException.badInput("Invalid --zookeeper '" + connect + "': "
                + e.getMessage().replace(ZooKeeperConfig.CONNECT + " ", ""), e);
        }
        for (String hostPort : config.hosts().split(",", -1)) {
            String hp = hostPort.strip();
            int colon = hp.lastIndexOf(':');
            String host = colon < 0 ? hp : hp.substring(0, colon);
            if (host.isEmpty()) {
                throw ToolException.badInput("Invalid --zookeeper '" + connect + "': '" + hostPort
                    + "' is not host:port");
            }
            if (colon >= 0) {
                String port = hp.substring(colon + 1);
                if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    throw ToolException.badInput("Invalid --zookeeper '" + connect + "': '" + port
                        + "' is not a port number");
                }
            }
        }
        return config;
    }
}

package io.sluice.coordinator.zk;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;

/**
 * Builds, starts and connects the Curator client a broker (or a tool) uses for all ZooKeeper access.
 *
 * <p>Chroot: ZooKeeper does not create the chroot of a connect string like {@code host:2181/sluice}; every
 * operation under a missing chroot fails with NONODE. So when there is one, a short-lived client connects to
 * the hosts alone, creates the chroot (and its parents) as persistent znodes, and closes; the returned client
 * then connects with the chroot, and ZooKeeper itself confines it there.
 *
 * <p>Client settings: {@code dontUseContainerParents()} so that recipes (LeaderLatch, PersistentNode) create
 * missing parents as ordinary persistent znodes, never as containers the server may delete when they empty
 * (an empty {@code /brokers/ids} must stay); the ensemble tracker is off because it rewrites the connect
 * string from the server's config, which would lose the chroot; and znodes created without data are empty
 * (Curator's default would be this host's IP address, which is not valid JSON for Kafka-era readers).
 */
public final class ZooKeeperClients {
    private static final Logger log = LogManager.getLogger(ZooKeeperClients.class);

    private ZooKeeperClients() {
    }

    /**
     * Returns a started client connected to {@code config.connect()} (chroot created if missing). The caller
     * owns it and must close it.
     *
     * @throws ZooKeeperConnectionException "Could not connect to ZooKeeper at X within N ms"
     * @throws InterruptedException         if interrupted while waiting for the connection
     */
    public static CuratorFramework start(ZooKeeperConfig config) throws InterruptedException {
        if (config.chroot().isPresent()) {
            ensureChroot(config);
        }
        CuratorFramework client = newClient(config.normalizedConnect(), config);
        client.start();
        awaitConnected(client, config.connect(), config.connectionTimeoutMs());
        log.info("Connected to ZooKeeper at {} (session timeout {} ms)", config.connect(), config.sessionTimeoutMs());
        return client;
    }

    private static void ensureChroot(ZooKeeperConfig config) throws InterruptedException {
        String chroot = config.chroot().orElseThrow();
        try (CuratorFramework bootstrap = newClient(config.hosts(), config)) {
            bootstrap.start();
            awaitConnected(bootstrap, config.connect(), config.connectionTimeoutMs());
            try {
                bootstrap.create().creatingParentsIfNeeded().forPath(chroot, new byte[0]);
                log.info("Created ZooKeeper chroot {} on {}", chroot, config.hosts());
            } catch (KeeperException.NodeExistsException alreadyThere) {
                log.debug("ZooKeeper chroot {} already exists", chroot);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not create ZooKeeper chroot " + chroot + " on " + config.hosts(), e);
            }
        }
    }

    private static CuratorFramework newClient(String connect, ZooKeeperConfig config) {
        return CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(config.sessionTimeoutMs())
            .connectionTimeoutMs(config.connectionTimeoutMs())
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 5))
            .ensembleTracker(false)
            .dontUseContainerParents()
            .defaultData(new byte[0])
            .build();
    }

    private static void awaitConnected(CuratorFramework client, String connect, int timeoutMs)
            throws InterruptedException {
        boolean connected;
        try {
            connected = client.blockUntilConnected(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            client.close();
            throw e;
        }
        if (!connected) {
            client.close();
            throw new ZooKeeperConnectionException(
                "Could not connect to ZooKeeper at " + connect + " within " + timeoutMs + " ms");
        }
    }
}

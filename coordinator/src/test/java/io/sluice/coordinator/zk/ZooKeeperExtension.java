package io.sluice.coordinator.zk;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process ZooKeeper (curator-test {@link TestingServer}, random port) per test class and a fresh chroot
 * per test, so tests never see each other's znodes. Clients made through it are closed after each test.
 *
 * <p>The server ticks every {@value #TICK_MS} ms, so session timeouts from {@code 2 * TICK_MS} up to 60 s
 * are honoured and expired sessions are noticed within a tick: tests with session expiry stay fast.
 *
 * <p>Use: {@code @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();}
 * Shipped in the coordinator test-jar for other modules' tests.
 */
public final class ZooKeeperExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    public static final int TICK_MS = 100;
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 6000;

    private TestingServer server;
    private String chroot;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MS, -1,
            Map.of("maxSessionTimeout", "60000"), "127.0.0.1");
        server = new TestingServer(spec, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        chroot = "/t-" + UUID.randomUUID();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception ignored) {
                // best effort: the next test uses a new chroot anyway
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** {@code 127.0.0.1:port} without a chroot. */
    public String serverConnectString() {
        return server.getConnectString();
    }

    /** This test's connect string, with its own chroot. */
    public String connectString() {
        return server.getConnectString() + chroot;
    }

    public String chroot() {
        return chroot;
    }

    public TestingServer server() {
        return server;
    }

    /** A started client in this test's chroot, closed after the test. */
    public CuratorFramework newClient() throws InterruptedException {
        return newClient(DEFAULT_SESSION_TIMEOUT_MS);
    }

    public CuratorFramework newClient(int sessionTimeoutMs) throws InterruptedException {
        CuratorFramework client = ZooKeeperClients.start(new ZooKeeperConfig(connectString(), sessionTimeoutMs, sessionTimeoutMs));
        closeAfterTest(client);
        return client;
    }

    /** Registers something to close after the test, in reverse order of registration. */
    public <T extends AutoCloseable> T closeAfterTest(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    /**
     * Expires {@code client}'s session on the server, as a long network partition would: a second connection
     * joins the session with its id and password and closes it, so the server deletes its ephemerals at once
     * and the client gets SESSION_EXPIRED when it next talks to the server. (curator-test 5.x's KillSession only
     * fakes expiry on the client side and leaves the server's session, and its ephemerals, alive.)
     */
    public void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper handle = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(server.getConnectString(), 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, handle.getSessionId(), handle.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Could not join session 0x" + Long.toHexString(handle.getSessionId()));
            }
        } finally {
            killer.close();
        }
    }
}

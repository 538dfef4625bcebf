package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The harness's ZooKeeper: a real server process that clients can use, stopped by PID. */
class ZooKeeperProcessIT {
    @Test
    void answersRuokAndServesACuratorClientInAChroot(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) throws Exception {
        String chroot = ZooKeeperProcess.uniqueChroot(getClass());
        long pid;
        int port;
        try (ZooKeeperProcess zk = ZooKeeperProcess.start(workDir.resolve("zk"))) {
            pid = zk.pid();
            port = zk.port();
            assertEquals("imok", zk.fourLetterWord("ruok"));
            String srvr = zk.fourLetterWord("srvr");
            assertTrue(srvr.contains("Mode: standalone"), "srvr answered: " + srvr);

            try (CuratorFramework root = curator(zk.connectString())) {
                root.create().forPath(chroot);
                try (CuratorFramework client = curator(zk.connectString(chroot))) {
                    client.create().creatingParentsIfNeeded().forPath("/probe/node", bytes("hello"));
                    assertArrayEquals(bytes("hello"), client.getData().forPath("/probe/node"));
                }
                assertArrayEquals(bytes("hello"), root.getData().forPath(chroot + "/probe/node"),
                        "the chrooted client should have written under the chroot");
            }
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ZooKeeper pid " + pid);
        assertFalse(ManagedProcess.accepts(port), "nothing should listen on " + port + " after close");
    }

    @Test
    void restartKeepsPortAndDataAndKillEndsTheProcess(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) throws Exception {
        try (ZooKeeperProcess zk = ZooKeeperProcess.start(workDir.resolve("zk"))) {
            String path = ZooKeeperProcess.uniqueChroot(getClass()) + "/kept";
            try (CuratorFramework client = curator(zk.connectString())) {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, bytes("1"));
            }
            long firstPid = zk.pid();
            int port = zk.port();

            assertTrue(zk.stop(), "ZooKeeper should exit on SIGTERM within " + ZooKeeperProcess.STOP_GRACE);
            assertFalse(zk.isAlive());
            zk.restart();
            assertNotEquals(firstPid, zk.pid());
            assertEquals(port, zk.port());
            try (CuratorFramework client = curator(zk.connectString())) {
                assertArrayEquals(bytes("1"), client.getData().forPath(path));
            }

            long secondPid = zk.pid();
            zk.kill();
            assertFalse(zk.isAlive());
            assertFalse(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void aTakenPortFailsFastWithTheLogTail(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(ManagedProcess.LOOPBACK, 0));
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ZooKeeperProcess.startOnPort(workDir.resolve("zk"), squatter.getLocalPort()).close());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < ZooKeeperProcess.START_TIMEOUT.toSeconds(), "took " + seconds + " s");
            assertTrue(e.getMessage().contains("did not start"), e.getMessage());
            assertTrue(ManagedProcess.looksLikeBindFailure(e.getMessage()), e.getMessage());
        }
    }

    private static CuratorFramework curator(String connect) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryOneTime(200))
                .build();
        client.start();
        if (!client.blockUntilConnected(15, TimeUnit.SECONDS)) {
            client.close();
            throw new AssertionError("Curator could not connect to " + connect + " within 15 s");
        }
        return client;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

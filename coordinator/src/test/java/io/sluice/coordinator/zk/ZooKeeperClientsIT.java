package io.sluice.coordinator.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZooKeeperClientsIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    @Test
    void createsAMissingNestedChrootAndConfinesTheClientToIt() throws Exception {
        String chroot = zk.chroot() + "/nested/sluice";
        CuratorFramework client = zk.closeAfterTest(
            ZooKeeperClients.start(new ZooKeeperConfig(zk.serverConnectString() + chroot, 6000, 10_000)));
        client.create().forPath("/marker", new byte[] {1});

        CuratorFramework root = zk.closeAfterTest(ZooKeeperClients.start(ZooKeeperConfig.of(zk.serverConnectString())));
        assertNotNull(root.checkExists().forPath(chroot + "/marker"));
        assertNull(root.checkExists().forPath("/marker"));
    }

    @Test
    void anExistingChrootIsReused() throws Exception {
        zk.newClient().create().forPath("/first");
        CuratorFramework second = zk.newClient();
        assertNotNull(second.checkExists().forPath("/first"));
    }

    @Test
    void anUnreachableEnsembleFailsWithTheConnectStringAndTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();          // free, and nothing listens once closed
        }
        String connect = "127.0.0.1:" + port + "/sluice";
        ZooKeeperConnectionException e = assertThrows(ZooKeeperConnectionException.class,
            () -> ZooKeeperClients.start(new ZooKeeperConfig(connect, 6000, 300)));
        assertEquals("Could not connect to ZooKeeper at " + connect + " within 300 ms", e.getMessage());
    }
}

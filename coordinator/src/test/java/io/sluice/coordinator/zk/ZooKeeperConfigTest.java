package io.sluice.coordinator.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZooKeeperConfigTest {

    @Test
    void defaultsFollowKafka() {
        ZooKeeperConfig config = ZooKeeperConfig.fromProperties(Map.of("zookeeper.connect", "zk1:2181"));
        assertEquals(18000, config.sessionTimeoutMs());
        assertEquals(18000, config.connectionTimeoutMs());
    }

    @Test
    void connectionTimeoutDefaultsToTheSessionTimeout() {
        ZooKeeperConfig config = ZooKeeperConfig.fromProperties(
            Map.of("zookeeper.connect", "zk1:2181", "zookeeper.session.timeout.ms", "6000"));
        assertEquals(6000, config.connectionTimeoutMs());
    }

    @Test
    void splitsHostsAndChroot() {
        ZooKeeperConfig config = ZooKeeperConfig.of("zk1:2181,zk2:2181/sluice/prod/");
        assertEquals("zk1:2181,zk2:2181", config.hosts());
        assertEquals(Optional.of("/sluice/prod"), config.chroot());
        assertEquals("zk1:2181,zk2:2181/sluice/prod", config.normalizedConnect());
    }

    @Test
    void aLoneSlashIsNoChroot() {
        assertEquals(Optional.empty(), ZooKeeperConfig.of("zk1:2181/").chroot());
        assertEquals(Optional.empty(), ZooKeeperConfig.of("zk1:2181").chroot());
    }

    @Test
    void badValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooKeeperConfig.fromProperties(
            Map.of("zookeeper.connect", "zk1:2181", "zookeeper.session.timeout.ms", "soon")));
        assertTrue(e.getMessage().contains("zookeeper.session.timeout.ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ZooKeeperConfig.fromProperties(Map.of()));
        assertTrue(e.getMessage().contains("zookeeper.connect"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ZooKeeperConfig.of("zk1:2181/a//b"));
        assertTrue(e.getMessage().contains("chroot"), e.getMessage());
    }
}

package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorConfigTest {
    @TempDir
    Path dir;

    @Test
    void commandLineForm() {
        MonitorConfig c = MonitorConfig.fromArgs(new String[] {"--bootstrap-server", "a:9092,b:9092", "--http-port",
            "8000"});
        assertEquals(8000, c.httpPort());
        assertFalse(c.deleteEnabled());
        ClusterConfig cluster = c.clusters().get(0);
        assertEquals("local", cluster.name());
        assertEquals(List.of("a:9092", "b:9092"), cluster.bootstrapServers());
        assertEquals(10, cluster.windowSize());
        assertEquals(10_000, cluster.offsetRefreshMs());
        assertTrue(cluster.monitors("anything"));
        MonitorConfig named = MonitorConfig.fromArgs(new String[] {"--bootstrap-server", "a:1", "--cluster-name",
            "prod", "--http-port", "0", "--window-size", "5", "--enable-delete"});
        assertEquals("prod", named.clusters().get(0).name());
        assertEquals(5, named.clusters().get(0).windowSize());
        assertTrue(named.deleteEnabled());
        assertThrows(IllegalArgumentException.class, () -> MonitorConfig.fromArgs(new String[] {"--http-port", "1"}));
        assertThrows(IllegalArgumentException.class, () -> MonitorConfig.fromArgs(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> MonitorConfig.fromArgs(new String[] {"--bootstrap-server"}));
    }

    @Test
    void fileWithTwoClusters() throws Exception {
        Path file = dir.resolve("lag.properties");
        Files.writeString(file, String.join("\n",
            "http.port=8080",
            "http.delete.enabled=true",
            "clusters=one, two",
            "cluster.one.bootstrap.servers=h1:9092",
            "cluster.one.offset.refresh.ms=5000",
            "cluster.one.window.size=20",
            "cluster.one.group.include=^app-",
            "cluster.one.group.exclude=-test$",
            "cluster.one.group.expiry.ms=60000",
            "cluster.one.history.size=10",
            "cluster.two.bootstrap.servers=h2:9092,h3:9092"));
        MonitorConfig c = MonitorConfig.load(file);
        assertEquals(8080, c.httpPort());
        assertTrue(c.deleteEnabled());
        ClusterConfig one = c.clusters().get(0);
        assertEquals(5000, one.offsetRefreshMs());
        assertEquals(20, one.windowSize());
        assertEquals(60_000, one.groupExpiryMs());
        assertEquals(10, one.historySize());
        assertTrue(one.monitors("app-orders"));
        assertFalse(one.monitors("app-orders-test"));
        assertFalse(one.monitors("billing"));
        ClusterConfig two = c.clusters().get(1);
        assertEquals(List.of("h2:9092", "h3:9092"), two.bootstrapServers());
        assertEquals(ClusterConfig.DEFAULT_GROUP_EXPIRY_MS, two.groupExpiryMs());
    }

    @Test
    void invalidSettingsAreNamed() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "http.port=1\nclusters=x\ncluster.x.bootstrap.servers=h:1\ncluster.x.group.include=(\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MonitorConfig.load(file));
        assertTrue(e.getMessage().contains("cluster.x.group.include"), e.getMessage());
        Files.writeString(file, "http.port=1\nclusters=x\n");
        e = assertThrows(IllegalArgumentException.class, () -> MonitorConfig.load(file));
        assertTrue(e.getMessage().contains("cluster.x.bootstrap.servers"), e.getMessage());
    }
}

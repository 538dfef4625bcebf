package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The harness's failure path for brokers: a broker that cannot start fails the test fast, with its log. */
class BrokerProcessIT {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;

    @BeforeAll
    static void startZooKeeper() {
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
    }

    @AfterAll
    static void stopZooKeeper() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void aBrokerThatExitsAtStartFailsFastWithItsLogTail() {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BrokerProcess.builder(zk, workDir.resolve("broker-bad"))
                        .brokerId(7)
                        .chroot(ZooKeeperProcess.uniqueChroot(getClass()))
                        .override("broker.id", "not-a-number")
                        .start()
                        .close());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(BrokerProcess.DEFAULT_START_TIMEOUT) < 0, "took " + took);
        assertTrue(e.getMessage().startsWith("broker 7 did not start: the process exited with code "),
                e.getMessage());
        assertTrue(e.getMessage().contains("console.log"), e.getMessage());
        assertFalse(e.getMessage().endsWith(":\n"), "the message should carry the log tail: " + e.getMessage());
    }

    @Test
    void aBrokerWithoutAChrootIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BrokerProcess.builder(zk, workDir.resolve("broker-x")).start().close());
        assertTrue(e.getMessage().contains("chroot"), e.getMessage());
    }
}

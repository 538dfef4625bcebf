package io.sluice.cli.zk;

import io.sluice.cli.common.ToolException;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/** Reads one consistent-per-znode {@link ClusterImage} with the coordinator's {@link MetadataWatcher}. */
final class ClusterImages {
    private ClusterImages() {
    }

    static ClusterImage read(CuratorFramework zk, int timeoutMs) throws InterruptedException {
        try (MetadataWatcher watcher = new MetadataWatcher(zk)) {
            watcher.start();
            if (!watcher.awaitInitialized(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw ToolException.failed("Could not read the cluster metadata from ZooKeeper within " + timeoutMs + " ms");
            }
            return watcher.current();
        }
    }
}

package io.sluice.coordinator.registration;

import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The broker's side of a controlled shutdown: before a broker stops serving (SIGTERM), it asks the controller to
 * move its leaderships away, so that clients only ever see retriable errors (NOT_LEADER_OR_FOLLOWER) and refresh
 * their metadata, instead of timing out against a broker that is gone.
 *
 * <p>Mechanism (ZooKeeper only, no broker RPC): the broker creates the ephemeral znode
 * {@code /admin/controlled_shutdown/<brokerId>} ({@code {"version":1,"broker_epoch":N}}). The controller sees it
 * in its image and, for every partition this broker leads that has another live in-sync replica not itself
 * shutting down, elects that replica (leader epoch + 1) and drops this broker from the ISR; it also drops this
 * broker from the ISR of partitions it follows, unless that would empty the ISR. Meanwhile this broker waits,
 * without polling, until its image shows that it leads no partition that another live, not-shutting-down ISR
 * member could lead ({@link #partitionsBlockingShutdown}). Partitions it leads alone stay with it to the end
 * (moving them would take them offline). Being ephemeral, the znode goes with the broker's session.
 *
 * <p>Bounded as in Kafka: up to {@code controlled.shutdown.max.retries} attempts of
 * {@code controlled.shutdown.retry.backoff.ms} each (the znode is re-created at each attempt if it was lost with
 * the session), then the shutdown goes on regardless; skipped entirely when {@code controlled.shutdown.enable}
 * is false or ZooKeeper is unreachable.
 *
 * <p>Thread-safety: {@link #run} blocks its caller (the shutdown thread) and must not be called from the
 * metadata-watcher thread, whose images it waits for. One run at a time.
 */
public final class ControlledShutdown {
    private static final Logger log = LogManager.getLogger(ControlledShutdown.class);

    /**
     * @param enabled        {@code controlled.shutdown.enable} (true)
     * @param maxRetries     {@code controlled.shutdown.max.retries} (3)
     * @param retryBackoffMs {@code controlled.shutdown.retry.backoff.ms} (5000)
     */
    public record Settings(boolean enabled, int maxRetries, long retryBackoffMs) {
        public static final Settings DEFAULTS = new Settings(true, 3, 5000);

        public Settings {
            if (maxRetries < 0 || retryBackoffMs < 0) {
                throw new IllegalArgumentException("Controlled shutdown retries and backoff must be >= 0, got "
                    + maxRetries + " and " + retryBackoffMs + " ms");
            }
        }
    }

    /** How a controlled shutdown ended. */
    public sealed interface Outcome {
        /** Not attempted. */
        record Skipped(String reason) implements Outcome {
        }

        /** No partition that could be led elsewhere is led here any more. */
        record Completed(int attempts, long elapsedMs) implements Outcome {
        }

        /** Gave up after every attempt; these partitions are still led here although they could move. */
        record Incomplete(List<PartitionRef> stillLed) implements Outcome {
            public Incomplete {
                stillLed = List.copyOf(stillLed);
            }
        }
    }

    private final CuratorFramework zk;
    private final MetadataWatcher watcher;
    private final int brokerId;
    private final Settings settings;

    public ControlledShutdown(CuratorFramework zk, MetadataWatcher watcher, int brokerId, Settings settings) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.brokerId = brokerId;
        this.settings = Objects.requireNonNull(settings, "settings");
        ZkPaths.controlledShutdown(brokerId);
    }

    /**
     * Pure: the partitions {@code brokerId} leads that have another live ISR member not in a controlled shutdown,
     * i.e. that the controller can and will move away. Topics being deleted do not count.
     */
    public static List<PartitionRef> partitionsBlockingShutdown(ClusterImage image, int brokerId) {
        List<PartitionRef> out = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            if (image.isPendingDeletion(topic.name())) {
                continue;
            }
            topic.partitions().forEach((p, partition) -> {
                PartitionState state = partition.state().orElse(null);
                if (state != null && state.leader() == brokerId && state.isr().stream()
                        .anyMatch(b -> b != brokerId && image.isLive(b) && !image.isShuttingDown(b))) {
                    out.add(new PartitionRef(topic.name(), p));
                }
            });
        }
        return out;
    }

    /** Announces the shutdown and waits (bounded) until the leaderships that can move have moved. */
    public Outcome run() throws InterruptedException {
        if (!settings.enabled()) {
            return new Outcome.Skipped("controlled.shutdown.enable is false");
        }
        if (!zk.getZookeeperClient().isConnected()) {
            return new Outcome.Skipped("ZooKeeper is unreachable");
        }
        long startNs = System.nanoTime();
        BlockingQueue<Boolean> wakeUp = new ArrayBlockingQueue<>(1);
        MetadataWatcher.ListenerRegistration registration = watcher.addListener(image -> wakeUp.offer(Boolean.TRUE));
        try {
            int attempts = Math.max(1, settings.maxRetries());
            long attemptMs = settings.maxRetries() == 0 ? 0 : settings.retryBackoffMs();
            List<PartitionRef> blocking = List.of();
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    announce();
                } catch (CoordinatorException e) {
                    log.warn("Broker {} could not announce its controlled shutdown: {}", brokerId, e.getMessage());
                }
                long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(attemptMs);
                while (true) {
                    blocking = partitionsBlockingShutdown(watcher.current(), brokerId);
                    if (blocking.isEmpty()) {
                        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                        log.info("Broker {} completed its controlled shutdown in {} ms ({} attempt(s))", brokerId,
                            elapsedMs, attempt);
                        return new Outcome.Completed(attempt, elapsedMs);
                    }
                    long remainingNs = deadlineNs - System.nanoTime();
                    if (remainingNs <= 0) {
                        break;
                    }
                    wakeUp.poll(remainingNs, TimeUnit.NANOSECONDS);
                }
                log.info("Broker {} controlled shutdown attempt {} of {}: still leading {} partitions that could move,"
                    + " e.g. {}", brokerId, attempt, attempts, blocking.size(), blocking.subList(0, Math.min(5, blocking.size())));
            }
            log.warn("Broker {} gives up its controlled shutdown after {} attempts; {} partitions it leads move only "
                + "when its registration goes", brokerId, attempts, blocking.size());
            return new Outcome.Incomplete(blocking);
        } finally {
            registration.close();
        }
    }

    /** Deletes the shutdown announcement (a shutdown that was called off; tests). */
    public void withdraw() {
        try {
            zk.delete().forPath(ZkPaths.controlledShutdown(brokerId));
        } catch (KeeperException.NoNodeException gone) {
            // nothing to withdraw
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not delete " + ZkPaths.controlledShutdown(brokerId), e);
        }
    }

    private void announce() {
        String path = ZkPaths.controlledShutdown(brokerId);
        long epoch = watcher.current().broker(brokerId).map(BrokerInfo::brokerEpoch).orElse(BrokerInfo.UNKNOWN_EPOCH);
        try {
            zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path, ZkJson.encodeControlledShutdown(epoch));
            log.info("Broker {} (epoch {}) announced its controlled shutdown at {}", brokerId, epoch, path);
        } catch (KeeperException.NodeExistsException alreadyThere) {
            log.debug("{} exists already", path);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not create " + path, e);
        }
    }
}

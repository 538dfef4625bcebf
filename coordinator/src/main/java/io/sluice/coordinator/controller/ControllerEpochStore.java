package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.MultiOpFailure;
import io.sluice.coordinator.zk.ZkPaths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads and claims {@code /controller_epoch}, and publishes {@code /controller}.
 *
 * <p>Claiming, after the LeaderLatch says we lead, is one transaction:
 * <ol>
 *   <li>{@code check} that our latch znode still exists (we still hold the latch);</li>
 *   <li>{@code setData(/controller_epoch, E+1)} with the version we read, or, on a brand-new cluster,
 *       {@code create(/controller_epoch, "1")} (if two first controllers race, one create fails);</li>
 *   <li>{@code delete(/controller)} with its version, if a previous controller's znode is still there;</li>
 *   <li>{@code create(/controller)}, ephemeral, {@code {"version":1,"brokerid":N,"timestamp":"ms"}}.</li>
 * </ol>
 * On a version conflict the claim re-reads and tries again. If a retried transaction had in fact been applied
 * (its reply was lost), {@code /controller} is then ours (our session, our id) and the current epoch is adopted.
 *
 * <p>Blocking; controller thread only.
 */
public final class ControllerEpochStore {
    private static final Logger log = LogManager.getLogger(ControllerEpochStore.class);
    private static final int MAX_ATTEMPTS = 10;

    private final CuratorFramework zk;
    private final Clock clock;

    public ControllerEpochStore(CuratorFramework zk, Clock clock) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The current epoch and its data version, or empty before the first election. */
    public Optional<ControllerEpoch> read() {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
            return Optional.of(new ControllerEpoch(ZkJson.decodeControllerEpoch(data), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + ZkPaths.CONTROLLER_EPOCH, e);
        }
    }

    /**
     * Bumps the epoch and publishes {@code /controller} for {@code brokerId}, provided {@code latchPath} (our
     * LeaderLatch znode) still exists.
     *
     * @throws ControllerMovedException if the latch znode is gone (we no longer lead)
     */
    public ControllerEpoch claim(int brokerId, String latchPath) {
        long ourSession = sessionId();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<ControllerEpoch> current = read();
            Stat controller = statOf(ZkPaths.CONTROLLER);
            if (attempt > 0 && current.isPresent() && controller != null
                    && controller.getEphemeralOwner() == ourSession && controllerIdIs(brokerId)) {
                log.info("Adopting controller epoch {}: /controller is already ours", current.get().epoch());
                return current.get();                        // our previous attempt was applied after all
            }
            int nextEpoch = current.map(e -> e.epoch() + 1).orElse(1);
            try {
                List<CuratorOp> ops = new ArrayList<>();
                ops.add(zk.transactionOp().check().forPath(latchPath));
                if (current.isPresent()) {
                    ops.add(zk.transactionOp().setData().withVersion(current.get().zkVersion())
                        .forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.encodeControllerEpoch(nextEpoch)));
                } else {
                    ops.add(zk.transactionOp().create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.encodeControllerEpoch(nextEpoch)));
                }
                if (controller != null) {
                    ops.add(zk.transactionOp().delete().withVersion(controller.getVersion()).forPath(ZkPaths.CONTROLLER));
                }
                ops.add(zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                    .forPath(ZkPaths.CONTROLLER, ZkJson.encodeController(brokerId, clock.millis())));
                List<CuratorTransactionResult> results = zk.transaction().forOperations(ops);
                Stat epochStat = results.get(1).getResultStat();
                int zkVersion = current.isPresent() && epochStat != null ? epochStat.getVersion() : 0;
                return new ControllerEpoch(nextEpoch, zkVersion);
            } catch (KeeperException e) {
                MultiOpFailure failure = MultiOpFailure.of(e);
                if (failure.index() == 0) {
                    throw new ControllerMovedException("Lost the controller latch (" + latchPath + " is gone) "
                        + "before claiming controller epoch " + nextEpoch, e);
                }
                if (failure.index() < 0) {
                    throw CoordinatorException.wrap("Could not claim controller epoch " + nextEpoch, e);
                }
                log.info("Claiming controller epoch {} conflicted at operation {} ({}); re-reading",
                    nextEpoch, failure.index(), failure.code());
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not claim controller epoch " + nextEpoch, e);
            }
        }
        throw new CoordinatorException("Could not claim the controller epoch after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Best effort on resignation: deletes {@code /controller} if our session owns it, so tools stop naming us
     * while the next controller is being elected. Skipped when disconnected.
     */
    public void releaseControllerZnode() {
        if (!zk.getZookeeperClient().isConnected()) {
            return;
        }
        try {
            Stat stat = statOf(ZkPaths.CONTROLLER);
            if (stat != null && stat.getEphemeralOwner() == sessionId()) {
                zk.delete().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER);
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
            // someone else's now, or already gone
        } catch (Exception e) {
            log.debug("Could not delete {} on resignation: {}", ZkPaths.CONTROLLER, e.toString());
        }
    }

    private boolean controllerIdIs(int brokerId) {
        try {
            return ZkJson.decodeControllerId(zk.getData().forPath(ZkPaths.CONTROLLER)) == brokerId;
        } catch (Exception e) {
            return false;
        }
    }

    private Stat statOf(String path) {
        try {
            return zk.checkExists().forPath(path);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + path, e);
        }
    }

    private long sessionId() {
        try {
            return zk.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read our ZooKeeper session id", e);
        }
    }
}

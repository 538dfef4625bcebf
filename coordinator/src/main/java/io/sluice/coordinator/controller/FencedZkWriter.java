package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.MultiOpFailure;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.KeeperException;

/**
 * The only way a controller writes to ZooKeeper: each write is one transaction whose first operation checks that
 * {@code /controller_epoch} is still at the data version this controller produced when it was elected
 * (KAFKA-6082). If it is not, another controller has been elected since, nothing is written, and
 * {@link ControllerMovedException} is thrown; the caller must resign.
 *
 * <p>A transaction must fit ZooKeeper's {@code jute.maxbuffer} (1 MiB by default): callers chunk large batches,
 * each chunk with its own check.
 *
 * <p>Thread-safe (immutable over a thread-safe client), but used only by the controller thread.
 */
public final class FencedZkWriter {
    private final CuratorFramework zk;
    private final ControllerEpoch epoch;

    public FencedZkWriter(CuratorFramework zk, ControllerEpoch epoch) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.epoch = Objects.requireNonNull(epoch, "epoch");
    }

    public ControllerEpoch epoch() {
        return epoch;
    }

    /** Builds operations for {@link #write}. */
    public TransactionOp op() {
        return zk.transactionOp();
    }

    /** Outcome of a fenced write whose epoch check passed. */
    public sealed interface Outcome {
        /** Everything was applied; results are those of the caller's operations (the fence's is removed). */
        record Committed(List<CuratorTransactionResult> results) implements Outcome {
        }

        /** Nothing was applied because the caller's operation at {@code index} failed with {@code code}. */
        record Conflict(int index, KeeperException.Code code) implements Outcome {
        }
    }

    /**
     * Runs {@code check(/controller_epoch, ourVersion)} followed by {@code ops} as one transaction.
     *
     * @throws ControllerMovedException if the epoch check failed (nothing was written)
     * @throws CoordinatorException     on other ZooKeeper trouble (connection loss: the outcome is unknown;
     *                                  re-read before retrying)
     */
    public Outcome write(List<CuratorOp> ops) {
        if (ops.isEmpty()) {
            return new Outcome.Committed(List.of());
        }
        try {
            List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
            all.add(zk.transactionOp().check().withVersion(epoch.zkVersion()).forPath(ZkPaths.CONTROLLER_EPOCH));
            all.addAll(ops);
            List<CuratorTransactionResult> results = zk.transaction().forOperations(all);
            return new Outcome.Committed(List.copyOf(results.subList(1, results.size())));
        } catch (KeeperException e) {
            MultiOpFailure failure = MultiOpFailure.of(e);
            if (failure.index() == 0) {
                throw new ControllerMovedException("Controller epoch " + epoch.epoch() + " is fenced: "
                    + ZkPaths.CONTROLLER_EPOCH + " is no longer at version " + epoch.zkVersion() + " (" + failure.code() + ")", e);
            }
            if (failure.index() > 0) {
                return new Outcome.Conflict(failure.index() - 1, failure.code());
            }
            throw CoordinatorException.wrap("Fenced write of " + ops.size() + " operations failed", e);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Fenced write of " + ops.size() + " operations failed", e);
        }
    }

    /**
     * Compare-and-set of one partition's state, fenced: written only if our epoch is current and the state is
     * still at {@code expectedZkVersion}.
     */
    public CasResult writePartitionState(String topic, int partition, PartitionState state, int expectedZkVersion) {
        String path = ZkPaths.partitionState(topic, partition);
        try {
            Outcome outcome = write(List.of(
                zk.transactionOp().setData().withVersion(expectedZkVersion).forPath(path, ZkJson.encodePartitionState(state))));
            if (outcome instanceof Outcome.Committed committed) {
                return new CasResult.Written(committed.results().get(0).getResultStat().getVersion());
            }
            Outcome.Conflict conflict = (Outcome.Conflict) outcome;
            return conflict.code() == KeeperException.Code.NONODE
                ? new CasResult.NoNode(path) : new CasResult.StaleVersion(path, expectedZkVersion);
        } catch (ControllerMovedException e) {
            throw e;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not write " + path, e);
        }
    }
}

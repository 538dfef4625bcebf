package io.sluice.coordinator.zk;

import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

/**
 * Which operation of a failed ZooKeeper multi-op failed, and why.
 *
 * <p>When a multi fails, ZooKeeper reports one result per operation: the operations before the culprit carry
 * code 0, the culprit its own error, and the ones after it {@code RUNTIMEINCONSISTENCY}. The exception itself
 * carries the culprit's code but not its position, which is what callers need ("was it the epoch check or the
 * partition-state write?").
 *
 * @param index position of the failed operation in the transaction, or -1 if ZooKeeper did not say (for
 *              example a connection loss before the multi reached the server)
 * @param code  the failed operation's error code
 */
public record MultiOpFailure(int index, KeeperException.Code code) {

    public static MultiOpFailure of(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results != null) {
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) instanceof OpResult.ErrorResult error
                        && error.getErr() != KeeperException.Code.OK.intValue()
                        && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return new MultiOpFailure(i, KeeperException.Code.get(error.getErr()));
                }
            }
        }
        return new MultiOpFailure(-1, e.code());
    }

    /** True if operation {@code i} failed with {@code expected}. */
    public boolean failedAt(int i, KeeperException.Code expected) {
        return index == i && code == expected;
    }
}

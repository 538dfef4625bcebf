package io.sluice.coordinator.zk;

/** The ZooKeeper ensemble could not be reached in time; the message names the connect string and the timeout. */
public final class ZooKeeperConnectionException extends CoordinatorException {
    public ZooKeeperConnectionException(String message) {
        super(message);
    }
}

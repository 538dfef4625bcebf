package io.sluice.coordinator.metadata;

import io.sluice.coordinator.zk.CoordinatorException;

/** A znode holds data Sluice cannot decode; the message names the path and what was wrong. */
public final class ZkDataException extends CoordinatorException {
    public ZkDataException(String message) {
        super(message);
    }

    public ZkDataException(String message, Throwable cause) {
        super(message, cause);
    }
}

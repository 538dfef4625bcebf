package io.sluice.coordinator.controller;

import io.sluice.coordinator.zk.CoordinatorException;

/** A fenced write failed its controller-epoch check: another controller has taken over. Resign. */
public final class ControllerMovedException extends CoordinatorException {
    public ControllerMovedException(String message) {
        super(message);
    }

    public ControllerMovedException(String message, Throwable cause) {
        super(message, cause);
    }
}

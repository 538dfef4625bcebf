package io.sluice.coordinator.controller;

/**
 * A controller's term: the epoch number written in {@code /controller_epoch} and that znode's data version
 * after our write, which every fenced write checks.
 */
public record ControllerEpoch(int epoch, int zkVersion) {
    public ControllerEpoch {
        if (epoch <= 0) {
            throw new IllegalArgumentException("Controller epoch must be > 0, got " + epoch);
        }
    }
}

package io.sluice.coordinator.controller;

/** Told when this broker becomes, or stops being, the active controller. Runs on the controller thread. */
public interface ControllerListener {
    void onActivated(ControllerEpoch epoch);

    void onDeactivated();
}

package io.sluice.coordinator.controller;

/**
 * Inputs of the {@link ActiveController} event loop. ZooKeeper callbacks and timers only enqueue these; all
 * work happens when the controller thread processes them.
 */
sealed interface ControllerEvent {
    /** This broker just became the active controller: reconcile everything. */
    record Activated() implements ControllerEvent {
    }

    /**
     * The metadata image changed (brokers, topics, partition states, deletion markers and confirmations,
     * controlled shutdowns, election requests...).
     */
    record MetadataChanged() implements ControllerEvent {
    }

    /** Try again after a transient failure or a lost race. */
    record RetryRequested(String reason) implements ControllerEvent {
    }

    /** The periodic preferred-leader check is due ({@code leader.imbalance.check.interval.seconds}). */
    record LeaderImbalanceCheckDue() implements ControllerEvent {
    }

    /** Time to delete answered election requests their brokers did not delete (they may have died). */
    record ElectionRequestCleanupDue() implements ControllerEvent {
    }
}

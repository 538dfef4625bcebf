package io.sluice.coordinator.controller;

import io.sluice.common.Uuid;

/**
 * Inputs of the {@link ActiveController} event loop. ZooKeeper callbacks and completions only enqueue these;
 * all work happens when the controller thread processes them.
 */
sealed interface ControllerEvent {
    /** This broker just became the active controller: reconcile everything. */
    record Activated() implements ControllerEvent {
    }

    /** The metadata image changed (brokers, topics, partition states, deletion markers...). */
    record MetadataChanged() implements ControllerEvent {
    }

    /** Try again after a transient failure. */
    record RetryRequested(String reason) implements ControllerEvent {
    }

    /** The deletion hook finished for a topic (failed if {@code error} is not null). */
    record TopicReplicasDeleted(String topic, Uuid topicId, Throwable error) implements ControllerEvent {
    }
}

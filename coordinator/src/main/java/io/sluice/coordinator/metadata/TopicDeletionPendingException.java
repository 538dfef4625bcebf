package io.sluice.coordinator.metadata;

import io.sluice.coordinator.zk.CoordinatorException;

/** The topic is marked for deletion, so it cannot be changed any more. */
public final class TopicDeletionPendingException extends CoordinatorException {
    public TopicDeletionPendingException(String message) {
        super(message);
    }
}

package io.sluice.coordinator.metadata;

import io.sluice.coordinator.zk.CoordinatorException;

/** The topic already exists in ZooKeeper, or is still being deleted (the broker answers TOPIC_ALREADY_EXISTS). */
public final class TopicExistsException extends CoordinatorException {
    public TopicExistsException(String message) {
        super(message);
    }
}

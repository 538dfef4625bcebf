package io.sluice.coordinator.metadata;

import io.sluice.coordinator.zk.CoordinatorException;

/** The topic has no assignment znode (the broker answers UNKNOWN_TOPIC_OR_PARTITION). */
public final class UnknownTopicException extends CoordinatorException {
    public UnknownTopicException(String message) {
        super(message);
    }
}

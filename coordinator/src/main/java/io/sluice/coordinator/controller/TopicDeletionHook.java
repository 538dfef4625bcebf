package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.TopicImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the controller waits for before it removes a deleted topic's znodes. Called on the controller thread;
 * must not block; the controller continues when the returned stage completes (on any thread).
 *
 * <p>TODO(#5): the broker supplies an implementation that sends StopReplica(delete=true) to every replica and
 * completes once all have deleted their logs (Kafka removes the znodes last, so a broker that was down during
 * the deletion still learns about it). Until then {@link #IMMEDIATE} deletes the znodes at once.
 */
@FunctionalInterface
public interface TopicDeletionHook {
    TopicDeletionHook IMMEDIATE = topic -> CompletableFuture.completedFuture(null);

    CompletionStage<Void> deleteReplicas(TopicImage topic);
}

package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the controller waits for before it removes the znodes of a topic marked for deletion. Pure and
 * level-triggered: asked again with every new image, on the controller thread; must not block.
 *
 * <p>The deletion protocol (Kafka's "znodes removed last", without broker RPCs): every broker deletes its logs of
 * a topic as soon as its image shows the topic marked for deletion, then confirms with
 * {@code /admin/delete_topics/<topic>/<brokerId>} (io.sluice.coordinator.registration.TopicDeletionAcks). Once
 * every replica's broker has confirmed, or is not registered (dead), the controller removes
 * {@code /brokers/topics/<topic>}, {@code /config/topics/<topic>} and, last, the marker with the confirmations.
 * For each replica broker that was dead and had not confirmed, it first records
 * {@code /admin/stray_replicas/<brokerId>/<topic>}; that broker deletes those logs when it next starts, before it
 * hosts anything (so a topic re-created under the same name never inherits them).
 */
@FunctionalInterface
public interface TopicDeletionHook {
    /** Removes the znodes at once (tools and tests without brokers that confirm). */
    TopicDeletionHook IMMEDIATE = (topic, image) -> Set.of();

    /** Waits for every live broker holding a replica (being added or removed ones included) to confirm. */
    TopicDeletionHook AWAIT_LIVE_REPLICAS = (topic, image) -> {
        Set<Integer> awaited = new TreeSet<>(replicaBrokers(topic));
        awaited.retainAll(image.liveBrokerIds());
        awaited.removeAll(image.deletionConfirmedBy(topic.name(), topic.id()));
        return Collections.unmodifiableSet(awaited);
    };

    /**
     * The brokers the controller still waits for before it removes {@code topic}'s znodes; empty: remove them now.
     */
    Set<Integer> awaitedBrokers(TopicImage topic, ClusterImage image);

    /** Every broker with a replica of {@code topic}. */
    static Set<Integer> replicaBrokers(TopicImage topic) {
        Set<Integer> brokers = new TreeSet<>();
        for (PartitionImage p : topic.partitions().values()) {
            brokers.addAll(p.replicas());
        }
        return brokers;
    }
}

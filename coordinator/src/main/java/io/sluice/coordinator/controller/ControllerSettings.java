package io.sluice.coordinator.controller;

import java.util.Objects;

/**
 * The controller's configuration (broker keys in parentheses, Kafka's names and defaults).
 *
 * @param autoLeaderRebalanceEnable          move leaders back to their preferred replicas periodically
 *                                           ({@code auto.leader.rebalance.enable}, true)
 * @param leaderImbalanceCheckIntervalMs     how often ({@code leader.imbalance.check.interval.seconds}, 300 s)
 * @param leaderImbalancePerBrokerPercentage the per-broker share of partitions not led by their preferred replica
 *                                           above which they are moved back
 *                                           ({@code leader.imbalance.per.broker.percentage}, 10)
 * @param deletionHook                       when a deleted topic's znodes may go (brokers: wait for the replicas)
 */
public record ControllerSettings(boolean autoLeaderRebalanceEnable, long leaderImbalanceCheckIntervalMs,
                                 int leaderImbalancePerBrokerPercentage, TopicDeletionHook deletionHook) {
    public static final ControllerSettings DEFAULTS =
        new ControllerSettings(true, 300_000L, 10, TopicDeletionHook.AWAIT_LIVE_REPLICAS);

    public ControllerSettings {
        if (leaderImbalanceCheckIntervalMs <= 0) {
            throw new IllegalArgumentException("Leader imbalance check interval must be > 0 ms, got "
                + leaderImbalanceCheckIntervalMs);
        }
        if (leaderImbalancePerBrokerPercentage < 0 || leaderImbalancePerBrokerPercentage > 100) {
            throw new IllegalArgumentException("Leader imbalance percentage must be in [0, 100], got "
                + leaderImbalancePerBrokerPercentage);
        }
        Objects.requireNonNull(deletionHook, "deletionHook");
    }

    public ControllerSettings withDeletionHook(TopicDeletionHook hook) {
        return new ControllerSettings(autoLeaderRebalanceEnable, leaderImbalanceCheckIntervalMs,
            leaderImbalancePerBrokerPercentage, hook);
    }

    public ControllerSettings withAutoLeaderRebalance(boolean enable, long intervalMs, int percentage) {
        return new ControllerSettings(enable, intervalMs, percentage, deletionHook);
    }
}

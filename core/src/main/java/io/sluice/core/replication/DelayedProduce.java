package io.sluice.core.replication;

import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.purgatory.DelayedOperation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An acks=all produce waiting until every partition's high watermark passes its appended batch (every current
 * ISR member has it), or until the request's timeout, which answers REQUEST_TIMED_OUT for the partitions
 * still short. A partition whose leadership moved answers NOT_LEADER_OR_FOLLOWER; one whose ISR shrank below
 * {@code min.insync.replicas} before its HW passed the batch answers NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 */
final class DelayedProduce extends DelayedOperation {
    private final Map<TopicPartition, ProduceResult> appended;
    private final Map<TopicPartition, Long> lastOffsets;
    private final Function<TopicPartition, Partition> partitions;
    private final CompletableFuture<Map<TopicPartition, ProduceResult>> result;

    /**
     * @param appended    each partition's outcome of the local append (errors are final)
     * @param lastOffsets the last offset appended per successful partition: the HW must pass it
     */
    DelayedProduce(long timeoutMs, Map<TopicPartition, ProduceResult> appended, Map<TopicPartition, Long> lastOffsets,
                   Function<TopicPartition, Partition> partitions, CompletableFuture<Map<TopicPartition, ProduceResult>> result) {
        super(timeoutMs);
        this.appended = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(appended));
        this.lastOffsets = Map.copyOf(lastOffsets);
        this.partitions = partitions;
        this.result = result;
    }

    /** Null when the partition is settled (replicated or failed), else the reason it still waits. */
    private Errors pending(TopicPartition tp, ProduceResult r, boolean expired) {
        if (r.error() != Errors.NONE) {
            return null;
        }
        Partition p = partitions.apply(tp);
        if (p == null || !p.isLeader() || p.leaderEpoch() != r.leaderEpoch()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (p.highWatermark() > lastOffset(tp)) {
            // Replicated to every ISR member; but if the ISR shrank below min.insync.replicas meanwhile, fewer
            // copies than promised exist (Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND, retriable).
            return p.isr().size() < p.log().config().minInsyncReplicas() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : null;
        }
        return expired ? Errors.REQUEST_TIMED_OUT : Errors.NONE;
    }

    private long lastOffset(TopicPartition tp) {
        return lastOffsets.getOrDefault(tp, -1L);
    }

    @Override
    public boolean tryComplete() {
        for (Map.Entry<TopicPartition, ProduceResult> e : appended.entrySet()) {
            Errors waiting = pending(e.getKey(), e.getValue(), false);
            if (waiting == Errors.NONE) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onComplete(boolean expired) {
        Map<TopicPartition, ProduceResult> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, ProduceResult> e : appended.entrySet()) {
            ProduceResult r = e.getValue();
            Errors problem = pending(e.getKey(), r, expired);
            if (problem == null || problem == Errors.NONE) {
                out.put(e.getKey(), r);
            } else {
                String message = switch (problem) {
                    case REQUEST_TIMED_OUT -> "Not all in-sync replicas of " + e.getKey() + " acknowledged the write in time";
                    case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "The in-sync replicas of " + e.getKey()
                        + " shrank below min.insync.replicas while the write was being replicated";
                    default -> "Leadership of " + e.getKey() + " moved while waiting for replication";
                };
                out.put(e.getKey(), ProduceResult.error(problem, message, r.leaderId(), r.leaderEpoch()));
            }
        }
        result.complete(out);
    }
}

package io.sluice.core.replication;

import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.purgatory.DelayedOperation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * DeleteRecords waiting until every partition's low watermark (the smallest log start offset over the leader and
 * its live followers, which learn the leader's from their fetches) reached the requested offset, or until the
 * request's timeout (REQUEST_TIMED_OUT for the partitions still short).
 */
final class DelayedDeleteRecords extends DelayedOperation {
    private final Map<TopicPartition, DeleteRecordsResult> started;
    private final Map<TopicPartition, Long> targets;
    private final Function<TopicPartition, Partition> partitions;
    private final IntPredicate isLive;
    private final CompletableFuture<Map<TopicPartition, DeleteRecordsResult>> result;

    DelayedDeleteRecords(long timeoutMs, Map<TopicPartition, DeleteRecordsResult> started, Map<TopicPartition, Long> targets,
                         Function<TopicPartition, Partition> partitions, IntPredicate isLive,
                         CompletableFuture<Map<TopicPartition, DeleteRecordsResult>> result) {
        super(timeoutMs);
        this.started = new LinkedHashMap<>(started);
        this.targets = Map.copyOf(targets);
        this.partitions = partitions;
        this.isLive = isLive;
        this.result = result;
    }

    private DeleteRecordsResult current(TopicPartition tp, boolean expired) {
        DeleteRecordsResult first = started.get(tp);
        if (first.error() != Errors.NONE) {
            return first;
        }
        Partition p = partitions.apply(tp);
        if (p == null || !p.isLeader()) {
            return DeleteRecordsResult.error(Errors.NOT_LEADER_OR_FOLLOWER, "Leadership of " + tp + " moved");
        }
        long low = p.lowWatermark(isLive);
        if (low >= targets.get(tp)) {
            return new DeleteRecordsResult(Errors.NONE, null, low);
        }
        return expired ? DeleteRecordsResult.error(Errors.REQUEST_TIMED_OUT, "The replicas of " + tp
            + " did not all reach log start offset " + targets.get(tp) + " in time (low watermark " + low + ")") : null;
    }

    @Override
    public boolean tryComplete() {
        for (TopicPartition tp : started.keySet()) {
            if (current(tp, false) == null) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onComplete(boolean expired) {
        Map<TopicPartition, DeleteRecordsResult> out = new LinkedHashMap<>();
        for (TopicPartition tp : started.keySet()) {
            out.put(tp, current(tp, expired));
        }
        result.complete(out);
    }
}

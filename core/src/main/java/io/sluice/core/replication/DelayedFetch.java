package io.sluice.core.replication;

import io.sluice.core.log.TopicPartition;
import io.sluice.core.purgatory.DelayedOperation;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A fetch that found fewer than min_bytes: it waits until appends (or HW moves) make enough data visible, an
 * error appears on one of its partitions, or max_wait_ms passes; then it reads again and answers with what
 * there is.
 */
final class DelayedFetch extends DelayedOperation {
    private final int minBytes;
    private final Supplier<Map<TopicPartition, FetchResult>> read;
    private final CompletableFuture<Map<TopicPartition, FetchResult>> result;

    DelayedFetch(long maxWaitMs, int minBytes, Supplier<Map<TopicPartition, FetchResult>> read,
                 CompletableFuture<Map<TopicPartition, FetchResult>> result) {
        super(maxWaitMs);
        this.minBytes = minBytes;
        this.read = read;
        this.result = result;
    }

    static boolean satisfied(Map<TopicPartition, FetchResult> results, int minBytes) {
        long bytes = 0;
        for (FetchResult r : results.values()) {
            if (r.error() != io.sluice.common.Errors.NONE || r.divergingEpoch().isPresent()) {
                return true;
            }
            bytes += r.sizeInBytes();
        }
        return bytes >= minBytes;
    }

    @Override
    public boolean tryComplete() {
        return satisfied(read.get(), minBytes) && forceComplete();
    }

    @Override
    protected void onComplete(boolean expired) {
        try {
            result.complete(read.get());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}

package io.sluice.core.purgatory;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Collection;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Holds {@link DelayedOperation}s that wait on keys (e.g. a topic-partition) until an event on one of their
 * keys lets them complete ({@link #checkAndComplete}) or their timeout fires. One shared timer thread only
 * fires expiries and hands the completion to {@code completionExecutor}. Thread-safe.
 *
 * <p>Never call {@link #checkAndComplete} while holding a lock that an operation's tryComplete might take.
 */
public final class Purgatory<K> implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(Purgatory.class);

    private final String name;
    private final HashedWheelTimer timer;
    private final Executor completionExecutor;
    private final ConcurrentHashMap<K, Queue<DelayedOperation>> watchers = new ConcurrentHashMap<>();

    public Purgatory(String name, Executor completionExecutor) {
        this.name = name;
        this.completionExecutor = completionExecutor;
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("purgatory-" + name, true), 10, TimeUnit.MILLISECONDS);
    }

    /**
     * Completes {@code op} now if it can; otherwise watches it under {@code keys} and arms its timeout.
     * Returns true if it completed right away.
     */
    public boolean tryCompleteElseWatch(DelayedOperation op, Collection<K> keys) {
        if (op.tryComplete()) {
            return true;
        }
        for (K key : keys) {
            // Added inside compute() so it cannot interleave with the removal of an emptied queue (also done in
            // compute), which would strand the operation in a queue no event ever looks at.
            watchers.compute(key, (k, q) -> {
                Queue<DelayedOperation> queue = q != null ? q : new ConcurrentLinkedQueue<>();
                queue.add(op);
                return queue;
            });
        }
        // An event may have fired between the first check and the watch: check again.
        if (op.tryComplete()) {
            return true;
        }
        Timeout timeout = timer.newTimeout(t -> completionExecutor.execute(() -> {
            try {
                op.expire();
            } catch (RuntimeException e) {
                log.error("Expiring a delayed operation in purgatory {} failed", name, e);
            }
        }), Math.max(0, op.timeoutMs()), TimeUnit.MILLISECONDS);
        op.setCancelExpiry(timeout::cancel);
        return false;
    }

    /** Gives every operation watching {@code key} a chance to complete; drops completed ones. */
    public int checkAndComplete(K key) {
        Queue<DelayedOperation> queue = watchers.get(key);
        if (queue == null) {
            return 0;
        }
        int completed = 0;
        for (Iterator<DelayedOperation> it = queue.iterator(); it.hasNext(); ) {
            DelayedOperation op = it.next();
            if (op.isCompleted()) {
                it.remove();
            } else if (op.tryComplete()) {
                completed++;
                it.remove();
            }
        }
        if (queue.isEmpty()) {
            watchers.computeIfPresent(key, (k, q) -> q.isEmpty() ? null : q);
        }
        return completed;
    }

    /** Number of watch entries, completed ones included until purged; for tests and metrics. */
    public int watched() {
        int n = 0;
        for (Queue<DelayedOperation> q : watchers.values()) {
            n += q.size();
        }
        return n;
    }

    /** Removes completed operations from every key (cheap housekeeping, called periodically). */
    public void purgeCompleted() {
        watchers.forEach((k, q) -> {
            q.removeIf(DelayedOperation::isCompleted);
            if (q.isEmpty()) {
                watchers.computeIfPresent(k, (key, queue) -> queue.isEmpty() ? null : queue);
            }
        });
    }

    @Override
    public void close() {
        timer.stop();
    }
}

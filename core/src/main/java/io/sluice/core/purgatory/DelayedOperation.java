package io.sluice.core.purgatory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work that waits for an event (an append, a high-watermark move) or a timeout, without holding a thread:
 * a long-poll fetch, an acks=all produce. {@link #tryComplete()} is called whenever something it watches
 * changes; {@link #onComplete(boolean)} runs exactly once, on whichever path wins (event or expiry).
 *
 * <p>Thread-safe: tryComplete may be called concurrently from several threads; completion is guarded by a CAS.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private final long timeoutMs;
    private volatile Runnable cancelExpiry = () -> { };

    protected DelayedOperation(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * Checks whether the operation can complete now, and if so calls {@link #forceComplete()} and returns
     * true. Must be cheap and must not block.
     */
    public abstract boolean tryComplete();

    /** Runs exactly once: with {@code expired} true when the timeout won. */
    protected abstract void onComplete(boolean expired);

    /** Completes the operation unless it already completed; returns whether this call completed it. */
    public final boolean forceComplete() {
        return complete(false);
    }

    final boolean expire() {
        return complete(true);
    }

    private boolean complete(boolean expired) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        cancelExpiry.run();
        onComplete(expired);
        return true;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    final void setCancelExpiry(Runnable cancel) {
        this.cancelExpiry = cancel;
        if (completed.get()) {
            cancel.run();
        }
    }
}

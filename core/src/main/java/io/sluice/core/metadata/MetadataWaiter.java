package io.sluice.core.metadata;

import io.sluice.common.Scheduler;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Waits, without a thread, until the cluster metadata satisfies a condition: "the new topic's partitions all have
 * leaders", "the deleted topic is gone". {@link #await} returns a future that completes with the first image for
 * which the condition holds (the current one, or a later one handed to {@link #onImage}), or with empty when the
 * timeout passes first. Timeouts run on the shared {@link Scheduler}; there is no thread per wait and nothing
 * blocks.
 *
 * <p>Images arrive through {@link #onImage}, which {@link #attach} registers as a {@link MetadataWatcher}
 * listener. Every pending condition is tested against every new image: cheap for the few admin requests that
 * wait at a time.
 *
 * <p>Thread-safety: all methods are safe from any thread. A wait is registered before the latest image is
 * checked, and {@link #onImage} publishes an image before it checks the registered waits, so an image that
 * arrives while a wait is being registered is never missed. Futures complete on the thread that delivers the
 * image (the {@code metadata-watcher} thread), on the scheduler's thread (timeout) or on the caller's (already
 * true): dependent stages must be short and non-blocking, such as building a response.
 */
public final class MetadataWaiter implements AutoCloseable {
    private final Scheduler scheduler;
    private final Set<Wait> pending = ConcurrentHashMap.newKeySet();
    private volatile ClusterImage latest;
    private volatile MetadataWatcher.ListenerRegistration registration;
    private volatile boolean closed;

    /**
     * A waiter fed by hand through {@link #onImage} (tests; or wiring that has its own listener).
     *
     * @param initial the image to start from
     */
    public MetadataWaiter(Scheduler scheduler, ClusterImage initial) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.latest = Objects.requireNonNull(initial, "initial");
    }

    /** A waiter that follows {@code watcher}'s images until {@link #close()}. */
    public static MetadataWaiter attach(MetadataWatcher watcher, Scheduler scheduler) {
        MetadataWaiter waiter = new MetadataWaiter(scheduler, watcher.current());
        waiter.registration = watcher.addListener(waiter::onImage);
        return waiter;
    }

    /** The newest image this waiter has seen. */
    public ClusterImage current() {
        return latest;
    }

    /** Number of waits not yet completed (for tests and metrics). */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Completes with the first image satisfying {@code condition}, or with empty after {@code timeoutMs}
     * (at once if {@code timeoutMs <= 0} and the current image does not satisfy it, or if this waiter is closed).
     * Completes exceptionally if {@code condition} throws.
     */
    public CompletableFuture<Optional<ClusterImage>> await(Predicate<ClusterImage> condition, long timeoutMs) {
        Objects.requireNonNull(condition, "condition");
        Wait wait = new Wait(condition);
        pending.add(wait);
        wait.test(latest);           // after registering: an image published from now on is seen by onImage too
        if (!wait.future.isDone()) {
            if (closed || timeoutMs <= 0) {
                wait.expire();
            } else {
                Scheduler.Cancellable timer = scheduler.schedule("metadata-wait", timeoutMs, wait::expire);
                wait.timer = timer;
                if (wait.future.isDone()) {
                    timer.cancel();  // completed while the timer was being scheduled
                }
            }
        }
        return wait.future;
    }

    /** Takes a new image and completes every wait it satisfies. Call with images in the order they were built. */
    public void onImage(ClusterImage image) {
        latest = Objects.requireNonNull(image, "image");
        for (Wait wait : pending) {
            wait.test(image);
        }
    }

    /** Stops following the watcher and completes every pending wait with empty, as if it had timed out. */
    @Override
    public void close() {
        closed = true;
        MetadataWatcher.ListenerRegistration r = registration;
        if (r != null) {
            r.close();
        }
        for (Wait wait : pending) {
            wait.expire();
        }
    }

    /** One pending condition. Completed exactly once, by whichever of image, timeout or close comes first. */
    private final class Wait {
        final Predicate<ClusterImage> condition;
        final CompletableFuture<Optional<ClusterImage>> future = new CompletableFuture<>();
        final AtomicBoolean done = new AtomicBoolean();
        volatile Scheduler.Cancellable timer;

        Wait(Predicate<ClusterImage> condition) {
            this.condition = condition;
        }

        void test(ClusterImage image) {
            if (done.get()) {
                return;
            }
            boolean holds;
            try {
                holds = condition.test(image);
            } catch (RuntimeException e) {
                if (finish()) {
                    future.completeExceptionally(e);
                }
                return;
            }
            if (holds && finish()) {
                future.complete(Optional.of(image));
            }
        }

        void expire() {
            if (finish()) {
                future.complete(Optional.empty());
            }
        }

        private boolean finish() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            pending.remove(this);
            Scheduler.Cancellable t = timer;
            if (t != null) {
                t.cancel();
            }
            return true;
        }
    }
}

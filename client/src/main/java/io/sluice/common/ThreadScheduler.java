package io.sluice.common;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link Scheduler} on a small pool of daemon threads named {@code <prefix>-N}. A task that throws is logged
 * and, if periodic, keeps its schedule. Thread-safe.
 */
public final class ThreadScheduler implements Scheduler {
    private static final Logger log = LogManager.getLogger(ThreadScheduler.class);

    private final ScheduledThreadPoolExecutor executor;

    public ThreadScheduler(String threadPrefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, threadPrefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("Scheduled task {} failed", name, t);
            }
        };
    }

    @Override
    public Cancellable schedule(String name, long delayMs, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(guarded(name, task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Cancellable schedulePeriodic(String name, long initialDelayMs, long periodMs, Runnable task) {
        ScheduledFuture<?> f = executor.scheduleWithFixedDelay(guarded(name, task), Math.max(0, initialDelayMs), periodMs,
            TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

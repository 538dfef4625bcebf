package io.sluice.common;

/** Runs background tasks later or periodically. Tests use a scheduler driven by {@code MockTime}. */
public interface Scheduler extends AutoCloseable {

    /** A scheduled task that can be called off. */
    interface Cancellable {
        void cancel();
    }

    Cancellable schedule(String name, long delayMs, Runnable task);

    Cancellable schedulePeriodic(String name, long initialDelayMs, long periodMs, Runnable task);

    @Override
    void close();
}

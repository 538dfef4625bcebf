package io.sluice.systest;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/** Bounded polling of a condition, instead of fixed sleeps. */
final class Await {
    static final Duration POLL = Duration.ofMillis(100);

    private Await() {}

    /**
     * Polls {@code condition} every {@link #POLL} until it returns true; fails with {@code description} (and the
     * last exception thrown by the condition, if any) after {@code timeout}.
     */
    static void until(Duration timeout, Callable<Boolean> condition, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted while waiting for: " + description.get(), e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("not true within " + timeout + ": " + description.get()
                        + (last != null ? " (last attempt threw " + last + ")" : ""), last);
            }
            ManagedProcess.pause(POLL);
        }
    }
}

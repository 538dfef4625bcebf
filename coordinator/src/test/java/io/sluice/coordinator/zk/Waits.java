package io.sluice.coordinator.zk;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Bounded waits for integration tests (Awaitility style, without the dependency). Never for unit tests. */
public final class Waits {
    public static final long DEFAULT_TIMEOUT_MS = 15_000;

    private Waits() {
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeoutMs} passes, then fails naming {@code what}. */
    public static void until(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, DEFAULT_TIMEOUT_MS, condition);
    }

    /** Takes items from {@code queue} (filled by a listener) until one matches; fails after the timeout. */
    public static <T> T next(BlockingQueue<T> queue, String what, Predicate<T> matches) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEFAULT_TIMEOUT_MS);
        while (true) {
            long remainingNs = deadline - System.nanoTime();
            T item = remainingNs > 0 ? queue.poll(remainingNs, TimeUnit.NANOSECONDS) : null;
            if (item == null) {
                throw new AssertionError("Timed out after " + DEFAULT_TIMEOUT_MS + " ms waiting for " + what);
            }
            if (matches.test(item)) {
                return item;
            }
        }
    }
}

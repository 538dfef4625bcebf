package io.sluice.common;

import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by a {@link MockTime}: tasks run on the test's thread, in (due time, submission)
 * order, when the clock is advanced past their due time.
 */
public final class MockScheduler implements Scheduler {
    private final MockTime time;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long seq;

    private final class Task implements Comparable<Task>, Cancellable {
        final String name;
        final Runnable body;
        final long periodMs;
        long dueMs;
        final long order;
        boolean cancelled;

        Task(String name, Runnable body, long dueMs, long periodMs) {
            this.name = name;
            this.body = body;
            this.dueMs = dueMs;
            this.periodMs = periodMs;
            this.order = seq++;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(dueMs, o.dueMs);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            synchronized (MockScheduler.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    public MockScheduler(MockTime time) {
        this.time = time;
        time.onAdvance(this::runDue);
    }

    @Override
    public synchronized Cancellable schedule(String name, long delayMs, Runnable task) {
        Task t = new Task(name, task, time.milliseconds() + Math.max(0, delayMs), -1);
        queue.add(t);
        return t;
    }

    @Override
    public synchronized Cancellable schedulePeriodic(String name, long initialDelayMs, long periodMs, Runnable task) {
        Task t = new Task(name, task, time.milliseconds() + Math.max(0, initialDelayMs), periodMs);
        queue.add(t);
        return t;
    }

    /** Runs every task that is due now. */
    public void runDue() {
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.dueMs > time.milliseconds()) {
                    return;
                }
                queue.poll();
            }
            t.body.run();
            synchronized (this) {
                if (t.periodMs > 0 && !t.cancelled) {
                    t.dueMs += t.periodMs;
                    queue.add(t);
                }
            }
        }
    }

    public synchronized int pending() {
        return queue.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            queue.clear();
        }
    }
}

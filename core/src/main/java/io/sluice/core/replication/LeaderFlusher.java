package io.sluice.core.replication;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Group commit for leaders with {@code replication.ack.requires.fsync}: appends mark their partition, and one
 * thread ({@code leader-flusher}) flushes every marked partition, then reports it so the high watermark can move
 * over the flushed data. Appends that arrive while a flush runs are marked again and share the next fsync, so
 * under load one fsync covers many produce requests and the cost per acks=all request stays near one fsync
 * latency, not one fsync per request.
 *
 * <p>Thread-safety: {@link #schedule} from any thread (it never blocks on I/O); the flushes run on the flusher
 * thread, or on the caller of {@link #flushScheduled()} in tests that start no thread.
 */
public final class LeaderFlusher implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(LeaderFlusher.class);

    private final Consumer<Partition> onFlushed;
    private final Object monitor = new Object();
    /** Guarded by monitor. */
    private final Set<Partition> scheduled = new LinkedHashSet<>();
    private volatile boolean running = true;
    private Thread thread;

    /** @param onFlushed called after each partition's flush (on the flusher thread) */
    public LeaderFlusher(Consumer<Partition> onFlushed) {
        this.onFlushed = onFlushed;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("leader-flusher already started");
        }
        thread = new Thread(this::run, "leader-flusher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Marks a partition whose leader appended data not yet flushed. */
    public void schedule(Partition partition) {
        synchronized (monitor) {
            if (scheduled.add(partition)) {
                monitor.notifyAll();
            }
        }
    }

    public int scheduledCount() {
        synchronized (monitor) {
            return scheduled.size();
        }
    }

    private void run() {
        while (running) {
            synchronized (monitor) {
                while (running && scheduled.isEmpty()) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            flushScheduled();
        }
    }

    /** Flushes everything scheduled so far, once each. Returns how many partitions were flushed. */
    public int flushScheduled() {
        List<Partition> batch;
        synchronized (monitor) {
            batch = new ArrayList<>(scheduled);
            scheduled.clear();
        }
        int flushed = 0;
        for (Partition p : batch) {
            try {
                if (p.hasUnflushedData()) {
                    p.log().flush();
                    flushed++;
                }
                onFlushed.accept(p);
            } catch (RuntimeException e) {
                // The log reported its directory as failed; nothing below its recovery point is acknowledged.
                log.error("Flushing {} failed", p.topicPartition(), e);
            }
        }
        return flushed;
    }

    @Override
    public void close() {
        running = false;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

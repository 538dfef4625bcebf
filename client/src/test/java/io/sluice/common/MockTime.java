package io.sluice.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A clock that moves only when a test calls {@link #sleep}/{@link #advance}. Thread-safe. */
public final class MockTime implements Time {
    private long nowMs;
    private long nowNs;
    private final List<Runnable> onAdvance = new ArrayList<>();

    public MockTime() {
        this(1_700_000_000_000L);
    }

    public MockTime(long startMs) {
        this.nowMs = startMs;
        this.nowNs = TimeUnit.MILLISECONDS.toNanos(startMs);
    }

    @Override
    public synchronized long milliseconds() {
        return nowMs;
    }

    @Override
    public synchronized long nanoseconds() {
        return nowNs;
    }

    public void advance(long ms) {
        List<Runnable> listeners;
        synchronized (this) {
            nowMs += ms;
            nowNs += TimeUnit.MILLISECONDS.toNanos(ms);
            listeners = List.copyOf(onAdvance);
        }
        listeners.forEach(Runnable::run);
    }

    public void sleep(long ms) {
        advance(ms);
    }

    synchronized void onAdvance(Runnable listener) {
        onAdvance.add(listener);
    }
}

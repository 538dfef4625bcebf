package io.sluice.lag;

import io.sluice.common.Time;

/** A clock moved by hand. */
final class FakeClock implements Time {
    private volatile long ms;

    FakeClock(long startMs) {
        ms = startMs;
    }

    void advance(long deltaMs) {
        ms += deltaMs;
    }

    @Override
    public long milliseconds() {
        return ms;
    }

    @Override
    public long nanoseconds() {
        return ms * 1_000_000L;
    }
}

package io.sluice.common;

/** The clock. Production code reads time only through this, so tests can move it by hand ({@code MockTime}). */
public interface Time {
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time, for timestamps. */
    long milliseconds();

    /** Monotonic time, for timeouts and durations. */
    long nanoseconds();

    default long hiResMilliseconds() {
        return nanoseconds() / 1_000_000L;
    }
}

package io.sluice.core.purgatory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PurgatoryTest {
    private final Purgatory<String> purgatory = new Purgatory<>("test", Runnable::run);

    @AfterEach
    void close() {
        purgatory.close();
    }

    private static final class Waiting extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final CompletableFuture<Boolean> result = new CompletableFuture<>();
        final AtomicInteger completions = new AtomicInteger();

        Waiting(long timeoutMs) {
            super(timeoutMs);
        }

        @Override
        public boolean tryComplete() {
            return ready.get() && forceComplete();
        }

        @Override
        protected void onComplete(boolean expired) {
            completions.incrementAndGet();
            result.complete(expired);
        }
    }

    @Test
    void completesAtOnceWhenAlreadyPossible() {
        Waiting op = new Waiting(60_000);
        op.ready.set(true);
        assertTrue(purgatory.tryCompleteElseWatch(op, List.of("a")));
        assertEquals(0, purgatory.watched());
    }

    @Test
    void anEventOnAWatchedKeyCompletesItExactlyOnce() throws Exception {
        Waiting op = new Waiting(60_000);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));
        assertEquals(0, purgatory.checkAndComplete("a"));
        op.ready.set(true);
        assertEquals(0, purgatory.checkAndComplete("other"));
        assertEquals(1, purgatory.checkAndComplete("a"));
        assertEquals(0, purgatory.checkAndComplete("b"));
        assertFalse(op.result.get(1, TimeUnit.SECONDS), "completed by the event, not expired");
        assertEquals(1, op.completions.get());
        purgatory.purgeCompleted();
        assertEquals(0, purgatory.watched());
    }

    @Test
    void theTimeoutCompletesAnOperationNoEventCompleted() throws Exception {
        Waiting op = new Waiting(20);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a")));
        assertTrue(op.result.get(5, TimeUnit.SECONDS), "expired");
        op.ready.set(true);
        assertEquals(0, purgatory.checkAndComplete("a"));
        assertEquals(1, op.completions.get());
    }
}
